"""Reminders before a deadline: 7 days before (or as soon as the date is within a week) and on the
day, to the people whose turn it is, once per person, deadline, date and stage (the notice's key: a
moved date is reminded of again; a second run of send_reminders the same day sends nothing new).

The deadlines: a checklist section's due date, a frozen version's decision round, a meeting's minutes
approval, a goal's round of measurements and a year's report (projects.reports). Those already done
are not reminded of."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.agreements.models import Agreement, AgreementVersion, Decision
from projects.agreements.queries import decision_recorders
from projects.checklists import permissions as checklist_perms
from projects.checklists import queries as checklist_queries
from projects.checklists.models import ChecklistSection
from projects.checklists.services import answering_parties
from projects.core.models import Membership, Party
from projects.core.permissions import policy
from projects.goals import permissions as goal_perms
from projects.goals import queries as goal_queries
from projects.goals.models import Goal
from projects.meetings.models import Meeting, MeetingParticipant
from projects.notifications.models import Kind
from projects.notifications.services import notify
from projects.reports import queries as report_queries

WEEK = 7


@dataclass
class Deadline:
    key: str
    collaboration: object
    due: object
    path: str
    recipients: list


def _stage(due, today):
    days = (due - today).days
    if days == 0:
        return "day"
    if 0 < days <= WEEK:
        return "week"
    return None


def _window(today):
    return (today, today + timedelta(days=WEEK))


def send_deadline_reminders(today):
    """Record (and send after the commit) the reminders due today. Returns how many notices."""
    count = 0
    for collect in (_sections, _decision_rounds, _minutes, _measurements, _reports):
        for deadline, describe in collect(today):
            stage = _stage(deadline.due, today)
            if stage is None or not deadline.recipients:
                continue
            count += len(
                notify(
                    Kind.DEADLINE,
                    deadline.recipients,
                    collaboration=deadline.collaboration,
                    key=f"{deadline.key}:{deadline.due.isoformat()}:{stage}",
                    path=deadline.path,
                    message=_message(describe, deadline, today),
                )
            )
    return count


def _message(describe, deadline, today):
    def message():
        what = describe()
        date = date_format(deadline.due, "j F Y")
        days = (deadline.due - today).days
        if days == 0:
            subject = _("I dag: %(what)s") % {"what": what}
        else:
            subject = ngettext("Om %(n)d dag: %(what)s", "Om %(n)d dagar: %(what)s", days) % {"n": days, "what": what}
        body = _("%(what)s senast %(date)s, i samverkan %(title)s.") % {
            "what": what,
            "date": date,
            "title": deadline.collaboration.title,
        }
        return subject, body

    return message


def _members_by_collaboration(collaboration_ids, perm):
    people = {}
    rows = Membership.objects.filter(collaboration_id__in=collaboration_ids, role__in=policy.roles_for(perm))
    for membership in rows.select_related("user"):
        people.setdefault(membership.collaboration_id, []).append(membership.user)
    return people


def _sections(today):
    """A checklist section with questions still open: in a joint section, every writer is reminded; in
    a section each party answers, the writers of each party that still has questions open (of the
    parties the section is meant for)."""
    sections = list(
        ChecklistSection.objects.filter(
            active=True, due_date__range=_window(today), collaboration__archived=False
        ).select_related("section", "collaboration")
    )
    if not sections:
        return
    collaboration_ids = {cs.collaboration_id for cs in sections}
    questions = checklist_queries.question_counts({cs.section_id for cs in sections})
    done = checklist_queries.done_counts(collaboration_ids, {cs.section_id for cs in sections})
    parties = {}
    for party in Party.objects.filter(collaboration_id__in=collaboration_ids).select_related("organisation"):
        parties.setdefault(party.collaboration_id, []).append(party)
    writers = {}  # (collaboration id, party id) → [user]
    rows = Membership.objects.filter(
        collaboration_id__in=collaboration_ids, role__in=policy.roles_for(checklist_perms.EDIT_ANSWER)
    )
    for membership in rows.select_related("user"):
        writers.setdefault((membership.collaboration_id, membership.party_id), []).append(membership.user)
    for cs in sections:
        total = questions.get(cs.section_id, 0)
        if cs.per_party:
            open_parties = [
                party
                for party in answering_parties(cs, parties.get(cs.collaboration_id, []))
                if done.get((cs.collaboration_id, party.pk, cs.section_id), 0) < total
            ]
        else:
            joint_open = done.get((cs.collaboration_id, None, cs.section_id), 0) < total
            open_parties = parties.get(cs.collaboration_id, []) if joint_open else []
        people = [user for party in open_parties for user in writers.get((cs.collaboration_id, party.pk), [])]
        if not people:
            continue
        title = cs.section.title
        yield (
            Deadline(
                f"section:{cs.pk}",
                cs.collaboration,
                cs.due_date,
                reverse("projects:checklist_section", args=[cs.collaboration_id, cs.pk]),
                people,
            ),
            lambda title=title: _("Avsnittet %(section)s ska vara klart") % {"section": title},
        )


def _decision_rounds(today):
    versions = AgreementVersion.objects.filter(
        status=AgreementVersion.Status.FOR_DECISION,
        agreement__state=Agreement.State.FOR_DECISION,
        decide_by__range=_window(today),
        agreement__collaboration__archived=False,
    ).select_related("agreement__collaboration")
    for version in versions:
        collaboration = version.agreement.collaboration
        decided = set(Decision.objects.filter(version=version).values_list("party_id", flat=True))
        recorders = decision_recorders(collaboration)
        people = [m.user for party_id, members in recorders.items() if party_id not in decided for m in members]
        number = version.number
        yield (
            Deadline(
                f"decision:{version.pk}",
                collaboration,
                version.decide_by,
                reverse("projects:agreement", args=[collaboration.pk]) + "#decision",
                people,
            ),
            lambda number=number: (
                _("Din parts beslut om överenskommelsen, version %(n)d, ska vara registrerat") % {"n": number}
            ),
        )


def _minutes(today):
    meetings = (
        Meeting.objects.filter(
            minutes_due__range=_window(today), minutes_locked_at__isnull=True, collaboration__archived=False
        )
        .exclude(minutes="")
        .select_related("collaboration")
    )
    for meeting in meetings:
        members = Membership.objects.filter(collaboration_id=meeting.collaboration_id).values("user_id")
        waiting = (
            MeetingParticipant.objects.filter(meeting=meeting, user_id__in=members)
            .filter(Q(approved_minutes_at__isnull=True) | ~Q(approved_version=F("meeting__minutes_version")))
            .select_related("user")
        )
        title = meeting.title
        yield (
            Deadline(
                f"minutes:{meeting.pk}",
                meeting.collaboration,
                meeting.minutes_due,
                reverse("projects:meeting_detail", args=[meeting.collaboration_id, meeting.pk]),
                [p.user for p in waiting],
            ),
            lambda title=title: _("Protokollet från %(meeting)s ska vara justerat") % {"meeting": title},
        )


def _measurements(today):
    goals = list(
        goal_queries.with_measurement_round(
            Goal.objects.filter(measure_by__range=_window(today), collaboration__archived=False)
        )
        .filter(measurements_done=False)
        .select_related("collaboration")
    )
    people = _members_by_collaboration({g.collaboration_id for g in goals}, goal_perms.RECORD_MEASUREMENT)
    for goal in goals:
        title = goal.title
        yield (
            Deadline(
                f"measure:{goal.pk}",
                goal.collaboration,
                goal.measure_by,
                reverse("projects:goals", args=[goal.collaboration_id]) + f"#goal-title-{goal.pk}",
                people.get(goal.collaboration_id, []),
            ),
            lambda title=title: _("Mätvärdena för målet %(goal)s ska vara registrerade") % {"goal": title},
        )


def _reports(today):
    """A year's report still waiting: the people of the reporting (civil-society) parties who upload
    and submit (projects.reports.queries.reporters)."""
    reports = list(report_queries.reports_due_between(*_window(today)))
    people = report_queries.reporters({r.collaboration_id for r in reports})
    for report in reports:
        year = report.year
        yield (
            Deadline(
                f"report:{report.pk}",
                report.collaboration,
                report.due_date,
                reverse("projects:report_detail", args=[report.collaboration_id, year]),
                [m.user for m in people.get(report.collaboration_id, [])],
            ),
            lambda year=year: _("Årsrapport %(year)s ska vara inlämnad") % {"year": year},
        )
