"""iCalendar: one .ics per meeting and the subscribable feed with its secret, renewable address.
The output is checked by a strict parser written for the test (RFC 5545: CRLF, folding at 75
octets, escaped TEXT values, UTC times)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.core.models import Event, Membership
from projects.meetings import services as meetings
from projects.meetings.models import CalendarFeed, Meeting
from tests.factories import make_collaboration, make_user

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NAME = re.compile(r"^[A-Z][A-Z0-9-]*$")


def parse(data: bytes):
    """Unfold and parse an iCalendar stream strictly: every line ends in CRLF and is at most 75
    octets; returns [component] where a component is {"name", "props": [(name, params, value)], "children"}."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # no character split by the folding
    logical = []
    for line in physical:
        if line.startswith(b" "):
            assert logical, "a continuation line first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    root = {"name": None, "props": [], "children": []}
    stack = [root]
    for raw in logical:
        text = raw.decode("utf-8")
        head, sep, value = text.partition(":")
        assert sep, text
        name, *params = head.split(";")
        assert NAME.match(name), name
        if name == "BEGIN":
            child = {"name": value, "props": [], "children": []}
            stack[-1]["children"].append(child)
            stack.append(child)
        elif name == "END":
            assert stack.pop()["name"] == value
        else:
            stack[-1]["props"].append((name, params, value))
    assert len(stack) == 1
    return root["children"]


def unescape(value):
    """A TEXT value: only \\\\ \\; \\, \\n \\N are escapes; a bare ; or , is not allowed."""
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            nxt = value[i + 1]
            assert nxt in "\\;,nN", value
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        assert char not in ";,", f"unescaped {char!r} in {value!r}"
        out.append(char)
        i += 1
    return "".join(out)


def prop(component, name):
    values = [v for n, _, v in component["props"] if n == name]
    assert len(values) == 1, (name, values)
    return values[0]


def events(data):
    (calendar,) = parse(data)
    assert calendar["name"] == "VCALENDAR"
    assert prop(calendar, "VERSION") == "2.0" and prop(calendar, "PRODID")
    return calendar, [c for c in calendar["children"] if c["name"] == "VEVENT"]


TRICKY = 'Styrgrupp; budget, lokal \\ "plan"\nrad två'


@pytest.fixture
def meeting(people):
    collaboration, users = people
    start = datetime(2026, 12, 1, 18, 0, tzinfo=STOCKHOLM)
    meeting = Meeting(
        collaboration=collaboration,
        title=TRICKY,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Föreningshuset, sal 2; våning 3",
        agenda="Välkomna\n" + "Åtgärder för ökad delaktighet för unga i Öresundsregionen – " * 6,
    )
    members = list(Membership.objects.filter(collaboration=collaboration).select_related("user", "party"))
    meetings.save_meeting(meeting, user=users["coordinator"], memberships=members, guests={})
    return meeting


def test_one_meeting_as_ics(client, people, meeting):
    collaboration, users = people
    client.force_login(users["reader"])
    response = client.get(reverse("projects:meeting_ics", args=[collaboration.pk, meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    calendar, (event,) = events(response.content)
    assert prop(event, "UID") == meeting.uid
    assert prop(event, "SEQUENCE") == "0"
    assert re.fullmatch(r"\d{8}T\d{6}Z", prop(event, "DTSTAMP"))
    assert prop(event, "DTSTART") == "20261201T170000Z"  # 18:00 in Stockholm, in UTC
    assert prop(event, "DTEND") == "20261201T190000Z"
    assert unescape(prop(event, "SUMMARY")) == TRICKY
    assert unescape(prop(event, "LOCATION")) == "Föreningshuset, sal 2; våning 3"
    description = unescape(prop(event, "DESCRIPTION"))
    assert "Anna Andersson" in description and "Föreningen Gemenskap: Bo Berg, Cecilia Carlsson" in description
    assert meeting.agenda.strip() in description
    assert prop(event, "URL").endswith(reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]))
    assert b"@example.se" not in response.content and b"anna@exempelkommun.se" not in response.content
    assert b"\r\n " in response.content  # the long description was folded


def test_folding_never_splits_a_character():
    """The icalendar package folds: a long line of 2-, 3- and 4-octet characters comes out in
    lines of at most 75 octets, each whole UTF-8, that unfold to the line written."""
    name = "åäö€𝄞" * 40
    physical = meetings.icalendar([], name=name).split(b"\r\n")
    first = next(i for i, part in enumerate(physical) if part.startswith(b"X-WR-CALNAME:"))
    parts = [physical[first]]
    while physical[first + len(parts)].startswith(b" "):
        parts.append(physical[first + len(parts)])
    assert all(len(part) <= 75 for part in parts) and len(parts) > 3
    assert "".join(p.decode()[1:] if i else p.decode() for i, p in enumerate(parts)) == "X-WR-CALNAME:" + name


def test_control_characters_are_dropped():
    assert meetings.ical_text("a\x00b\x1bc\td\r\ne") == "abc\td\\ne"
    data = meetings.icalendar([], name="a\x00b\x1bc\td\r\ne\x7f")
    assert b"X-WR-CALNAME:abc\td\\ne\r\n" in data
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data.replace(b"\r\n", b""))


def test_a_backslash_before_n_stays_a_backslash():
    """icalendar (7.3) would write a backslash and an "N" as an escaped line break: not here."""
    assert meetings.ical_text("N:\\Nämnd\\nya") == "N:\\\\Nämnd\\\\nya"
    assert meetings.ical_text("\\\\N") == "\\\\\\\\N"


def test_the_file_parses_back_with_icalendar_to_the_same_values(client, people, meeting):
    collaboration, users = people
    title = TRICKY + " – åäö, N:\\Nämnd\\protokoll"
    Meeting.objects.filter(pk=meeting.pk).update(title=title)  # the participants stay
    meeting.refresh_from_db()
    client.force_login(users["reader"])
    data = client.get(reverse("projects:meeting_ics", args=[collaboration.pk, meeting.pk])).content
    _, (strict,) = events(data)  # the strict parser above agrees

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//Samverkan//Moten//SV"
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title == unescape(prop(strict, "SUMMARY"))
    description = str(event["DESCRIPTION"])
    assert description == unescape(prop(strict, "DESCRIPTION"))
    assert description.startswith(meeting.get_kind_display() + "\n\n")
    assert meeting.agenda.strip() in description and "Föreningen Gemenskap: Bo Berg, Cecilia Carlsson" in description
    assert str(event["LOCATION"]) == "Föreningshuset, sal 2; våning 3"
    assert str(event["UID"]) == meeting.uid and event.decoded("SEQUENCE") == 0
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["TRANSP"]) == "OPAQUE"
    assert str(event["URL"]).endswith(reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2026, 12, 1, 18, 0, tzinfo=STOCKHOLM) and end == start + timedelta(hours=2)
    assert start.utcoffset() == timedelta(0) and end.utcoffset() == timedelta(0)  # written in UTC
    assert event.decoded("LAST-MODIFIED") == meeting.updated_at.replace(microsecond=0)
    assert abs(event.decoded("DTSTAMP") - timezone.now()) < timedelta(minutes=1)


def test_uid_is_stable_and_sequence_grows_with_each_change(people, meeting):
    collaboration, users = people
    uid = meeting.uid
    meeting.title = "Nytt namn"
    meetings.save_meeting(meeting, user=users["editor"], memberships=[], guests={})
    meeting.refresh_from_db()
    assert meeting.uid == uid and meeting.sequence == 1
    data = meetings.icalendar([meeting], name="x")
    _, (event,) = events(data)
    assert prop(event, "UID") == uid and prop(event, "SEQUENCE") == "1"


def test_feed_works_without_login_with_the_token_only(client, people, meeting):
    collaboration, users = people
    token = meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    feed_row = CalendarFeed.objects.get(collaboration=collaboration)
    assert token not in feed_row.token_hash and len(feed_row.token_hash) == 64  # only the hash is kept
    later = Meeting(
        collaboration=collaboration,
        title="Arbetsmöte",
        starts_at=timezone.now() + timedelta(days=9),
        ends_at=timezone.now() + timedelta(days=9, hours=1),
        link="https://mote.example.se/1",
    )
    meetings.save_meeting(later, user=users["coordinator"], memberships=[], guests={})
    response = client.get(reverse("projects:calendar_feed", args=[collaboration.pk, token]))
    assert response.status_code == 200
    calendar, vevents = events(response.content)
    assert unescape(prop(calendar, "X-WR-CALNAME")) == collaboration.title
    assert {prop(e, "UID") for e in vevents} == {meeting.uid, later.uid}
    assert b"@example.se\r\n" not in response.content and b"mailto:" not in response.content
    for user in users.values():
        assert user.email.encode() not in response.content


def test_wrong_token_or_other_collaboration_is_404(client, people):
    collaboration, users = people
    token = meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan")
    assert client.get(reverse("projects:calendar_feed", args=[collaboration.pk, token + "x"])).status_code == 404
    assert client.get(reverse("projects:calendar_feed", args=[other.pk, token])).status_code == 404
    assert client.get(reverse("projects:calendar_feed", args=[collaboration.pk, "x" * 500])).status_code == 404
    client.force_login(users["coordinator"])
    assert client.post(reverse("projects:calendar_feed", args=[collaboration.pk, token])).status_code == 405


def test_renewing_shows_the_address_once_and_the_old_one_stops_working(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    listing = reverse("projects:meetings", args=[collaboration.pk])
    response = client.post(reverse("projects:calendar_renew", args=[collaboration.pk]), follow=True)
    page = response.content.decode()
    assert "Kalenderlänken är skapad." in page
    first = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page)[1]
    assert client.get(first).status_code == 200
    again = client.get(listing).content.decode()
    assert first not in again and 'id="feed-url"' not in again  # shown once
    assert "Förnya länken" in again

    response = client.post(reverse("projects:calendar_renew", args=[collaboration.pk]), follow=True)
    page = response.content.decode()
    assert "Den gamla länken fungerar inte längre." in page
    second = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page)[1]
    assert second != first
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert Event.objects.filter(collaboration=collaboration, kind=Event.Kind.CALENDAR_TOKEN).count() == 2
