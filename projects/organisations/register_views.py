"""The organisation's register of collaborations: the page, the spreadsheet, and the decided
agreements for the organisation's administrators. The rows are built in register.py."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from projects.agreements import services as agreements
from projects.common import csv_export, pdf
from projects.publication import queries as publication

from . import register as reg
from .permissions import Perm, organisation_required


def _filters(request):
    return reg.Filters.parse(
        query=request.GET.get("q"),
        status=request.GET.get("status"),
        form=request.GET.get("form"),
        ending_soon=request.GET.get("slutar"),
    )


@require_GET
@organisation_required(Perm.VIEW_REGISTER)
def register(request, organisation):
    filters = _filters(request)
    page = Paginator(reg.rows(organisation, request.user, filters), reg.PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "organisation": organisation,
        "perms": request.org_perms,
        "filters": filters,
        "page": page,
        # Only asked when nothing matches: "no collaborations yet" or "none matches the filters".
        "has_any": bool(page.object_list) or (filters.is_filtered and reg.has_collaborations(organisation)),
        "statuses": reg.Status.choices,
        "forms": reg.form_choices(),
        "no_form": reg.NO_FORM,
        "renegotiate_days": reg.RENEGOTIATE_DAYS,
        "published": publication.published_for(organisation).exists(),  # the public list's link
    }
    if request.htmx and request.htmx.target == "register-results":
        return render(request, "projects/organisations/register.html#register-results", context)
    return render(request, "projects/organisations/register.html", context)


@require_GET
@organisation_required(Perm.VIEW_REGISTER)
def register_csv(request, organisation):
    today = timezone.localdate()
    name = f"samverkan-{slugify(organisation.name)[:60] or 'organisation'}-{today.isoformat()}.csv"
    rows = reg.rows(organisation, request.user, _filters(request), today=today)
    return csv_export.response(name, reg.csv_header(), reg.csv_rows(rows))


@require_GET
@organisation_required(Perm.READ_DECIDED_AGREEMENTS)
def decided_agreement(request, organisation, pk):
    """The decided version's PDF: the one kept since the last party's decision, or (before the
    task has kept it) rendered without being saved, since a GET never writes."""
    version = reg.decided_version(organisation, pk)
    if version is None:
        raise Http404
    name = f"{slugify(version.agreement.title)[:60]}-v{version.number}-{version.short_hash}.pdf"
    return pdf.response(agreements.version_pdf(version), name)
