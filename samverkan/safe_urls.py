"""Where to send a person back to: a URL from a header or a form, only when it is this site's."""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme


def same_site_path(request, url):
    """The path and query of ``url`` when it points at this site (same host; https if the request is),
    else "". For headers such as Referer and HX-Current-URL, which a client can set to anything."""
    if not url or not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
