from django.conf import settings
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


class SecurityHeadersMiddleware:
    """Sends ``Permissions-Policy`` (settings.PERMISSIONS_POLICY; Django has no setting for it) on every
    response: the app needs no camera, microphone, location or other device feature, so no page, nor
    anything injected into one, may ask for them.

    It sits right after SecurityMiddleware, so it also sees the responses that a middleware nearer the
    view turned into an error page before Django's XFrameOptionsMiddleware ran (a request for an unknown
    host is answered with the 400 page by CommonMiddleware): those get X-Frame-Options here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper())
        return response
