"""Permission-matrix cases for the meetings URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from datetime import timedelta

from django.utils import timezone

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, OK, ROLES, TOKEN, Case, pk


def make_meeting(ctx, minutes="Vi talade om lokalen."):
    """A meeting with the coordinator, the editor and the reader taking part, and written minutes."""
    from projects.core.models import Membership
    from projects.meetings import services as meetings
    from projects.meetings.models import Meeting

    collaboration = ctx["collaboration"]
    start = timezone.now() + timedelta(days=3)
    meeting = Meeting(
        collaboration=collaboration, title="Styrgrupp", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    meeting.place = "Stadshuset"
    members = list(Membership.objects.filter(collaboration=collaboration).select_related("user", "party"))
    meetings.save_meeting(meeting, user=ctx["users"]["coordinator"], memberships=members, guests={})
    if minutes:
        meetings.save_minutes(meeting, user=ctx["users"]["coordinator"], text=minutes, base_version=0)
    return meeting


def meeting_kwargs(ctx):
    if "meeting" not in ctx:
        ctx["meeting"] = make_meeting(ctx)
    return pk(ctx) | {"meeting_pk": ctx["meeting"].pk}


def feed_kwargs(ctx):
    from projects.meetings import services as meetings

    token = meetings.renew_calendar_token(ctx["collaboration"], user=ctx["users"]["coordinator"])
    return pk(ctx) | {"token": token}


def meeting_data(ctx):
    editor_membership = ctx["users"]["editor"].memberships.get()
    return {
        "title": "Dialogmöte om sommaren",
        "kind": "dialog",
        "starts_at": "2026-12-01T18:00",
        "ends_at": "2026-12-01T20:00",
        "place": "Föreningshuset",
        "members": [editor_membership.pk],
    }


def decision_data(ctx):
    return {"text": "Vi hyr lokalen.", "decided_on": "2026-11-20", "decided_by": "Ordföranden", "mandate": "§ 4"}


def _decision_log(ctx):
    from projects.meetings.models import LoggedDecision

    rows = LoggedDecision.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("meeting_id", "text", "decided_on", "decided_by", "mandate"))


def _meeting(ctx):
    from projects.meetings.models import Meeting, MeetingParticipant

    meeting = Meeting.objects.filter(pk=ctx["meeting"].pk)
    participants = MeetingParticipant.objects.filter(meeting=ctx["meeting"]).order_by("party_id", "user_id", "name")
    return (
        list(meeting.values_list("title", "kind", "starts_at", "ends_at", "place")),
        list(participants.values_list("party_id", "user_id", "name")),
    )


def _minutes(ctx):
    from projects.meetings.models import Meeting

    return list(Meeting.objects.filter(pk=ctx["meeting"].pk).values_list("minutes", "minutes_version"))


def _approvals(ctx):
    from projects.meetings.models import MeetingParticipant

    rows = MeetingParticipant.objects.filter(meeting=ctx["meeting"]).order_by("pk")
    return list(rows.values_list("user_id", "approved_version"))


def _minutes_due(ctx):
    from projects.meetings.models import Meeting

    return list(Meeting.objects.filter(pk=ctx["meeting"].pk).values_list("minutes_due", flat=True))


def _a_date_after_the_meeting(ctx):
    return {"date": (timezone.localdate() + timedelta(days=14)).isoformat()}


def _calendar_secret(ctx):
    from projects.meetings.models import CalendarFeed

    return list(CalendarFeed.objects.filter(collaboration=ctx["collaboration"]).values_list("token_hash", flat=True))


CASES = {
    "projects:meetings": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="meetings.view"),
    "projects:decisions": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="meetings.view"),
    # A decision by delegation, between meetings.
    "projects:decision_add": Case(
        kwargs=pk, method="post", data=decision_data, expect=EDIT, effect=_decision_log, perm="meetings.record_decision"
    ),
    "projects:meeting_create": Case(kwargs=pk, expect=EDIT, perm="meetings.plan"),
    "projects:meeting_detail": Case(kwargs=meeting_kwargs, expect=MEMBERS_VIEW, perm="meetings.view"),
    "projects:meeting_edit": Case(
        kwargs=meeting_kwargs, method="post", data=meeting_data, expect=EDIT, effect=_meeting, perm="meetings.plan"
    ),
    "projects:meeting_minutes": Case(
        kwargs=meeting_kwargs,
        method="post",
        data=lambda ctx: {"minutes": "Ny text", "version": 1},
        expect=EDIT,
        effect=_minutes,
        perm="meetings.write_minutes",
    ),
    # Every participant approves, whatever their role (all three take part in the case's meeting).
    # Taking part in the meeting is checked by the service (each approves for themselves).
    "projects:meeting_approve": Case(
        kwargs=meeting_kwargs,
        method="post",
        data=lambda ctx: {"version": 1},
        expect=MEMBERS_VIEW,
        effect=_approvals,
        perm="meetings.approve_minutes",
    ),
    # Coordinators set the date by which the minutes are to be approved.
    "projects:meeting_minutes_due": Case(
        kwargs=meeting_kwargs,
        method="post",
        data=_a_date_after_the_meeting,
        expect=MANAGE,
        effect=_minutes_due,
        perm="meetings.set_minutes_due",
    ),
    "projects:meeting_decision_add": Case(
        kwargs=meeting_kwargs,
        method="post",
        data=decision_data,
        expect=EDIT,
        effect=_decision_log,
        perm="meetings.write_minutes",
    ),
    "projects:meeting_pdf": Case(kwargs=meeting_kwargs, expect=MEMBERS_VIEW, perm="meetings.view"),
    "projects:meeting_ics": Case(kwargs=meeting_kwargs, expect=MEMBERS_VIEW, perm="meetings.view"),
    "projects:calendar_renew": Case(
        kwargs=pk, method="post", expect=MANAGE, effect=_calendar_secret, perm="meetings.renew_calendar"
    ),
    # The secret address is the credential: anyone holding it reads the feed, logged in or not.
    "projects:calendar_feed": Case(kwargs=feed_kwargs, expect=dict.fromkeys(ROLES, OK), perm=TOKEN),
}
