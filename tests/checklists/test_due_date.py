"""A checklist section's date ("klart senast"): set, changed and cleared by a coordinator, refused
in the past with the date typed kept, shown on the section and in the list, overdue said plainly."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects.checklists import services as checklists
from projects.checklists.models import ChecklistEvent, ChecklistSection
from projects.core.models import Event
from projects.templatetags.deadline_tags import deadline_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    return collaboration, users, cs


def due_url(collaboration, cs):
    return reverse("projects:checklist_due_date", args=[collaboration.pk, cs.pk])


def section_url(collaboration, cs):
    return reverse("projects:checklist_section", args=[collaboration.pk, cs.pk])


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def long_date(day):
    return date_format(day, "j F Y")


def test_coordinator_sets_changes_and_clears_the_date(client, setup):
    collaboration, users, cs = setup
    client.force_login(users["coordinator"])
    day = in_days(20)
    response = client.post(due_url(collaboration, cs), {"date": day.isoformat()})
    assert response.status_code == 302 and response["Location"] == section_url(collaboration, cs) + "#due"
    cs.refresh_from_db()
    assert cs.due_date == day
    event = Event.objects.get(collaboration=collaboration, kind=ChecklistEvent.DUE_DATE)
    assert event.subject == cs.section.title and event.detail == f"Klart senast {long_date(day)}"

    page = client.get(section_url(collaboration, cs)).content.decode()
    assert f"Avsnittet ”{cs.section.title}” ska vara klart senast {long_date(day)}." in page
    assert f"Klart senast {long_date(day)}" in page
    assert f'<time datetime="{day.isoformat()}">' in page
    listing = client.get(reverse("projects:checklists", args=[collaboration.pk])).content.decode()
    assert f"Klart senast {long_date(day)}" in listing

    later = in_days(40)
    client.post(due_url(collaboration, cs), {"date": later.isoformat()})
    cs.refresh_from_db()
    assert cs.due_date == later

    response = client.post(due_url(collaboration, cs), {"date": later.isoformat(), "clear": "1"}, follow=True)
    cs.refresh_from_db()
    assert cs.due_date is None
    assert f"Avsnittet ”{cs.section.title}” har inget datum längre." in response.content.decode()
    assert Event.objects.filter(collaboration=collaboration, kind=ChecklistEvent.DUE_DATE).count() == 3
    assert "data-deadline=" not in client.get(section_url(collaboration, cs)).content.decode()


def test_an_empty_date_clears_it_too_and_the_same_date_again_changes_nothing(client, setup):
    collaboration, users, cs = setup
    client.force_login(users["coordinator"])
    day = in_days(5)
    client.post(due_url(collaboration, cs), {"date": day.isoformat()})
    client.post(due_url(collaboration, cs), {"date": day.isoformat()})
    assert Event.objects.filter(collaboration=collaboration, kind=ChecklistEvent.DUE_DATE).count() == 1
    client.post(due_url(collaboration, cs), {"date": ""})
    cs.refresh_from_db()
    assert cs.due_date is None


def test_only_a_coordinator_may_set_it_and_only_a_coordinator_sees_the_form(client, setup):
    collaboration, users, cs = setup
    for role in ("editor", "reader"):
        client.force_login(users[role])
        assert client.post(due_url(collaboration, cs), {"date": in_days(3).isoformat()}).status_code == 403
        assert due_url(collaboration, cs) not in client.get(section_url(collaboration, cs)).content.decode()
    cs.refresh_from_db()
    assert cs.due_date is None
    client.force_login(users["coordinator"])
    assert due_url(collaboration, cs) in client.get(section_url(collaboration, cs)).content.decode()


def test_a_past_date_is_refused_with_the_date_kept_and_the_message_at_the_top_and_by_the_field(client, setup):
    collaboration, users, cs = setup
    client.force_login(users["coordinator"])
    past = in_days(-3)
    response = client.post(due_url(collaboration, cs), {"date": past.isoformat()})
    assert response.status_code == 400
    page = response.content.decode()
    message = f"Datumet har redan varit. Välj i dag ({long_date(timezone.localdate())}) eller ett senare datum."
    summary_html = r'<div class="alert alert-danger error-summary" role="alert" id="error-summary".*?</div>'
    summary = re.search(summary_html, page, re.S)[0]
    assert message in summary and 'href="#due-date"' in summary
    field = re.search(r'<input[^>]*id="due-date"[^>]*>', page)[0]
    assert f'value="{past.isoformat()}"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="due-date_error due-date_helptext"' in field
    assert f'<p class="invalid-feedback d-block mb-0" id="due-date_error">{message}</p>' in page
    assert '<details class="deadline-details mt-1 mb-2" open>' in page
    cs.refresh_from_db()
    assert cs.due_date is None
    assert not Event.objects.filter(collaboration=collaboration, kind=ChecklistEvent.DUE_DATE).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "Ange ett riktigt datum, till exempel 2026-12-24."),
        ("i morgon", "Ange ett riktigt datum, till exempel 2026-12-24."),
        ("3000-01-01", "Datumet ligger för långt fram. Kontrollera året."),
    ],
)
def test_what_is_not_a_usable_date_is_refused(client, setup, typed, message):
    collaboration, users, cs = setup
    client.force_login(users["coordinator"])
    response = client.post(due_url(collaboration, cs), {"date": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and f'value="{typed}"' in page
    cs.refresh_from_db()
    assert cs.due_date is None


def test_a_date_already_set_that_has_passed_may_stay(client, setup):
    collaboration, users, cs = setup
    passed = in_days(-10)
    ChecklistSection.objects.filter(pk=cs.pk).update(due_date=passed)
    client.force_login(users["coordinator"])
    response = client.post(due_url(collaboration, cs), {"date": passed.isoformat()})
    assert response.status_code == 302
    cs.refresh_from_db()
    assert cs.due_date == passed


def test_an_overdue_section_reads_plainly(client, setup):
    collaboration, users, cs = setup
    ChecklistSection.objects.filter(pk=cs.pk).update(due_date=date(2025, 12, 3))
    client.force_login(users["reader"])
    page = client.get(section_url(collaboration, cs)).content.decode()
    assert "Skulle vara klart 3 december 2025" in page
    assert 'data-deadline="overdue"' in page
    listing = client.get(reverse("projects:checklists", args=[collaboration.pk])).content.decode()
    assert "Skulle vara klart 3 december 2025" in listing


def test_today_and_the_english_interface(client, setup):
    collaboration, users, cs = setup
    ChecklistSection.objects.filter(pk=cs.pk).update(due_date=timezone.localdate())
    client.force_login(users["reader"])
    page = client.get(section_url(collaboration, cs)).content.decode()
    assert f"Klart senast i dag, {long_date(timezone.localdate())}" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(section_url(collaboration, cs)).content.decode()
    assert "Klart senast" not in page and "Done by today" in page


def test_the_state_of_a_deadline():
    today = timezone.localdate()
    assert deadline_state(None) == ""
    assert deadline_state(today - timedelta(days=1)) == "overdue"
    assert deadline_state(today - timedelta(days=1), done=True) == "done"
    assert deadline_state(today) == "today"
    assert deadline_state(today + timedelta(days=1)) == "upcoming"
