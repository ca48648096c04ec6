"""Meetings, participants, minutes and their approval ("justering"), the decision log, calendars.

Views and forms validate input; the functions here apply it (atomically) and record the events.
Rules: an edit of the minutes withdraws every approval of them; when every participant with an
account has approved the current version the minutes are locked, and a meeting with locked minutes
is no longer changed (neither its minutes, details, participants nor decisions).
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from icalendar import Calendar as VCalendar
from icalendar import Event as VEvent
from icalendar import vDatetime, vText, vUri

from projects.agreements.models import AgreementVersion
from projects.checklists.models import ChecklistSection
from projects.common import versioned
from projects.core.models import Event, EventText, Membership, hash_token
from projects.goals.models import Goal
from projects.meetings.models import CalendarFeed, LoggedDecision, Meeting, MeetingEvent, MeetingParticipant
from projects.notifications import services as notices
from projects.notifications.models import Kind
from projects.reports.models import Report


class MinutesLocked(Exception):
    """The minutes are approved by everyone and locked: nothing of the meeting changes any more."""


# Reading -------------------------------------------------------------------------------------


def meetings_in_order(collaboration, now=None):
    """Upcoming meetings first (soonest first), then past ones (latest first), each with counts."""
    now = now or timezone.now()
    return collaboration.meetings.annotate(
        is_past=Case(When(ends_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()),
        upcoming_start=Case(When(ends_at__gte=now, then=F("starts_at"))),
        n_participants=Count("participants", distinct=True),
        n_decisions=Count("decisions", distinct=True),
    ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), "-starts_at", "-pk")


def meeting_with_people(collaboration, meeting_pk):
    """One meeting of the collaboration with its participants (and their parties) and decisions."""
    return (
        collaboration.meetings.prefetch_related(
            Prefetch(
                "participants",
                queryset=MeetingParticipant.objects.select_related("party__organisation").order_by(
                    "party__organisation__name", "name"
                ),
            ),
            Prefetch("decisions", queryset=LoggedDecision.objects.order_by("decided_on", "pk")),
        )
        .filter(pk=meeting_pk)
        .first()
    )


def participants_by_party(meeting):
    """[(party, [participant, …]), …] in the order of the parties' names."""
    groups = {}
    for participant in meeting.participants.all():
        groups.setdefault(participant.party, []).append(participant)
    return list(groups.items())


def approvers(meeting, member_ids=None):
    """The participants who approve the minutes: those with an account who are still members."""
    if member_ids is None:
        member_ids = set(
            Membership.objects.filter(collaboration_id=meeting.collaboration_id).values_list("user_id", flat=True)
        )
    return [p for p in meeting.participants.all() if p.user_id and p.user_id in member_ids]


@dataclass
class Approval:
    """Where the approval of a meeting's minutes stands."""

    approved: list = field(default_factory=list)  # participants who approved the current version
    waiting: list = field(default_factory=list)  # participants who have not
    locked: bool = False
    can_approve: bool = False  # the minutes have text and are not locked

    @property
    def total(self):
        return len(self.approved) + len(self.waiting)


def approval_state(meeting, member_ids=None):
    people = approvers(meeting, member_ids)
    current = meeting.minutes_version
    approved = [p for p in people if p.approved_version == current and p.approved_minutes_at]
    waiting = [p for p in people if p not in approved]
    has_text = bool(meeting.minutes.strip())
    return Approval(
        approved=approved,
        waiting=waiting,
        locked=meeting.minutes_locked_at is not None,
        can_approve=has_text and meeting.minutes_locked_at is None,
    )


def decisions_in_log(collaboration, kind=""):
    """The decision log: all decisions, or only those taken at a meeting ("mote") or by
    delegation between meetings ("delegation")."""
    decisions = collaboration.logged_decisions.select_related("meeting").order_by("-decided_on", "-pk")
    if kind == "mote":
        decisions = decisions.filter(meeting__isnull=False)
    elif kind == "delegation":
        decisions = decisions.filter(meeting__isnull=True)
    return decisions


# Writing -------------------------------------------------------------------------------------


def _short(text, length=120):
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def save_meeting(meeting, *, user, memberships, guests):
    """Create or update a meeting with its participants.

    ``memberships``: the members taking part (of this collaboration: the form checked it);
    ``guests``: {party: [name, …]} for people without an account. A participant who stays keeps
    their approval; the iCalendar SEQUENCE grows with every change of a saved meeting."""
    created = meeting.pk is None
    if not created:
        locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("minutes_locked_at", flat=True)
        if locked.first() is not None:
            raise MinutesLocked
        meeting.sequence = F("sequence") + 1
    else:
        meeting.created_by = user
    meeting.updated_at = timezone.now()
    meeting.save()
    meeting.refresh_from_db(fields=["sequence"])

    existing = list(meeting.participants.all()) if not created else []
    wanted = {m.user_id: m for m in memberships}
    # A member who still takes part for the same party keeps their row (and approval); everyone
    # else is replaced (the guest lists are given whole; a member whose party changed is new).
    keep = {p.user_id for p in existing if p.user_id in wanted and p.party_id == wanted[p.user_id].party_id}
    MeetingParticipant.objects.filter(pk__in=[p.pk for p in existing if p.user_id not in keep]).delete()
    new = [
        MeetingParticipant(meeting=meeting, party=m.party, user=m.user, name=m.user.get_full_name())
        for user_id, m in wanted.items()
        if user_id not in keep
    ]
    for party, names in guests.items():
        new += [MeetingParticipant(meeting=meeting, party=party, name=name) for name in names]
    MeetingParticipant.objects.bulk_create(new)
    Event.record(
        meeting.collaboration,
        user,
        Event.Kind.MEETING_CHANGED,
        _short(meeting.title),
        EventText(gettext_noop("Nytt möte %(date)s"), date=_local(meeting.starts_at))
        if created
        else EventText(gettext_noop("Ändrat; mötet är %(date)s"), date=_local(meeting.starts_at)),
    )
    if not created:
        _lock_if_everyone_approved(meeting, user)  # someone who had not approved may have left
    return meeting


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def save_minutes(meeting, *, user, text, base_version):
    """Save the minutes if they are still at ``base_version`` (projects.common.versioned); otherwise
    report a conflict and change nothing (the caller shows both texts, the person's own kept in the
    field). An edit withdraws every approval. Raises MinutesLocked when the minutes are locked."""
    current = versioned.lock(Meeting.objects, pk=meeting.pk)
    if current.minutes_locked_at is not None:
        raise MinutesLocked
    first_text = not current.minutes.strip()
    result = versioned.save(current, user=user, text=text, base_version=base_version)
    if not result.saved:
        return result
    approved = current.participants.filter(approved_minutes_at__isnull=False)
    result.withdrawn = list(approved.values_list("name", flat=True))  # their approval was of the old text
    withdrawn_users = list(approved.exclude(user=None).values_list("user", flat=True))
    approved.update(approved_minutes_at=None, approved_version=None)
    if (first_text and current.minutes.strip()) or withdrawn_users:
        _tell_approvers(current, user, withdrawn_users, first=first_text)
    detail = EventText(gettext_noop("Protokollet ändrat (version %(n)d)"), n=current.minutes_version)
    if result.withdrawn:
        detail = EventText(
            gettext_noop("Protokollet ändrat (version %(n)d); justeringar återkallade: %(names)s"),
            n=current.minutes_version,
            names=", ".join(result.withdrawn),
        )
    Event.record(current.collaboration, user, Event.Kind.MEETING_CHANGED, _short(current.title), detail)
    return result


def _tell_approvers(meeting, user, withdrawn, *, first):
    """The minutes wait for approval: the participants are told once, when the minutes first have
    text; those whose approval a change withdrew are told again, for that version."""
    if not meeting.minutes.strip():
        return
    people = {p.user_id: p.user for p in approvers(meeting) if p.user_id}
    path = reverse("projects:meeting_detail", args=[meeting.collaboration_id, meeting.pk])
    title = meeting.title

    def message():
        return (
            _("Protokollet från %(meeting)s väntar på att du justerar det") % {"meeting": title},
            _("Läs protokollet från %(meeting)s och justera det om det stämmer med vad ni kom överens om.")
            % {"meeting": title},
        )

    def changed():
        return (
            _("Protokollet från %(meeting)s har ändrats: justera det igen") % {"meeting": title},
            _("Protokollet ändrades efter att du justerade det. Läs den nya versionen och justera den igen."),
        )

    if first:
        notices.notify(
            Kind.MINUTES,
            people.values(),
            collaboration=meeting.collaboration,
            key=f"{meeting.pk}",
            path=path,
            message=message,
            exclude=user,
        )
    again = [people[pk] for pk in withdrawn if pk in people]
    notices.notify(
        Kind.MINUTES,
        again,
        collaboration=meeting.collaboration,
        key=f"{meeting.pk}:v{meeting.minutes_version}",
        path=path,
        message=changed,
        exclude=user,
    )


class ApprovalRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@transaction.atomic
def approve_minutes(meeting, *, user, version):
    """The participant ``user`` approves the minutes as they read at ``version``. Returns True when
    this approval locked the minutes (every participant with an account has approved)."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.minutes_locked_at is not None:
        raise ApprovalRefused(_("Protokollet är redan justerat av alla och låst."))
    if not current.minutes.strip():
        raise ApprovalRefused(_("Det finns inget protokoll att justera än."))
    if current.minutes_version != version:
        raise ApprovalRefused(
            _("Protokollet har ändrats sedan du läste det. Läs den nya versionen och justera den i så fall.")
        )
    participant = current.participants.filter(user=user).first()
    if participant is None:
        raise ApprovalRefused(_("Bara mötets deltagare justerar protokollet."))
    if participant.approved_version == version and participant.approved_minutes_at:
        return False
    MeetingParticipant.objects.filter(meeting=current, user=user).update(
        approved_minutes_at=timezone.now(), approved_version=version
    )
    Event.record(
        current.collaboration,
        user,
        Event.Kind.MINUTES_APPROVED,
        _short(current.title),
        EventText(gettext_noop("Version %(n)d justerad av %(name)s"), n=version, name=participant.name),
    )
    return _lock_if_everyone_approved(current, user)


def _lock_if_everyone_approved(meeting, user):
    meeting = Meeting.objects.prefetch_related("participants").get(pk=meeting.pk)
    if meeting.minutes_locked_at is not None or not meeting.minutes.strip():
        return False
    state = approval_state(meeting)
    if not state.approved or state.waiting:
        return False
    Meeting.objects.filter(pk=meeting.pk).update(minutes_locked_at=timezone.now())
    Event.record(
        meeting.collaboration,
        user,
        Event.Kind.MINUTES_LOCKED,
        _short(meeting.title),
        EventText(gettext_noop("Version %(n)d justerad av alla deltagare"), n=meeting.minutes_version),
    )
    return True


@transaction.atomic
def set_minutes_due(meeting, minutes_due, *, user):
    """Set the date by which the participants are to have approved the minutes, or none (``None``).
    Returns whether it changed. Raises MinutesLocked when everyone has approved them already."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.minutes_locked_at is not None:
        raise MinutesLocked
    meeting.minutes_due = minutes_due
    if current.minutes_due == minutes_due:
        return False
    Meeting.objects.filter(pk=current.pk).update(minutes_due=minutes_due)
    detail = (
        EventText(gettext_noop("Protokollet justeras senast %(date)s"), date=minutes_due)
        if minutes_due
        else EventText(gettext_noop("Datumet för justeringen borttaget"))
    )
    Event.record(current.collaboration, user, MeetingEvent.MINUTES_DUE, _short(current.title), detail)
    return True


@transaction.atomic
def record_decision(collaboration, *, user, text, decided_on, decided_by, mandate="", meeting=None):
    """Log a decision: taken at ``meeting``, or (meeting None) by delegation between meetings, which
    needs who decided and on what mandate (the form asks for both)."""
    if meeting is not None:
        locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("minutes_locked_at", flat=True)
        if locked.first() is not None:
            raise MinutesLocked
    elif not (decided_by.strip() and mandate.strip()):
        raise ValueError("a decision by delegation needs who decided and the mandate")
    decision = LoggedDecision.objects.create(
        collaboration=collaboration,
        meeting=meeting,
        text=text,
        decided_on=decided_on,
        decided_by=decided_by,
        mandate=mandate,
        recorded_by=user,
        recorded_by_name=user.get_full_name()[:150],
    )
    where = (
        _short(meeting.title, 200)
        if meeting
        else EventText(gettext_noop("beslut med kort varsel av %(who)s"), who=_short(decided_by, 150))
    )
    Event.record(collaboration, user, Event.Kind.DECISION_RECORDED, _short(text), where)
    return decision


# Calendar ------------------------------------------------------------------------------------


def renew_calendar_token(collaboration, *, user):
    """Give the collaboration's calendar feed a new secret; the old address stops working. Returns
    the plain token (only its hash is stored: it can be shown once)."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        collaboration=collaboration,
        defaults={"token_hash": hash_token(token), "created_by": user, "created_at": timezone.now()},
    )
    Event.record(
        collaboration,
        user,
        Event.Kind.CALENDAR_TOKEN,
        EventText(gettext_noop("Kalenderlänken")),
        EventText(gettext_noop("Ny hemlig länk skapad")),
    )
    return token


def feed_collaboration(pk, token):
    """The collaboration whose feed ``token`` opens, or None."""
    if not token or len(token) > 200:
        return None
    feed = CalendarFeed.objects.select_related("collaboration").filter(
        collaboration_id=pk, token_hash=hash_token(token)
    )
    feed = feed.first()
    return feed.collaboration if feed else None


def calendar_meetings(collaboration):
    return collaboration.meetings.prefetch_related(
        Prefetch(
            "participants",
            queryset=MeetingParticipant.objects.select_related("party__organisation").order_by(
                "party__organisation__name", "name"
            ),
        )
    ).order_by("starts_at", "pk")


@dataclass
class Deadline:
    """A date by which something is to be done, as the calendar shows it: a whole day, with a stable
    UID (``deadline-<kind>-<pk>@samverkan``) and the path of the page where it is done."""

    kind: str  # "section", "decision", "minutes", "measure", "report"
    pk: int
    day: date
    summary: str
    description: str
    path: str

    @property
    def uid(self):
        return f"deadline-{self.kind}-{self.pk}@samverkan"


def calendar_deadlines(collaboration, meetings):
    """The collaboration's deadlines in date order: each checklist section's "klart senast", the
    decision round of each version frozen for decision ("beslut senast"), each meeting's minutes
    approval (read from ``meetings``, the meetings already loaded), each goal's measurements and each
    year's report not yet approved (projects.reports). Four queries, whatever their number."""
    pk = collaboration.pk
    deadlines = []
    sections = ChecklistSection.objects.filter(
        collaboration=collaboration, active=True, section__retired=False, due_date__isnull=False
    ).select_related("section")
    for cs in sections:
        deadlines.append(
            Deadline(
                "section",
                cs.pk,
                cs.due_date,
                _("Klart senast: %(title)s") % {"title": cs.section.title},
                _("Avsnittets frågor i checklistan ska vara besvarade senast den här dagen."),
                reverse("projects:checklist_section", args=[pk, cs.pk]),
            )
        )
    versions = (
        AgreementVersion.objects.filter(
            agreement__collaboration=collaboration,
            status=AgreementVersion.Status.FOR_DECISION,
            decide_by__isnull=False,
        )
        .select_related("agreement")
        .only("number", "decide_by", "agreement__title")
    )
    for version in versions:
        deadlines.append(
            Deadline(
                "decision",
                version.pk,
                version.decide_by,
                _("Beslut senast: %(agreement)s version %(n)d")
                % {"agreement": version.agreement.title, "n": version.number},
                _("Varje part ska ha fattat sitt beslut om överenskommelsen senast den här dagen."),
                reverse("projects:agreement", args=[pk]),
            )
        )
    for meeting in meetings:
        if meeting.minutes_due:
            deadlines.append(
                Deadline(
                    "minutes",
                    meeting.pk,
                    meeting.minutes_due,
                    _("Protokollet justeras senast: %(title)s") % {"title": meeting.title},
                    _("Mötets deltagare ska ha justerat protokollet senast den här dagen."),
                    reverse("projects:meeting_detail", args=[pk, meeting.pk]) + "#minutes-due",
                )
            )
    goals = Goal.objects.filter(collaboration=collaboration, measure_by__isnull=False).only("title", "measure_by")
    for goal in goals:
        deadlines.append(
            Deadline(
                "measure",
                goal.pk,
                goal.measure_by,
                _("Mät senast: %(title)s") % {"title": goal.title},
                _("Varje indikator för målet ska ha fått ett nytt mätvärde senast den här dagen."),
                reverse("projects:goals", args=[pk]) + f"#measure-{goal.pk}",
            )
        )
    reports = Report.objects.filter(collaboration=collaboration).exclude(status=Report.Status.APPROVED)
    for report in reports.only("year", "due_date"):
        deadlines.append(
            Deadline(
                "report",
                report.pk,
                report.due_date,
                _("Årsrapport %(year)s lämnas in senast") % {"year": report.year},
                _("Den idéburna parten lämnar in årets dokument senast den här dagen."),
                reverse("projects:report_detail", args=[pk, report.year]),
            )
        )
    return sorted(deadlines, key=lambda d: (d.day, d.kind, d.pk))


# iCalendar (RFC 5545), written with the icalendar package: it escapes TEXT values, folds the
# content lines at 75 octets (never inside a UTF-8 character) and ends every line in CRLF.
# Two gaps in it (7.3) are closed by _Text below; every TEXT value is given as one.

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Text(vText):
    """A TEXT value as icalendar writes it (backslash, semicolon, comma and line breaks escaped), but:
    - control characters are dropped: icalendar writes them as they are, and RFC 5545 allows none
      in a TEXT value but HTAB (line breaks are escaped, so a CR or LF alone is kept as one);
    - a backslash followed by "N" stays a backslash and an "N": icalendar first reads that pair as
      RFC 5545's escaped line break and turns it into one ("N:\\Nämnd" would become two lines)."""

    def __new__(cls, value, *args, **kwargs):
        value = str(value).replace("\r\n", "\n").replace("\r", "\n")
        return super().__new__(cls, _CONTROL.sub("", value), *args, **kwargs)

    def to_ical(self):
        return b"\\\\N".join(vText(part).to_ical() for part in str(self).split("\\N"))


def ical_text(value):
    """A TEXT value as it is written: backslash, semicolon, comma and line breaks escaped, control
    characters dropped."""
    return _Text(value).to_ical().decode()


def ical_time(moment):
    """A DATE-TIME in UTC ("…Z"), to the second."""
    return vDatetime(moment.astimezone(UTC).replace(microsecond=0))


def _vevent(meeting, *, url, stamp):
    description = [meeting.get_kind_display()]
    if meeting.agenda.strip():
        description += ["", _("Dagordning:"), meeting.agenda.strip()]
    groups = participants_by_party(meeting)
    if groups:
        description += ["", _("Deltagare:")]
        description += [f"{party.organisation.name}: {', '.join(p.name for p in people)}" for party, people in groups]
    if meeting.link:
        description += ["", _("Länk till mötet: %(link)s") % {"link": meeting.link}]
    if url:
        description += ["", url]
    event = VEvent()
    event.add("UID", _Text(meeting.uid))
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", meeting.sequence)
    event.add("DTSTART", ical_time(meeting.starts_at))
    event.add("DTEND", ical_time(meeting.ends_at))
    event.add("LAST-MODIFIED", ical_time(meeting.updated_at))
    event.add("SUMMARY", _Text(meeting.title))
    event.add("DESCRIPTION", _Text("\n".join(description)))
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    if meeting.place or meeting.link:
        event.add("LOCATION", _Text(meeting.place or meeting.link))
    if url:
        event.add("URL", vUri(url))
    return event


def _deadline_vevent(deadline, *, url, stamp):
    """A deadline as an all-day event (DTSTART;VALUE=DATE, DTEND the next day) that does not take
    up the day's time (TRANSP:TRANSPARENT)."""
    event = VEvent()
    event.add("UID", _Text(deadline.uid))
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", deadline.day)
    event.add("DTEND", deadline.day + timedelta(days=1))
    event.add("SUMMARY", _Text(deadline.summary))
    event.add("DESCRIPTION", _Text("\n".join(filter(None, [deadline.description, url]))))
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")
    if url:
        event.add("URL", vUri(url))
    return event


def icalendar(meetings, *, name, url_for=None, deadlines=(), deadline_url=None):
    """A VCALENDAR with one VEVENT per meeting and one all-day VEVENT per deadline
    (``calendar_deadlines``), as bytes: CRLF line ends, folded at 75 octets, times in UTC,
    participants by name only (never an e-mail address). ``deadline_url(path)``: the absolute
    address of a deadline's page."""
    stamp = ical_time(timezone.now())
    calendar = VCalendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//Samverkan//Moten//SV")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", _Text(name))  # unknown to icalendar: a plain str would go out unescaped
    for meeting in meetings:
        calendar.add_component(_vevent(meeting, url=url_for(meeting) if url_for else "", stamp=stamp))
    for deadline in deadlines:
        url = deadline_url(deadline.path) if deadline_url else ""
        calendar.add_component(_deadline_vevent(deadline, url=url, stamp=stamp))
    return calendar.to_ical(sorted=False)  # the properties in the order above


# Overview ------------------------------------------------------------------------------------


@dataclass
class Waiting:
    meeting: Meeting
    user_ids: set


def overview_context(collaboration):
    """What the collaboration overview shows of this part: the next meeting, and minutes waiting
    for approval with who they wait for (the card shows those waiting for the viewer)."""
    now = timezone.now()
    next_meeting = collaboration.meetings.filter(ends_at__gte=now).order_by("starts_at", "pk").first()
    members = Membership.objects.filter(collaboration=collaboration).values("user_id")
    pending = (
        MeetingParticipant.objects.filter(
            meeting__collaboration=collaboration,
            meeting__minutes_locked_at__isnull=True,
            meeting__minutes_version__gt=0,
            user__in=members,
        )
        .exclude(meeting__minutes="")
        .exclude(Q(approved_version=F("meeting__minutes_version")) & Q(approved_minutes_at__isnull=False))
        .select_related("meeting")
        .order_by("-meeting__starts_at", "meeting_id")
    )
    waiting = {}
    for participant in pending:
        waiting.setdefault(participant.meeting_id, Waiting(participant.meeting, set())).user_ids.add(
            participant.user_id
        )
    return {"next_meeting": next_meeting, "minutes_waiting": list(waiting.values())}
