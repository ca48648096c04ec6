"""Reads of the yearly follow-up that other features use (the to-do list, the reminders, the
calendar, the evaluation, a new period) and the report page: flat query counts."""

from datetime import timedelta

from django.db.models import Count, Prefetch

from projects.core.models import PUBLIC_SECTORS, Membership
from projects.core.permissions import policy
from projects.goals.models import Measurement
from projects.meetings.models import Meeting
from projects.reports import permissions as perms
from projects.reports.models import Report, ReportComment, ReportDocument

# A waiting report is on the reporting party's to-do list from this many days before its due date
# (with the default due date, 30 April: from the first days of the new year).
TODO_DAYS = 120


def reports_for_page(collaboration):
    """The years' reports with their documents, in year order (two queries)."""
    return list(
        Report.objects.filter(collaboration=collaboration)
        .prefetch_related(Prefetch("documents", queryset=ReportDocument.objects.select_related("uploaded_by")))
        .select_related("review_meeting")
    )


def report_for_year(collaboration, year):
    return (
        Report.objects.filter(collaboration=collaboration, year=year)
        .select_related("review_meeting", "submitted_by", "reviewed_by", "approved_by", "collaboration")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=ReportDocument.objects.select_related("uploaded_by", "party__organisation"),
            ),
            Prefetch("comments", queryset=ReportComment.objects.select_related("author", "party__organisation")),
        )
        .first()
    )


def year_measurements(collaboration, year):
    """The indicators' measurements dated in the year (projects.goals, read only)."""
    return list(
        Measurement.objects.filter(indicator__goal__collaboration=collaboration, measured_on__year=year)
        .select_related("indicator__goal", "party__organisation")
        .order_by("indicator__goal__order", "indicator__order", "measured_on", "pk")
    )


def year_meetings(collaboration, year):
    """The collaboration's meetings in the year, the candidates for its review meeting. The year's
    review may be held early in the next year, so its first half counts too."""
    return list(
        Meeting.objects.filter(
            collaboration=collaboration, starts_at__year__gte=year, starts_at__year__lte=year + 1
        ).order_by("starts_at", "pk")
    )


def year_summaries(collaboration):
    """Per year: the report with ``document_count`` (the evaluation page and its appendix, a new
    period's page). One query."""
    return list(
        Report.objects.filter(collaboration=collaboration)
        .annotate(document_count=Count("documents"))
        .select_related("approved_by")
        .order_by("year")
    )


def _members(collaboration_ids, perm, public, user=None):
    """{collaboration id: [membership]} of the people who may ``perm`` whose party is (not) public
    (only ``user``'s memberships, when given)."""
    rows = Membership.objects.filter(collaboration_id__in=collaboration_ids, role__in=policy.roles_for(perm))
    if user is not None:
        rows = rows.filter(user=user)
    rows = (
        rows.filter(party__organisation__sector__in=PUBLIC_SECTORS)
        if public
        else rows.exclude(party__organisation__sector__in=PUBLIC_SECTORS)
    )
    people = {}
    for membership in rows.select_related("user", "collaboration", "party__organisation"):
        people.setdefault(membership.collaboration_id, []).append(membership)
    return people


def reporters(collaboration_ids, user=None):
    """The people of the reporting (civil-society) parties who upload and submit."""
    return _members(collaboration_ids, perms.UPLOAD, public=False, user=user)


def reviewers(collaboration_ids, user=None):
    """The people of the public parties who review and approve."""
    return _members(collaboration_ids, perms.REVIEW, public=True, user=user)


def waiting_reports(collaboration_ids, today):
    """Reports waiting for the reporting party whose due date is near, passed, or sent back."""
    return Report.objects.filter(
        collaboration_id__in=collaboration_ids,
        status=Report.Status.WAITING,
        collaboration__archived=False,
        due_date__lte=today + timedelta(days=TODO_DAYS),
    ).select_related("collaboration") | Report.objects.filter(
        collaboration_id__in=collaboration_ids,
        status=Report.Status.WAITING,
        collaboration__archived=False,
        sent_back_at__isnull=False,
    ).select_related("collaboration")


def reports_to_review(collaboration_ids):
    """Reports submitted (to review) or reviewed (to approve): the public party's turn."""
    return Report.objects.filter(
        collaboration_id__in=collaboration_ids,
        status__in=[Report.Status.SUBMITTED, Report.Status.REVIEWED],
        collaboration__archived=False,
    ).select_related("collaboration")


def reports_due_between(start, end):
    """Waiting reports due within [start, end] (the reminders)."""
    return Report.objects.filter(
        status=Report.Status.WAITING, due_date__range=(start, end), collaboration__archived=False
    ).select_related("collaboration")
