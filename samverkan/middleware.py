from django_htmx.http import HttpResponseClientRedirect


class HtmxRedirectMiddleware:
    """An HTMX request that ends in a redirect (for example to the login page when the session
    has expired) makes the browser navigate, instead of swapping the next page into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code in (301, 302, 303, 307, 308):
            return HttpResponseClientRedirect(response["Location"])
        return response
