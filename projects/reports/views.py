"""The yearly follow-up's pages ("Årlig uppföljning"): the years, one year's report, its documents
(uploaded, downloaded only through here), its status and comments. Thin: the rules are in
projects.reports.services, the type check in projects.reports.files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.budget import queries as budget_queries
from projects.core.permissions import collaboration_required, policy
from projects.reports import permissions as perms
from projects.reports import queries
from projects.reports import services as reports
from projects.reports.forms import DocumentsForm, DueDateForm, MeetingForm, NoteForm, UploadForm
from projects.reports.models import Report, ReportDocument

PAGE = "projects/reports/reports.html"
YEAR_PAGE = "projects/reports/report.html"


MAX_YEAR = 2200  # Report's check constraint: a larger number in the URL is no year of ours


def _report(collaboration, year):
    if year > MAX_YEAR:
        raise Http404
    report = queries.report_for_year(collaboration, year)
    if report is None:
        raise Http404
    return report


def _year_url(report, anchor=""):
    url = reverse("projects:report_detail", args=[report.collaboration_id, report.year])
    return f"{url}#{anchor}" if anchor else url


def _can(request, perm, obj=None):
    return policy.user_has_permission(request.user, perm, request.collaboration, obj)


def _error(error):
    return " ".join(error.messages)


# The years -------------------------------------------------------------------------------------


def _page_context(request, collaboration, documents_form=None):
    can_manage = _can(request, perms.MANAGE)
    report_list = queries.reports_for_page(collaboration)
    documents = reports.agreed_documents(collaboration)
    for report in report_list:
        report.missing = reports.missing_documents(report, documents)
    expected = reports.period_years(collaboration)
    return {
        "collaboration": collaboration,
        "reports": report_list,
        "documents": documents,
        "can_manage": can_manage,
        "out_of_step": can_manage and [r.year for r in report_list if not r.outside_period] != expected,
        "documents_form": documents_form
        or (DocumentsForm(initial={"documents": "\n".join(documents)}, auto_id="plan-%s") if can_manage else None),
    }


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def reports_page(request, collaboration):
    return render(request, PAGE, _page_context(request, collaboration))


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def report_refresh(request, collaboration):
    created, removed, flagged = reports.refresh_reports(collaboration, user=request.user)
    if created or removed or flagged:
        messages.success(request, _("Åren är uppdaterade efter samverkans period."))
    else:
        messages.info(request, _("Åren stämmer redan med samverkans period."))
    return redirect("projects:reports", collaboration.pk)


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def report_documents(request, collaboration):
    form = DocumentsForm(request.POST, auto_id="plan-%s")
    if not form.is_valid():
        messages.error(request, _("Listan sparades inte. Se meddelandet vid fältet."))
        return render(request, PAGE, _page_context(request, collaboration, documents_form=form), status=400)
    if reports.save_documents(collaboration, form.cleaned_data["documents"], user=request.user):
        messages.success(request, _("Listan över dokument är sparad."))
    return redirect(reverse("projects:reports", args=[collaboration.pk]) + "#plan")


# One year ---------------------------------------------------------------------------------------


def _year_context(request, collaboration, report, **bound):
    membership = request.membership
    documents = reports.agreed_documents(collaboration)
    may_upload = policy.user_has_permission(request.user, perms.UPLOAD, collaboration, report)
    may_review = policy.user_has_permission(request.user, perms.REVIEW, collaboration, report)
    waiting = report.status == Report.Status.WAITING
    by_kind = {kind: [] for kind in documents}
    others = []
    for document in report.documents.all():
        document.deletable = may_upload and waiting
        by_kind[document.kind].append(document) if document.kind in by_kind else others.append(document)
    meetings = queries.year_meetings(collaboration, report.year)
    can_manage = _can(request, perms.MANAGE)
    missing = [kind for kind, docs in by_kind.items() if not docs]
    return {
        "collaboration": collaboration,
        "report": report,
        "budget": budget_queries.year_summary(collaboration, report.year),
        "membership": membership,
        "by_kind": by_kind,
        "others": others,
        "missing": missing,
        "can_upload": may_upload and waiting,
        "can_submit": may_upload and waiting and not missing,
        "can_review": may_review and report.status == Report.Status.SUBMITTED,
        "can_approve": may_review and report.status == Report.Status.REVIEWED,
        "can_send_back": may_review and report.status in (Report.Status.SUBMITTED, Report.Status.REVIEWED),
        "can_comment": _can(request, perms.COMMENT),
        "can_manage": can_manage,
        "upload_form": bound.get("upload")
        or (UploadForm(documents=documents, auto_id="upload-%s") if may_upload and waiting else None),
        "due_form": bound.get("due") or (DueDateForm(report=report) if can_manage else None),
        "meeting_form": bound.get("meeting")
        or (
            MeetingForm(initial={"meeting": report.review_meeting_id}, meetings=meetings, auto_id="meeting-%s")
            if can_manage
            else None
        ),
        "decision_form": bound.get("decision") or NoteForm(auto_id="decision-%s"),
        "comment_form": bound.get("comment") or NoteForm(auto_id="comment-%s"),
        "meetings": meetings,
        "measurements": queries.year_measurements(collaboration, report.year),
        "steps": _steps(report),
    }


def _steps(report):
    order = [s.value for s in Report.Status]
    here = order.index(report.status)
    return [{"label": status.label, "done": i < here, "current": i == here} for i, status in enumerate(Report.Status)]


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def report_detail(request, collaboration, year):
    report = _report(collaboration, year)
    return render(request, YEAR_PAGE, _year_context(request, collaboration, report))


@login_required
@require_POST
@collaboration_required(perms.UPLOAD)
def report_upload(request, collaboration, year):
    report = _report(collaboration, year)
    if not policy.user_has_permission(request.user, perms.UPLOAD, collaboration, report):
        raise PermissionDenied
    documents = reports.agreed_documents(collaboration)
    form = UploadForm(
        request.POST,
        request.FILES,
        documents=documents,
        too_large=getattr(request, "upload_too_large", False),
        auto_id="upload-%s",
    )
    if form.is_valid():
        try:
            document = reports.upload_document(
                report,
                membership=request.membership,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                checked=form.checked,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("%(kind)s är uppladdad: %(name)s.") % {"kind": document.kind, "name": document.original_name},
            )
            return redirect(_year_url(report, "documents"))
    context = _year_context(request, collaboration, report, upload=form)
    return render(request, YEAR_PAGE, context, status=400)


def _document(collaboration, year, document_pk):
    if year > MAX_YEAR or document_pk > 2**31 - 1:
        raise Http404
    return get_object_or_404(
        ReportDocument.objects.select_related("report__collaboration"),
        pk=document_pk,
        report__collaboration=collaboration,
        report__year=year,
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def report_document_download(request, collaboration, year, document_pk):
    """The document, as an attachment, from the default storage (never a public URL)."""
    document = _document(collaboration, year, document_pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=content_types.get(document.format, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@collaboration_required(perms.UPLOAD)
def report_document_delete(request, collaboration, year, document_pk):
    document = _document(collaboration, year, document_pk)
    if not policy.user_has_permission(request.user, perms.UPLOAD, collaboration, document.report):
        raise PermissionDenied
    try:
        reports.delete_document(document, user=request.user)
    except ValidationError as error:
        messages.error(request, _error(error))
    else:
        messages.success(request, _("%(name)s är borttagen.") % {"name": document.original_name})
    return redirect(_year_url(document.report, "documents"))


# Statuses -----------------------------------------------------------------------------------------


@login_required
@require_POST
@collaboration_required(perms.UPLOAD)
def report_submit(request, collaboration, year):
    report = _report(collaboration, year)
    if not policy.user_has_permission(request.user, perms.UPLOAD, collaboration, report):
        raise PermissionDenied
    try:
        reports.submit(report, user=request.user)
    except ValidationError as error:
        messages.error(request, _error(error))
    else:
        messages.success(request, _("Årsrapport %(year)s är inlämnad.") % {"year": report.year})
    return redirect(_year_url(report, "status"))


def _decision(request, collaboration, year, action, done, required=False):
    report = _report(collaboration, year)
    if not policy.user_has_permission(request.user, perms.REVIEW, collaboration, report):
        raise PermissionDenied
    form = NoteForm(
        request.POST,
        required=required,
        required_message=_("Skriv vad som behöver ändras innan du skickar tillbaka årsrapporten."),
        auto_id="decision-%s",
    )
    if form.is_valid():
        try:
            action(report, membership=request.membership, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, _error(error))
        else:
            messages.success(request, done % {"year": report.year})
        return redirect(_year_url(report, "status"))
    context = _year_context(request, collaboration, report, decision=form)
    return render(request, YEAR_PAGE, context, status=400)


@login_required
@require_POST
@collaboration_required(perms.REVIEW)
def report_review(request, collaboration, year):
    return _decision(request, collaboration, year, reports.mark_reviewed, _("Årsrapport %(year)s är granskad."))


@login_required
@require_POST
@collaboration_required(perms.REVIEW)
def report_approve(request, collaboration, year):
    return _decision(request, collaboration, year, reports.approve, _("Årsrapport %(year)s är godkänd."))


@login_required
@require_POST
@collaboration_required(perms.REVIEW)
def report_send_back(request, collaboration, year):
    return _decision(
        request,
        collaboration,
        year,
        reports.send_back,
        _("Årsrapport %(year)s är skickad tillbaka till den rapporterande parten."),
        required=True,
    )


@login_required
@require_POST
@collaboration_required(perms.COMMENT)
def report_comment(request, collaboration, year):
    report = _report(collaboration, year)
    form = NoteForm(request.POST, required=True, auto_id="comment-%s")
    if form.is_valid():
        reports.add_comment(report, membership=request.membership, text=form.cleaned_data["text"])
        messages.success(request, _("Kommentaren är sparad."))
        return redirect(_year_url(report, "comments"))
    return render(request, YEAR_PAGE, _year_context(request, collaboration, report, comment=form), status=400)


# The coordinators' settings of a year ---------------------------------------------------------


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def report_due(request, collaboration, year):
    report = _report(collaboration, year)
    form = DueDateForm(request.POST, report=report)
    if form.is_valid():
        if reports.set_due_date(report, form.cleaned_data["date"], user=request.user):
            messages.success(
                request,
                _("Årsrapport %(year)s lämnas in senast %(date)s.")
                % {"year": report.year, "date": date_format(report.due_date, "j F Y")},
            )
        return redirect(_year_url(report, "due"))
    return render(request, YEAR_PAGE, _year_context(request, collaboration, report, due=form), status=400)


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def report_meeting(request, collaboration, year):
    report = _report(collaboration, year)
    form = MeetingForm(request.POST, meetings=queries.year_meetings(collaboration, year), auto_id="meeting-%s")
    if form.is_valid():
        if reports.set_review_meeting(report, form.cleaned_data["meeting"], user=request.user):
            messages.success(request, _("Uppföljningsmötet är sparat."))
        return redirect(_year_url(report, "meeting"))
    return render(request, YEAR_PAGE, _year_context(request, collaboration, report, meeting=form), status=400)
