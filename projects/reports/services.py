"""Every write of the yearly follow-up (projects.reports.models), with its rules and its event.

The years come from the collaboration's period (``Collaboration.start_date``..``end_date``): one
report a year, due by default on 30 April the following year (after the association's annual
meeting has adopted its annual report and the auditors have reported). ``refresh_reports`` is
idempotent: it creates the missing years, removes the years outside the period that have no
documents, and keeps and flags those that do.

The statuses: Väntar → Inlämnad (the reporting party submits when every agreed document is there) →
Granskad (the public party has reviewed it) → Godkänd; Inlämnad or Granskad → Väntar when the
public party sends it back with a comment.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.common import comments
from projects.core.models import Collaboration, Event, EventText
from projects.reports.models import (
    DEFAULT_DOCUMENTS,
    Report,
    ReportComment,
    ReportDocument,
    ReportEvent,
    ReportPlan,
)

DUE_MONTH, DUE_DAY = 4, 30


FINAL_DAYS = 120  # a period ending before December: its last year is due this long after the end


def default_due(year, end_date=None):
    """30 April the year after: the association's annual meeting has adopted the annual report. The
    last year of a period that ends early in the year is due at most FINAL_DAYS after the end (as long
    as a full year ending 31 December has until 30 April), not more than a year later."""
    due = date(year + 1, DUE_MONTH, DUE_DAY)
    if end_date is not None and end_date.year == year:
        due = min(due, end_date + timedelta(days=FINAL_DAYS))
    return due


def period_years(collaboration):
    """The calendar years of the collaboration's period (none until both dates are set)."""
    if collaboration.start_date is None or collaboration.end_date is None:
        return []
    return list(range(collaboration.start_date.year, collaboration.end_date.year + 1))


def _subject(report):
    return EventText(gettext_noop("Årsrapport %(year)s"), year=report.year)


# The years ------------------------------------------------------------------------------------


@transaction.atomic
def refresh_reports(collaboration, *, user=None):
    """Make the reports match the period: one per year, none twice. Returns (created, removed,
    flagged) years. Safe to call again and at the same time (the collaboration's row is locked)."""
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
    ReportPlan.objects.get_or_create(collaboration=collaboration, defaults={"updated_by": user})
    years = set(period_years(collaboration))
    existing = {r.year: r for r in Report.objects.filter(collaboration=collaboration).prefetch_related("documents")}
    created = sorted(years - set(existing))
    Report.objects.bulk_create(
        Report(collaboration=collaboration, year=year, due_date=default_due(year, collaboration.end_date))
        for year in created
    )
    removed, flagged = [], []
    for year, report in existing.items():
        inside = year in years
        if inside and report.outside_period:
            Report.objects.filter(pk=report.pk).update(outside_period=False)
        elif not inside:
            if report.documents.all():
                if not report.outside_period:
                    Report.objects.filter(pk=report.pk).update(outside_period=True)
                    flagged.append(year)
            else:
                report.delete()
                removed.append(year)
    if created or removed or flagged:
        parts = []
        if created:
            parts.append(EventText(gettext_noop("Nya år: %(years)s"), years=", ".join(map(str, created))))
        if removed:
            parts.append(EventText(gettext_noop("Borttagna år: %(years)s"), years=", ".join(map(str, removed))))
        if flagged:
            parts.append(
                EventText(
                    gettext_noop("Utanför perioden men med dokument, sparade: %(years)s"),
                    years=", ".join(map(str, flagged)),
                )
            )
        for detail in parts:
            Event.record(collaboration, user, ReportEvent.PLAN, EventText(gettext_noop("Årlig uppföljning")), detail)
    return created, removed, flagged


@transaction.atomic
def save_documents(collaboration, documents, *, user):
    """The documents the parties agreed to report each year (the names, in order)."""
    plan, _created = ReportPlan.objects.select_for_update().get_or_create(collaboration=collaboration)
    if plan.documents == documents:
        return False
    plan.documents, plan.updated_by, plan.updated_at = documents, user, timezone.now()
    plan.save()
    Event.record(
        collaboration,
        user,
        ReportEvent.PLAN,
        EventText(gettext_noop("Dokument i årsrapporten")),
        ", ".join(documents),
    )
    return True


def agreed_documents(collaboration):
    plan = ReportPlan.objects.filter(collaboration=collaboration).first()
    return list(plan.documents) if plan else list(DEFAULT_DOCUMENTS)


@transaction.atomic
def set_due_date(report, due_date, *, user):
    if report.due_date == due_date:
        return False
    Report.objects.filter(pk=report.pk).update(due_date=due_date)
    report.due_date = due_date
    Event.record(
        report.collaboration,
        user,
        ReportEvent.PLAN,
        _subject(report),
        EventText(gettext_noop("Lämnas in senast %(date)s"), date=due_date.isoformat()),
    )
    return True


@transaction.atomic
def set_review_meeting(report, meeting, *, user):
    """The year's joint review meeting (a meeting of the collaboration), or None."""
    if report.review_meeting_id == (meeting.pk if meeting else None):
        return False
    Report.objects.filter(pk=report.pk).update(review_meeting=meeting)
    report.review_meeting = meeting
    detail = (
        EventText(gettext_noop("Uppföljningsmöte: %(title)s"), title=meeting.title)
        if meeting
        else EventText(gettext_noop("Inget uppföljningsmöte valt"))
    )
    Event.record(report.collaboration, user, ReportEvent.PLAN, _subject(report), detail)
    return True


# Documents ------------------------------------------------------------------------------------


def duplicate_message(document):
    return _("Den här filen är redan uppladdad: %(name)s, %(date)s.") % {
        "name": document.original_name,
        "date": date_format(timezone.localtime(document.uploaded_at), "j F Y"),
    }


def _locked(report):
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def upload_document(report, *, membership, kind, upload, checked):
    """Store one checked document (projects.reports.files.check) in the default storage, under a
    path with a random part; the original name is kept in the row. Refused (ValidationError) when
    the report is no longer waiting, or when the same file is already in the report."""
    current = _locked(report)
    if current.status != Report.Status.WAITING:
        raise ValidationError(_("Årsrapporten är inlämnad. Dokumenten kan inte ändras om den inte skickas tillbaka."))
    if kind not in agreed_documents(report.collaboration):
        raise ValidationError(_("Välj vilket av de överenskomna dokumenten filen är."))
    same = ReportDocument.objects.filter(report=report, sha256=checked.sha256).first()
    if same:
        raise ValidationError(duplicate_message(same))
    name = (upload.name or "dokument").replace("\x00", "")[-255:]
    document = ReportDocument(
        report=report,
        kind=kind,
        original_name=name,
        format=checked.format,
        size=checked.size,
        sha256=checked.sha256,
        party=membership.party,
        uploaded_by=membership.user,
    )
    document.file.save(name, upload, save=False)
    stored = document.file.name
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.file.storage.delete(stored)
        same = ReportDocument.objects.filter(report=report, sha256=checked.sha256).first()
        raise ValidationError(duplicate_message(same) if same else _("Filen sparades inte. Försök igen.")) from None
    Event.record(
        report.collaboration,
        membership.user,
        ReportEvent.UPLOADED,
        _subject(report),
        EventText(gettext_noop("%(kind)s: %(name)s"), kind=kind, name=name),
    )
    return document


@transaction.atomic
def delete_document(document, *, user):
    report = _locked(document.report)
    if report.status != Report.Status.WAITING:
        raise ValidationError(_("Årsrapporten är inlämnad. Dokumenten kan inte ändras om den inte skickas tillbaka."))
    stored, storage = document.file.name, document.file.storage
    Event.record(
        report.collaboration,
        user,
        ReportEvent.REMOVED,
        _subject(report),
        EventText(gettext_noop("%(kind)s: %(name)s"), kind=document.kind, name=document.original_name),
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def missing_documents(report, documents=None):
    """The agreed documents the report has no file for yet."""
    agreed = agreed_documents(report.collaboration) if documents is None else documents
    have = {d.kind for d in report.documents.all()}
    return [kind for kind in agreed if kind not in have]


# Statuses -------------------------------------------------------------------------------------


def _move(report, user, allowed, status, detail, **fields):
    current = _locked(report)
    if current.status not in allowed:
        raise ValidationError(
            _("Årsrapporten har status %(status)s nu. Ladda om sidan och se vad som har hänt.")
            % {"status": current.get_status_display().lower()}
        )
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    for name, value in {"status": status, **fields}.items():
        setattr(report, name, value)
    Event.record(report.collaboration, user, ReportEvent.STATUS, _subject(report), detail)


@transaction.atomic
def submit(report, *, user):
    missing = missing_documents(_locked(report))
    if missing:
        raise ValidationError(
            _("Årsrapporten kan inte lämnas in än. Ladda upp det som saknas: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    now = timezone.now()
    _move(
        report,
        user,
        {Report.Status.WAITING},
        Report.Status.SUBMITTED,
        EventText(gettext_noop("Inlämnad")),
        submitted_at=now,
        submitted_by=user,
    )


@transaction.atomic
def mark_reviewed(report, *, membership, text=""):
    _move(
        report,
        membership.user,
        {Report.Status.SUBMITTED},
        Report.Status.REVIEWED,
        EventText(gettext_noop("Granskad")),
        reviewed_at=timezone.now(),
        reviewed_by=membership.user,
    )
    if text:
        _comment(report, membership, text)


@transaction.atomic
def approve(report, *, membership, text=""):
    _move(
        report,
        membership.user,
        {Report.Status.REVIEWED},
        Report.Status.APPROVED,
        EventText(gettext_noop("Godkänd")),
        approved_at=timezone.now(),
        approved_by=membership.user,
    )
    if text:
        _comment(report, membership, text)


@transaction.atomic
def send_back(report, *, membership, text):
    """Back to Väntar with a comment (required: the reporting party must know what to change)."""
    if not text.strip():
        raise ValidationError(_("Skriv vad som behöver ändras innan du skickar tillbaka årsrapporten."))
    _move(
        report,
        membership.user,
        {Report.Status.SUBMITTED, Report.Status.REVIEWED},
        Report.Status.WAITING,
        EventText(gettext_noop("Skickad tillbaka")),
        sent_back_at=timezone.now(),
        reviewed_at=None,
        reviewed_by=None,
    )
    _comment(report, membership, text, sent_back=True)


def _comment(report, membership, text, **extra):
    return comments.add_comment(
        ReportComment,
        membership,
        text,
        event=(report.collaboration, ReportEvent.COMMENT, _subject(report), text[:200]),
        report=report,
        **extra,
    )


@transaction.atomic
def add_comment(report, *, membership, text):
    return _comment(report, membership, text)
