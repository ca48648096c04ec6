"""Session lifetime: an inactivity timeout and an absolute lifetime (issue 8). Filled in by the auth work."""


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
