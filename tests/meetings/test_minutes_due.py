"""The date by which the minutes are to be approved ("justeras senast"): set, changed and cleared
by a coordinator near the minutes, not before the meeting nor in the past, shown on the meeting and
in the list, and no longer asked for once everyone has approved."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects.core.models import Event, Membership
from projects.meetings import services as meetings
from projects.meetings.models import Meeting, MeetingEvent

pytestmark = pytest.mark.django_db


def new_meeting(collaboration, user, *, days=-1, minutes="Vi talade om lokalen."):
    start = timezone.now() + timedelta(days=days)
    meeting = Meeting(
        collaboration=collaboration,
        title="Styrgrupp",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Rum 1",
    )
    members = list(Membership.objects.filter(collaboration=collaboration).select_related("user", "party"))
    meetings.save_meeting(meeting, user=user, memberships=members, guests={})
    if minutes:
        meetings.save_minutes(meeting, user=user, text=minutes, base_version=0)
        meeting.refresh_from_db()
    return meeting


def due_url(meeting):
    return reverse("projects:meeting_minutes_due", args=[meeting.collaboration_id, meeting.pk])


def page_url(meeting):
    return reverse("projects:meeting_detail", args=[meeting.collaboration_id, meeting.pk])


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def test_coordinator_sets_the_date_near_the_minutes_and_it_shows_in_the_list(client, people):
    collaboration, users = people
    meeting = new_meeting(collaboration, users["coordinator"])
    client.force_login(users["coordinator"])
    day = in_days(7)
    response = client.post(due_url(meeting), {"date": day.isoformat()})
    assert response.status_code == 302 and response["Location"] == page_url(meeting) + "#minutes-due"
    meeting.refresh_from_db()
    assert meeting.minutes_due == day
    event = Event.objects.get(collaboration=collaboration, kind=MeetingEvent.MINUTES_DUE)
    assert event.detail == f"Protokollet justeras senast {date_format(day, 'j F Y')}"

    client.force_login(users["reader"])
    page = client.get(page_url(meeting)).content.decode()
    minutes = page[page.index('id="minutes-heading"') : page.index('id="decisions-heading"')]
    assert f"Justeras senast {date_format(day, 'j F Y')}" in minutes
    assert due_url(meeting) not in page  # a reader sees the date, not the form
    listing = client.get(reverse("projects:meetings", args=[collaboration.pk])).content.decode()
    assert f"Justeras senast {date_format(day, 'j F Y')}" in listing

    client.force_login(users["coordinator"])
    client.post(due_url(meeting), {"clear": "1"})
    meeting.refresh_from_db()
    assert meeting.minutes_due is None
    assert Event.objects.filter(collaboration=collaboration, kind=MeetingEvent.MINUTES_DUE).count() == 2


def test_an_editor_who_writes_the_minutes_may_not_set_the_date(client, people):
    collaboration, users = people
    meeting = new_meeting(collaboration, users["coordinator"])
    client.force_login(users["editor"])
    assert client.post(due_url(meeting), {"date": in_days(7).isoformat()}).status_code == 403
    assert due_url(meeting) not in client.get(page_url(meeting)).content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_due is None


def test_a_past_date_is_refused_and_kept_in_the_field(client, people):
    collaboration, users = people
    meeting = new_meeting(collaboration, users["coordinator"], days=-10)
    client.force_login(users["coordinator"])
    past = in_days(-2)
    response = client.post(due_url(meeting), {"date": past.isoformat()})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and "Datumet har redan varit." in page
    field = re.search(r'<input[^>]*id="minutes-due-date"[^>]*>', page)[0]
    assert f'value="{past.isoformat()}"' in field and 'aria-invalid="true"' in field
    assert 'id="minutes-due-date_error"' in page
    meeting.refresh_from_db()
    assert meeting.minutes_due is None


def test_the_minutes_cannot_be_due_before_the_meeting(client, people):
    collaboration, users = people
    meeting = new_meeting(collaboration, users["coordinator"], days=10, minutes="")
    client.force_login(users["coordinator"])
    early = in_days(3)
    response = client.post(due_url(meeting), {"date": early.isoformat()})
    assert response.status_code == 400
    meeting_day = timezone.localtime(meeting.starts_at).date()
    page = response.content.decode()
    assert f"Protokollet kan inte justeras före mötet. Välj mötesdagen ({date_format(meeting_day, 'j F Y')})" in page
    assert f'value="{early.isoformat()}"' in page
    assert client.post(due_url(meeting), {"date": meeting_day.isoformat()}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_due == meeting_day


def test_overdue_minutes_read_plainly_until_everyone_has_approved(client, people):
    collaboration, users = people
    meeting = new_meeting(collaboration, users["coordinator"], days=-30)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_due=date(2025, 12, 3))
    client.force_login(users["reader"])
    page = client.get(page_url(meeting)).content.decode()
    assert "Skulle vara justerat 3 december 2025" in page
    listing = client.get(reverse("projects:meetings", args=[collaboration.pk])).content.decode()
    assert "Skulle vara justerat 3 december 2025" in listing

    for user in users.values():
        meetings.approve_minutes(meeting, user=user, version=meeting.minutes_version)
    meeting.refresh_from_db()
    assert meeting.minutes_locked_at is not None
    page = client.get(page_url(meeting)).content.decode()
    assert "Skulle vara justerat" not in page and "Justeras senast 3 december 2025" in page
    listing = client.get(reverse("projects:meetings", args=[collaboration.pk])).content.decode()
    assert "3 december 2025" not in listing

    client.force_login(users["coordinator"])
    page = client.get(page_url(meeting)).content.decode()
    assert due_url(meeting) not in page  # locked: nothing to ask for
    response = client.post(due_url(meeting), {"clear": "1"}, follow=True)
    assert "Protokollet är redan justerat av alla och låst" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_due == date(2025, 12, 3)
