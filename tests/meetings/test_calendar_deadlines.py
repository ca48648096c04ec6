"""The calendar feed carries the collaboration's deadlines as all-day events: a checklist section's
"klart senast", a version's decision round, minutes approval and a goal's measurements. Parsed back
with icalendar (and with the strict parser of test_calendar); only this collaboration's; a flat
number of queries."""

from datetime import date, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.agreements.models import AgreementVersion
from projects.checklists import services as checklists
from projects.checklists.models import ChecklistSection
from projects.meetings import services as meetings
from tests.factories import (
    AgreementFactory,
    AgreementVersionFactory,
    GoalFactory,
    MeetingFactory,
    make_collaboration,
    make_user,
)
from tests.meetings.test_calendar import events, prop, unescape

pytestmark = pytest.mark.django_db


def feed(client, collaboration, user):
    token = meetings.renew_calendar_token(collaboration, user=user)
    response = client.get(reverse("projects:calendar_feed", args=[collaboration.pk, token]))
    assert response.status_code == 200
    return response.content


def add_deadlines(collaboration, n=1, start=date(2027, 2, 1)):
    """``n`` of each kind of deadline, on the days from ``start``."""
    checklists.ensure_default_sections(collaboration)
    sections = list(ChecklistSection.objects.filter(collaboration=collaboration).order_by("pk")[:n])
    for i, cs in enumerate(sections):
        ChecklistSection.objects.filter(pk=cs.pk).update(due_date=start + timedelta(days=i))
    agreement = collaboration.agreements.first() or AgreementFactory(
        collaboration=collaboration, title="Överenskommelse om idéburet partnerskap"
    )
    numbers = agreement.versions.count()
    for i in range(n):
        AgreementVersionFactory(agreement=agreement, number=numbers + i + 1, decide_by=start + timedelta(days=i))
    for i in range(n):
        MeetingFactory(collaboration=collaboration, title=f"Styrgrupp {i}", minutes_due=start + timedelta(days=i))
        GoalFactory(collaboration=collaboration, title=f"Fler unga {i}", measure_by=start + timedelta(days=i))
    return sections


def test_each_kind_of_deadline_is_an_all_day_event_with_a_stable_uid_and_the_page(client, people):
    collaboration, users = people
    (cs,) = add_deadlines(collaboration)
    version = AgreementVersion.objects.get(agreement__collaboration=collaboration)
    meeting = collaboration.meetings.get()
    goal = collaboration.goals.get()
    data = feed(client, collaboration, users["coordinator"])
    _calendar, strict = events(data)  # the strict RFC 5545 parser agrees

    parsed = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    base = "http://testserver"
    expected = {
        f"deadline-section-{cs.pk}@samverkan": (
            f"Klart senast: {cs.section.title}",
            base + reverse("projects:checklist_section", args=[collaboration.pk, cs.pk]),
        ),
        f"deadline-decision-{version.pk}@samverkan": (
            "Beslut senast: Överenskommelse om idéburet partnerskap version 1",
            base + reverse("projects:agreement", args=[collaboration.pk]),
        ),
        f"deadline-minutes-{meeting.pk}@samverkan": (
            "Protokollet justeras senast: Styrgrupp 0",
            base + reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]) + "#minutes-due",
        ),
        f"deadline-measure-{goal.pk}@samverkan": (
            "Mät senast: Fler unga 0",
            base + reverse("projects:goals", args=[collaboration.pk]) + f"#measure-{goal.pk}",
        ),
    }
    assert set(expected) <= set(parsed)
    assert meeting.uid in parsed  # the meeting itself is still there, as before
    for uid, (summary, url) in expected.items():
        event = parsed[uid]
        assert str(event["SUMMARY"]) == summary
        assert str(event["URL"]) == url and url in str(event["DESCRIPTION"])
        assert event.decoded("DTSTART") == date(2027, 2, 1)
        assert event.decoded("DTEND") == date(2027, 2, 2)
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert str(event["TRANSP"]) == "TRANSPARENT"
        (line,) = [e for e in strict if prop(e, "UID") == uid]
        assert unescape(prop(line, "SUMMARY")) == summary
        assert ("DTSTART", ["VALUE=DATE"], "20270201") in line["props"]
        assert ("DTEND", ["VALUE=DATE"], "20270202") in line["props"]

    again = {
        str(e["UID"])
        for e in icalendar.Calendar.from_ical(feed(client, collaboration, users["coordinator"])).walk("VEVENT")
    }
    assert set(expected) <= again  # stable


def test_only_set_dates_of_this_collaboration_and_only_versions_for_decision(client, people):
    collaboration, users = people
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan samverkan")
    add_deadlines(other)
    checklists.ensure_default_sections(collaboration)
    removed = ChecklistSection.objects.filter(collaboration=collaboration).first()
    ChecklistSection.objects.filter(pk=removed.pk).update(due_date=date(2027, 3, 1), active=False)
    agreement = AgreementFactory(collaboration=collaboration)
    AgreementVersionFactory(
        agreement=agreement, number=1, decide_by=date(2027, 3, 1), status=AgreementVersion.Status.WITHDRAWN
    )
    AgreementVersionFactory(agreement=agreement, number=2)  # for decision, without a date
    MeetingFactory(collaboration=collaboration, title="Utan datum")
    GoalFactory(collaboration=collaboration, title="Utan datum")

    data = feed(client, collaboration, users["coordinator"])
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert not [uid for uid in uids if uid.startswith("deadline-")]
    assert b"Annan samverkan" not in data and b"Fler unga" not in data


def test_the_feed_reads_a_flat_number_of_queries_whatever_the_number_of_deadlines(client, people):
    collaboration, users = people
    token = meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    url = reverse("projects:calendar_feed", args=[collaboration.pk, token])
    add_deadlines(collaboration, n=1)
    with CaptureQueriesContext(connection) as one:
        body = client.get(url).content
    assert body.count(b"UID:deadline-") == 4

    add_deadlines(collaboration, n=5, start=date(2027, 4, 1))
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content
    assert body.count(b"UID:deadline-") > 4 * 4
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_the_deadlines_in_date_order(people):
    collaboration, _users = people
    add_deadlines(collaboration, n=2, start=timezone.localdate() + timedelta(days=3))
    deadlines = meetings.calendar_deadlines(collaboration, list(meetings.calendar_meetings(collaboration)))
    days = [d.day for d in deadlines]
    assert days == sorted(days) and len(deadlines) == 8
    assert {d.kind for d in deadlines} == {"section", "decision", "minutes", "measure"}
