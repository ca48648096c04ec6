"""Meetings: creating and changing them with participants per party, the minutes with version
conflicts, approval ("justering") that locks them, the decision log, the PDF protocol and the
overview card."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from projects.common import pdf
from projects.core.models import Event, Membership, Role
from projects.meetings import services as meetings
from projects.meetings.models import LoggedDecision, Meeting, MeetingParticipant
from projects.meetings.views import render_meeting_html
from tests.factories import add_member, add_party, make_collaboration, make_user

pytestmark = pytest.mark.django_db


def members(collaboration):
    return list(Membership.objects.filter(collaboration=collaboration).select_related("user", "party"))


def new_meeting(collaboration, user, *, days=3, title="Styrgrupp", minutes="", participants=None, guests=None):
    start = timezone.now() + timedelta(days=days)
    meeting = Meeting(
        collaboration=collaboration, title=title, starts_at=start, ends_at=start + timedelta(hours=2), place="Rum 1"
    )
    meetings.save_meeting(
        meeting,
        user=user,
        memberships=members(collaboration) if participants is None else participants,
        guests=guests or {},
    )
    if minutes:
        meetings.save_minutes(meeting, user=user, text=minutes, base_version=0)
        meeting.refresh_from_db()
    return meeting


def url(name, meeting):
    return reverse(f"projects:{name}", args=[meeting.collaboration_id, meeting.pk])


@pytest.fixture
def world(people):
    collaboration, users = people
    kommun = users["coordinator"].memberships.get().party
    forening = users["editor"].memberships.get().party
    return collaboration, users, kommun, forening


def form_data(world, **changes):
    collaboration, users, kommun, forening = world
    data = {
        "title": "Dialogmöte om sommarlovet",
        "kind": "dialog",
        "starts_at": "2026-12-01T18:00",
        "ends_at": "2026-12-01T20:00",
        "place": "Föreningshuset, Storgatan 1",
        "link": "",
        "agenda": "Välkomna\nSommarens aktiviteter",
        "members": [users["coordinator"].memberships.get().pk, users["editor"].memberships.get().pk],
        f"guests_{forening.pk}": "Dana Dahl\n\n  Erik  Ek \nDana Dahl",
        f"guests_{kommun.pk}": "",
    }
    return data | changes


# Creating and changing ------------------------------------------------------------------------


def test_editor_creates_a_meeting_with_participants_per_party(client, world):
    collaboration, users, kommun, forening = world
    client.force_login(users["editor"])
    response = client.post(reverse("projects:meeting_create", args=[collaboration.pk]), form_data(world))
    meeting = Meeting.objects.get(collaboration=collaboration)
    assert response.status_code == 302 and response.url == url("meeting_detail", meeting)
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 18:00"
    people = {(p.party_id, p.name, p.user_id) for p in meeting.participants.all()}
    assert people == {
        (kommun.pk, "Anna Andersson", users["coordinator"].pk),
        (forening.pk, "Bo Berg", users["editor"].pk),
        (forening.pk, "Dana Dahl", None),  # the duplicate line is dropped
        (forening.pk, "Erik Ek", None),  # spaces tidied
    }
    assert Event.objects.filter(collaboration=collaboration, kind=Event.Kind.MEETING_CHANGED).count() == 1
    page = client.get(url("meeting_detail", meeting)).content.decode()
    assert "Dana Dahl" in page and "utan konto" in page and "Sommarens aktiviteter" in page


def test_end_before_start_is_refused_in_swedish_and_keeps_the_text(client, world):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    data = form_data(world, ends_at="2026-12-01T17:00", agenda="Min långa dagordning")
    response = client.post(reverse("projects:meeting_create", args=[collaboration.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mötet måste sluta efter att det börjar." in page
    assert "Min långa dagordning" in page and "Dialogmöte om sommarlovet" in page
    assert 'aria-invalid="true"' in page
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-13-45T10:00", "Ange datum och tid som 2026-11-22 18:00."),
        ("igår", "Ange datum och tid som 2026-11-22 18:00."),
        ("", "Ange datum och tid som 2026-11-22 18:00."),
        ("99999-01-01T10:00", "Ange datum och tid som 2026-11-22 18:00."),
        ("1850-01-01T10:00", "Ange ett datum mellan år 2000 och 2100."),
    ],
)
def test_bad_datetimes_get_a_swedish_message(client, world, value, message):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    response = client.post(
        reverse("projects:meeting_create", args=[collaboration.pk]), form_data(world, starts_at=value)
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_place_or_a_link_is_needed(client, world):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    create = reverse("projects:meeting_create", args=[collaboration.pk])
    response = client.post(create, form_data(world, place=""))
    assert response.status_code == 400
    assert "Ange var mötet hålls" in response.content.decode()
    response = client.post(create, form_data(world, place="", link="javascript:alert(1)"))
    assert response.status_code == 400 and "Ange en hel webbadress" in response.content.decode()
    response = client.post(create, form_data(world, place="", link="https://mote.example.se/abc"))
    assert response.status_code == 302
    assert Meeting.objects.get().link == "https://mote.example.se/abc"


def test_participants_from_another_collaboration_are_refused(client, world):
    collaboration, users, kommun, forening = world
    other = make_collaboration(title="Annan samverkan")
    stranger = add_member(other, name="Sara Främling")
    client.force_login(users["editor"])
    create = reverse("projects:meeting_create", args=[collaboration.pk])
    for bad in ([stranger.pk], ["abc"], ["9" * 30]):
        response = client.post(create, form_data(world, members=bad))
        assert response.status_code == 400
        assert "Välj deltagare bland personerna i samverkans parter." in response.content.decode()
    # Names for a party of another collaboration are not read at all.
    other_party = add_party(other, name="Främmande förening")
    response = client.post(create, form_data(world, **{f"guests_{other_party.pk}": "Smygare"}))
    assert response.status_code == 302
    assert not MeetingParticipant.objects.filter(name="Smygare").exists()
    assert not MeetingParticipant.objects.exclude(party__collaboration=collaboration).exists()


def test_hostile_text_is_an_error_not_a_crash(client, world):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    create = reverse("projects:meeting_create", args=[collaboration.pk])
    response = client.post(create, form_data(world, title="x" * 30_000, kind="<script>alert(1)</script>"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rubriken får vara högst 200 tecken" in page and "Välj ett slag av möte i listan." in page
    assert "<script>alert(1)</script>" not in page
    response = client.post(create, form_data(world, title="Möte\x00", agenda="\u202eä\x00ö"))
    assert response.status_code == 400 and not Meeting.objects.exists()


def test_editing_keeps_approvals_of_those_still_taking_part_and_bumps_the_sequence(client, world):
    collaboration, users, kommun, forening = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    meetings.approve_minutes(meeting, user=users["editor"], version=1)
    client.force_login(users["editor"])
    data = form_data(world, members=[users["editor"].memberships.get().pk, users["reader"].memberships.get().pk])
    response = client.post(url("meeting_edit", meeting), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    bo = meeting.participants.get(user=users["editor"])
    assert bo.approved_version == 1  # kept
    assert not meeting.participants.filter(user=users["coordinator"]).exists()
    assert meeting.minutes_locked_at is None  # Cecilia has not approved


def test_reader_sees_no_write_controls(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    client.force_login(users["reader"])
    page = client.get(url("meeting_detail", meeting)).content.decode()
    assert url("meeting_minutes", meeting) not in page
    assert url("meeting_edit", meeting) not in page
    assert url("meeting_decision_add", meeting) not in page
    assert url("meeting_approve", meeting) in page  # she took part: she approves
    listing = client.get(reverse("projects:meetings", args=[collaboration.pk])).content.decode()
    assert reverse("projects:meeting_create", args=[collaboration.pk]) not in listing
    assert reverse("projects:calendar_renew", args=[collaboration.pk]) not in listing


# Minutes, conflicts, approval and the lock ----------------------------------------------------


def test_minutes_conflict_keeps_what_the_person_typed(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Första versionen")
    meetings.save_minutes(meeting, user=users["coordinator"], text="Annas ändring", base_version=1)
    client.force_login(users["editor"])
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Bos <b>text</b>", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bos &lt;b&gt;text&lt;/b&gt;</textarea>" in page  # his text, in the field, escaped
    assert "Annas ändring" in page
    assert 'name="version" value="2"' in page  # saving again is an explicit choice over theirs
    meeting.refresh_from_db()
    assert meeting.minutes == "Annas ändring" and meeting.minutes_version == 2
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Bos text", "version": 2})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Bos text" and meeting.minutes_version == 3


def test_the_same_text_sent_twice_is_no_conflict(world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Text")
    result = meetings.save_minutes(meeting, user=users["editor"], text="Text", base_version=0)
    assert not result.conflict and not result.saved


def test_invalid_minutes_keep_the_text(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"])
    client.force_login(users["editor"])
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Min text", "version": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sidan saknar protokollets version. Ladda om sidan." in page and "Min text</textarea>" in page
    response = client.post(url("meeting_minutes", meeting), {"minutes": "y" * 50_001, "version": 0})
    assert response.status_code == 400
    assert "Protokollet får vara högst 50000 tecken" in response.content.decode()


def test_an_edit_withdraws_the_approvals_visibly(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    meetings.approve_minutes(meeting, user=users["reader"], version=1)
    client.force_login(users["editor"])
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Protokoll, rättat", "version": 1}, follow=True)
    page = response.content.decode()
    assert "Protokollet ändrades, så justeringarna är återkallade: Cecilia Carlsson." in page
    cecilia = meeting.participants.get(user=users["reader"])
    assert cecilia.approved_version is None and cecilia.approved_minutes_at is None
    assert "Cecilia Carlsson – har inte justerat" in page


def test_when_every_participant_approved_the_minutes_are_locked(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    for role in ("coordinator", "editor"):
        assert meetings.approve_minutes(meeting, user=users[role], version=1) is False
    client.force_login(users["reader"])
    response = client.post(url("meeting_approve", meeting), {"version": 1}, follow=True)
    assert "Alla deltagare har justerat det, så det är nu låst." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_locked_at is not None
    kinds = list(Event.objects.filter(collaboration=collaboration).values_list("kind", flat=True))
    assert kinds.count(Event.Kind.MINUTES_APPROVED) == 3 and kinds.count(Event.Kind.MINUTES_LOCKED) == 1

    # Locked: the minutes, the meeting and its decisions no longer change.
    client.force_login(users["editor"])
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Ändrat i efterhand", "version": 1})
    assert response.status_code == 409
    assert "Ändrat i efterhand</textarea>" in response.content.decode()  # shown, to copy
    response = client.post(url("meeting_edit", meeting), form_data(world))
    assert response.status_code == 302
    response = client.post(
        url("meeting_decision_add", meeting), {"text": "Sent beslut", "decided_on": "2026-11-20", "decided_by": ""}
    )
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.minutes == "Protokoll" and meeting.title == "Styrgrupp" and not meeting.decisions.exists()
    page = client.get(url("meeting_detail", meeting)).content.decode()
    assert "Justerat av alla" in page and 'name="minutes"' not in page
    with pytest.raises(meetings.MinutesLocked):
        meetings.save_minutes(meeting, user=users["editor"], text="x", base_version=1)


def test_approval_of_an_old_version_or_by_a_non_participant_is_refused(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll", participants=[])
    with pytest.raises(meetings.ApprovalRefused):
        meetings.approve_minutes(meeting, user=users["editor"], version=1)
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    meetings.save_minutes(meeting, user=users["coordinator"], text="Ny version", base_version=1)
    client.force_login(users["editor"])
    response = client.post(url("meeting_approve", meeting), {"version": 1}, follow=True)
    assert "Protokollet har ändrats sedan du läste det." in response.content.decode()
    assert not meeting.participants.filter(approved_version__isnull=False).exists()
    response = client.post(url("meeting_approve", meeting), {"version": "<script>"}, follow=True)
    assert "Sidan saknar protokollets version." in response.content.decode()


def test_empty_minutes_cannot_be_approved(world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"])
    with pytest.raises(meetings.ApprovalRefused):
        meetings.approve_minutes(meeting, user=users["editor"], version=0)


def test_an_archived_collaboration_approves_nothing(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    collaboration.archived = True
    collaboration.save()
    client.force_login(users["reader"])
    assert client.post(url("meeting_approve", meeting), {"version": 1}).status_code == 403
    assert client.get(url("meeting_detail", meeting)).status_code == 200


def test_htmx_minutes_and_approval_return_the_part_with_a_status(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    meetings.approve_minutes(meeting, user=users["reader"], version=1)
    client.force_login(users["editor"])
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Nytt", "version": 1}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="minutes-status" hx-swap-oob="innerHTML"' in page and "Protokollet är sparat." in page
    assert "justeringarna är återkallade: Cecilia Carlsson" in page
    response = client.post(url("meeting_approve", meeting), {"version": 2}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Du har justerat protokollet." in page and "Du har justerat version 2." in page
    response = client.post(url("meeting_minutes", meeting), {"minutes": "Krock", "version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Krock</textarea>" in response.content.decode()


# Decisions -------------------------------------------------------------------------------------


def test_a_decision_by_delegation_needs_who_and_the_mandate(client, world):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    add = reverse("projects:decision_add", args=[collaboration.pk])
    response = client.post(add, {"text": "Vi köper in stolar", "decided_on": "2026-11-20", "decided_by": " "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange vem som beslutade." in page and "Ett beslut med kort varsel behöver ett mandat" in page
    assert "Vi köper in stolar</textarea>" in page
    assert not LoggedDecision.objects.exists()
    with pytest.raises(ValueError):
        meetings.record_decision(
            collaboration, user=users["editor"], text="x", decided_on=date(2026, 11, 1), decided_by="Anna", mandate=""
        )


@pytest.mark.parametrize(
    "day, message",
    [("2999-01-01", "Beslutsdatum kan inte ligga i framtiden."), ("2026-02-30", "Ange beslutsdatum som 2026-11-22.")],
)
def test_decision_dates_are_checked(client, world, day, message):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    data = {"text": "Beslut", "decided_on": day, "decided_by": "Anna", "mandate": "Delegation"}
    response = client.post(reverse("projects:decision_add", args=[collaboration.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()


def test_decision_log_filters_meeting_and_short_notice_decisions(client, world):
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], title="Styrgruppsmöte")
    client.force_login(users["editor"])
    response = client.post(
        url("meeting_decision_add", meeting), {"text": "Lokalen hyrs", "decided_on": "2026-11-20", "decided_by": ""}
    )
    assert response.status_code == 302
    at_meeting = LoggedDecision.objects.get()
    assert at_meeting.meeting == meeting and at_meeting.decided_by == "Styrgruppsmöte"
    data = {
        "text": "Extra inköp",
        "decided_on": "2026-11-21",
        "decided_by": "Ordföranden",
        "mandate": "Styrgruppen § 4",
    }
    assert client.post(reverse("projects:decision_add", args=[collaboration.pk]), data).status_code == 302
    assert Event.objects.filter(kind=Event.Kind.DECISION_RECORDED).count() == 2
    log = reverse("projects:decisions", args=[collaboration.pk])
    page = client.get(log).content.decode()
    assert "Lokalen hyrs" in page and "Extra inköp" in page and "Styrgruppen § 4" in page
    page = client.get(log, {"typ": "mote"}).content.decode()
    assert "Lokalen hyrs" in page and "Extra inköp" not in page
    page = client.get(log, {"typ": "delegation"}).content.decode()
    assert "Lokalen hyrs" not in page and "Extra inköp" in page
    page = client.get(log, {"typ": "<script>"}).content.decode()  # unknown: all
    assert "Lokalen hyrs" in page and "Extra inköp" in page
    fragment = client.get(log, {"typ": "mote"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="decision-list")
    html = fragment.content.decode()
    assert "<html" not in html and html.strip().startswith('<div id="decision-list">')
    assert 'hx-swap-oob="innerHTML">1 beslut visas.' in html


def test_htmx_decision_add_returns_the_log_with_a_status(client, world):
    collaboration, users, *_ = world
    client.force_login(users["editor"])
    data = {"text": "Extra inköp", "decided_on": "2026-11-21", "decided_by": "Ordföranden", "mandate": "§ 4"}
    response = client.post(reverse("projects:decision_add", args=[collaboration.pk]), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="decision-status" hx-swap-oob="innerHTML">Beslutet är registrerat i beslutsloggen.' in html
    response = client.post(
        reverse("projects:decision_add", args=[collaboration.pk]), {"text": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Skriv vad som beslutades." in response.content.decode()


# The list, the overview, query counts ---------------------------------------------------------------


def test_list_shows_upcoming_meetings_first_then_past_ones(client, world):
    collaboration, users, *_ = world
    for days, title in [(-10, "Förra månaden"), (20, "Om tre veckor"), (-1, "Igår"), (2, "I övermorgon")]:
        new_meeting(collaboration, users["coordinator"], days=days, title=title)
    client.force_login(users["reader"])
    page = client.get(reverse("projects:meetings", args=[collaboration.pk])).content.decode()
    order = [page.index(t) for t in ("Kommande möten", "I övermorgon", "Om tre veckor", "Tidigare möten", "Igår")]
    assert order == sorted(order) and page.index("Igår") < page.index("Förra månaden")


def test_overview_shows_the_next_meeting_and_minutes_waiting_for_me(client, world):
    collaboration, users, *_ = world
    new_meeting(collaboration, users["coordinator"], days=-5, title="Förra mötet", minutes="Protokoll")
    new_meeting(collaboration, users["coordinator"], days=30, title="Senare möte")
    new_meeting(collaboration, users["coordinator"], days=4, title="Nästa möte")
    meeting = Meeting.objects.get(title="Förra mötet")
    meetings.approve_minutes(meeting, user=users["editor"], version=1)
    overview = reverse("projects:overview", args=[collaboration.pk])

    def card(user):
        client.force_login(user)
        page = client.get(overview).content.decode()
        return page[page.index('id="overview-meetings-heading"') : page.index("Alla möten")]

    shown = card(users["reader"])
    assert f'<a href="{url("meeting_detail", Meeting.objects.get(title="Nästa möte"))}">Nästa möte</a>' in shown
    assert "Senare möte" not in shown and "Förra mötet</a>" not in shown
    assert "Protokollet från Förra mötet väntar på din justering" in shown
    assert "väntar på din justering" not in card(users["editor"])  # Bo has approved


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["meetings", "decisions", "meeting_detail", "meeting_pdf", "meeting_ics"])
def test_query_count_does_not_grow_with_meetings_and_participants(client, world, django_assert_max_num_queries, page):
    collaboration, users, kommun, forening = world

    def grow(n):
        extra = [add_member(collaboration, name=f"Person {i} Extra", party=forening) for i in range(n)]
        meeting = new_meeting(collaboration, users["coordinator"], minutes="Text")
        MeetingParticipant.objects.bulk_create(
            [MeetingParticipant(meeting=meeting, party=m.party, user=m.user, name=m.user.full_name) for m in extra]
        )
        for i in range(n):
            new_meeting(collaboration, users["coordinator"], days=i - n // 2, title=f"Möte {i}")
            meetings.record_decision(
                collaboration,
                user=users["editor"],
                text=f"B{i}",
                decided_on=date(2026, 1, 1),
                decided_by="A",
                mandate="M",
                meeting=meeting if i % 2 else None,
            )
        return meeting

    client.force_login(users["editor"])
    meeting = grow(3)
    path = (
        reverse(f"projects:{page}", args=[collaboration.pk])
        if page in ("meetings", "decisions")
        else url(page, meeting)
    )
    few = _count(client, path)
    Meeting.objects.all().delete()
    LoggedDecision.objects.all().delete()
    meeting = grow(30)
    path = (
        reverse(f"projects:{page}", args=[collaboration.pk])
        if page in ("meetings", "decisions")
        else url(page, meeting)
    )
    with django_assert_max_num_queries(few):
        assert client.get(path).status_code == 200


def test_feed_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    collaboration, users, *_ = world
    token = meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    feed = reverse("projects:calendar_feed", args=[collaboration.pk, token])
    for i in range(3):
        new_meeting(collaboration, users["coordinator"], days=i)
    few = _count(client, feed)
    for i in range(30):
        new_meeting(collaboration, users["coordinator"], days=i)
    with django_assert_max_num_queries(few):
        assert client.get(feed).status_code == 200


# The PDF protocol ----------------------------------------------------------------------------


HOSTILE = '<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/passwd"><b>fet</b>'


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_protocol_has_everything_and_says_whether_it_is_approved(client, world):
    collaboration, users, kommun, forening = world
    meeting = new_meeting(
        collaboration, users["coordinator"], minutes="Vi beslutade om lokalen.", guests={forening: ["Dana Dahl"]}
    )
    meeting.agenda = "Välkomna\nLokalfrågan"
    meeting.save()
    meetings.record_decision(
        collaboration,
        user=users["editor"],
        text="Lokalen hyrs",
        decided_on=date(2026, 11, 20),
        decided_by="Mötet",
        meeting=meeting,
    )
    client.force_login(users["reader"])
    response = client.get(url("meeting_pdf", meeting))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="protokoll-')
    text = pdf_text(response.content)
    for expected in ("Protokoll: Styrgrupp", "Ej justerat", "Lokalfrågan", "Dana Dahl", "Lokalen hyrs", "lokalen."):
        assert expected in text
    assert "Justerat av alla" not in text
    for role in ("coordinator", "editor", "reader"):
        meetings.approve_minutes(meeting, user=users[role], version=1)
    text = pdf_text(client.get(url("meeting_pdf", meeting)).content)
    assert "Justerat av alla" in text and "Ej justerat" not in text
    reader = PdfReader(io.BytesIO(client.get(url("meeting_pdf", meeting)).content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)
    assert reader.trailer["/Root"].get("/Lang") == "sv"


def test_pdf_escapes_user_text_and_fetches_nothing(world):
    collaboration, users, kommun, forening = world
    meeting = new_meeting(
        collaboration, users["coordinator"], title=HOSTILE, minutes=HOSTILE, guests={kommun: [HOSTILE]}
    )
    meeting.agenda = HOSTILE
    meeting.place = HOSTILE
    meeting.save()
    meetings.record_decision(
        collaboration,
        user=users["editor"],
        text=HOSTILE,
        decided_on=date(2026, 11, 20),
        decided_by=HOSTILE,
        mandate=HOSTILE,
        meeting=meeting,
    )
    meeting = meetings.meeting_with_people(collaboration, meeting.pk)
    html = render_meeting_html(collaboration, meeting)
    assert "<img" not in html and "<b>fet" not in html and 'href="file:' not in html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in html
    fetcher = pdf.StaticOnlyFetcher()
    data = pdf.html_to_pdf(html, fetcher)
    assert fetcher.refused == []
    assert fetcher.served == [pdf.STATIC_BASE + "css/meeting-pdf.css"]
    assert "<b>fet</b>" in pdf_text(data)  # shown as text


def test_other_collaborations_meetings_are_not_found(client, world):
    collaboration, users, *_ = world
    other = make_collaboration(coordinator=make_user("Olle Annan"), title="Annan")
    meeting = new_meeting(other, other.memberships.get().user)
    client.force_login(users["coordinator"])
    for name in ("meeting_detail", "meeting_pdf", "meeting_ics", "meeting_edit"):
        path = reverse(f"projects:{name}", args=[collaboration.pk, meeting.pk])
        assert client.get(path).status_code == 404
    assert client.post(reverse("projects:meeting_minutes", args=[collaboration.pk, meeting.pk])).status_code == 404


def test_roles_from_membership_not_participation(client, world):
    """A reader who takes part may approve but not write the minutes."""
    collaboration, users, *_ = world
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Protokoll")
    client.force_login(users["reader"])
    assert client.post(url("meeting_minutes", meeting), {"minutes": "x", "version": 1}).status_code == 403
    assert Membership.objects.get(user=users["reader"]).role == Role.READER


def test_decision_log_page_links_keep_the_kind_filter(client):
    """The shared pagination (includes/pagination.html) carries the page's own filter along."""
    from datetime import date

    from projects.meetings.models import LoggedDecision
    from tests.factories import collaboration_with_people

    collaboration, users = collaboration_with_people()
    LoggedDecision.objects.bulk_create(
        LoggedDecision(collaboration=collaboration, text=f"Beslut {n}", decided_on=date(2026, 11, 1), decided_by="KS")
        for n in range(60)
    )
    client.force_login(users["reader"])
    html = client.get(reverse("projects:decisions", args=[collaboration.pk]), {"typ": "delegation"}).content.decode()
    assert "?sida=2&amp;typ=delegation" in html
    html = client.get(reverse("projects:decisions", args=[collaboration.pk])).content.decode()
    assert '?sida=2"' in html


# The meeting page: the agenda numbered once, the PDF when there are minutes ---------------------


def test_the_agenda_is_numbered_once_and_the_pdf_offered_only_with_minutes(client, world):
    collaboration, users, kommun, forening = world
    meeting = new_meeting(collaboration, users["coordinator"])
    meeting.agenda = "1. Lokalen\n2) Budgeten\n\n- Övrigt\n3 Mål för 2027\n2026 års plan"
    meeting.save()
    assert meeting.agenda_items() == ["Lokalen", "Budgeten", "Övrigt", "3 Mål för 2027", "2026 års plan"]
    client.force_login(users["reader"])
    page = client.get(url("meeting_detail", meeting)).content.decode()
    assert "<li>Lokalen</li>" in page and "1. Lokalen" not in page
    assert "Protokoll som PDF" not in page and url("meeting_pdf", meeting) not in page
    Meeting.objects.filter(pk=meeting.pk).update(minutes="Vi beslutade om lokalen.", minutes_version=1)
    page = client.get(url("meeting_detail", meeting)).content.decode()
    assert "Protokoll som PDF" in page and url("meeting_pdf", meeting) in page


def test_meeting_events_are_shown_in_the_readers_language(world):
    from django.utils import translation

    collaboration, users, kommun, forening = world
    meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    event = Event.objects.get(collaboration=collaboration, kind=Event.Kind.CALENDAR_TOKEN)
    assert event.texts["detail"] == {"msgid": "Ny hemlig länk skapad"}
    meeting = new_meeting(collaboration, users["coordinator"], minutes="Text")
    meetings.set_minutes_due(meeting, date(2026, 12, 24), user=users["coordinator"])
    event = Event.objects.filter(collaboration=collaboration).order_by("-pk").first()
    assert event.detail == "Protokollet justeras senast 24 december 2026"
    with translation.override("en"):
        assert "24 December 2026" in event.shown_detail()  # the date in the reader's language
