"""The agreement as a PDF for the records (diarium): rendered from a dedicated template by
WeasyPrint, as a tagged PDF/UA document in Swedish. The renderer fetches nothing from the network
or the file system: its URL fetcher serves only the app's own static files and refuses the rest."""

import logging

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_BASE = "https://samverkan.invalid/static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves ``STATIC_BASE`` + path from the app's static files; refuses http(s), file://, data:
    and everything else (WeasyPrint then renders without the resource). ``refused`` lists what was
    asked for, for the tests and the log."""

    def __init__(self):
        super().__init__(allowed_protocols={"https"}, allow_redirects=False, timeout=1)
        self.refused = []
        self.served = []

    def fetch(self, url, headers=None):
        if url.startswith(STATIC_BASE) and ".." not in url:
            path = finders.find(url.removeprefix(STATIC_BASE).split("?")[0].split("#")[0])
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                self.served.append(url)
                return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(url)})
        self.refused.append(url[:200])
        logger.warning("PDF renderer refused to fetch %s", url[:200])
        raise ValueError(f"not fetched: {url[:80]}")


def _mime(url):
    if url.endswith(".css"):
        return "text/css"
    if url.endswith(".svg"):
        return "image/svg+xml"
    if url.endswith(".png"):
        return "image/png"
    return "application/octet-stream"


def render_html(content, *, version=None, decisions=(), draft=True, static_base=STATIC_BASE):
    return render_to_string(
        "projects/agreements/agreement_pdf.html",
        {
            "c": content,
            "version": version,
            "decisions": decisions,
            "draft": draft,
            "static_base": static_base,
            "generated_at": timezone.now(),
        },
    )


def html_to_pdf(html, fetcher=None, variant="pdf/ua-1"):
    """``variant``: WeasyPrint's PDF variant; "pdf/a-2a" for the archival PDF (projects.records.archival)."""
    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(pdf_variant=variant)


def render_pdf(content, variant="pdf/ua-1", **kwargs):
    return html_to_pdf(render_html(content, **kwargs), variant=variant)


def response(data, name):
    """A PDF as a download."""
    from django.http import HttpResponse

    answer = HttpResponse(data, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
