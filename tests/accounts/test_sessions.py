"""Session lifetime (accounts.middleware.SessionLifetimeMiddleware): an inactivity timeout, an absolute
lifetime, the checklist poll that does not count as activity, and text posted after expiry kept."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.middleware import SESSION_KEY
from guides.models import Item
from projects.checklists import services as checklists
from projects.checklists.models import Answer, ChecklistSection
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def setup(people):
    cache.clear()  # allauth's login rate limits
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    joint = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    return collaboration, users, joint


def log_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def stamp(client):
    return client.session[SESSION_KEY]


def move_back(client, **seconds):
    """Pretend the login (start) and the last activity (seen) were this many seconds earlier."""
    session = client.session
    data = dict(session[SESSION_KEY])
    for key, value in seconds.items():
        data[key] -= value
    session[SESSION_KEY] = data
    session.save()
    return data


def is_logged_in(client):
    return "_auth_user_id" in client.session


def login_redirect(response):
    location = response.get("HX-Redirect") or response["Location"]
    parts = urlsplit(location)
    assert parts.path == reverse("account_login")
    return parse_qs(parts.query).get("next", [None])[0]


def test_the_cookie_lives_as_long_as_the_absolute_lifetime():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_HOURS * 3600


def test_an_active_session_stays(client, setup):
    _c, users, _j = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    before = move_back(client, seen=59 * 60, start=11 * 3600)
    assert client.get(reverse("projects:dashboard")).status_code == 200
    assert stamp(client)["seen"] > before["seen"]  # the request counted


def test_idle_for_the_timeout_logs_out_with_a_message(client, setup):
    _c, users, _j = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    move_back(client, seen=settings.SESSION_IDLE_MINUTES * 60, start=settings.SESSION_IDLE_MINUTES * 60)
    response = client.get(reverse("projects:dashboard"))
    assert login_redirect(response) == reverse("projects:dashboard")
    assert not is_logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "Du loggades ut efter 60 minuter utan aktivitet" in page


def test_the_absolute_lifetime_ends_even_an_active_session(client, setup):
    _c, users, _j = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    move_back(client, start=settings.SESSION_MAX_HOURS * 3600, seen=10)
    response = client.get(reverse("projects:dashboard"))
    assert login_redirect(response) == reverse("projects:dashboard")
    assert not is_logged_in(client)
    assert "Du loggades ut efter 12 timmar" in client.get(response["Location"]).content.decode()


def test_the_activity_time_is_written_at_most_once_a_minute(client, setup):
    _c, users, _j = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    before = move_back(client, seen=30)
    client.get(reverse("projects:dashboard"))
    assert stamp(client)["seen"] == before["seen"]
    move_back(client, seen=31)
    client.get(reverse("projects:dashboard"))
    assert stamp(client)["seen"] > before["seen"] - 31


def test_the_checklist_poll_does_not_keep_the_session_alive(client, setup):
    collaboration, users, joint = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    before = move_back(client, seen=30 * 60)
    poll = reverse("projects:checklist_changes", args=[collaboration.pk, joint.pk])
    for _ in range(3):
        assert client.get(poll, {"since": "2020-01-01T00:00:00+00:00"}, headers=HX).status_code in (200, 204)
    assert stamp(client)["seen"] == before["seen"]
    client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk]))  # the person
    assert stamp(client)["seen"] > before["seen"]


def test_the_poll_of_an_expired_session_sends_the_page_to_the_login(client, setup):
    collaboration, users, joint = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    move_back(client, seen=settings.SESSION_IDLE_MINUTES * 60 + 1)
    page = reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])
    poll = reverse("projects:checklist_changes", args=[collaboration.pk, joint.pk])
    response = client.get(poll, headers=HX | {"HX-Current-URL": f"http://testserver{page}"})
    assert response.status_code == 200 and login_redirect(response) == page
    assert not is_logged_in(client)


def test_an_autosave_after_expiry_is_kept_and_shown_after_login(client, setup):
    collaboration, users, joint = setup
    item = Item.objects.filter(section=joint.section, kind="question").order_by("order").first()
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    move_back(client, seen=settings.SESSION_IDLE_MINUTES * 60 + 1)
    page = reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])
    response = client.post(
        reverse("projects:answer_save", args=[collaboration.pk, joint.pk, item.pk]),
        {f"{item.pk}-j-text": "Text skriven efter utloggningen", f"{item.pk}-j-version": 0},
        headers=HX | {"HX-Current-URL": f"http://testserver{page}"},
    )
    assert login_redirect(response) == page
    assert not Answer.objects.filter(item=item).exists()  # not saved by a logged-out session
    assert not is_logged_in(client)
    log_in(client, users["editor"])
    shown = client.get(page).content.decode()
    assert "Text skriven efter utloggningen" in shown
    assert "Text du skrev innan du loggades ut är återställd" in shown


def test_a_form_posted_after_expiry_comes_back_to_its_page(client, setup):
    collaboration, users, joint = setup
    log_in(client, users["coordinator"])
    client.get(reverse("projects:dashboard"))
    move_back(client, seen=settings.SESSION_IDLE_MINUTES * 60 + 1)
    page = reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])
    response = client.post(
        reverse("projects:checklist_mode", args=[collaboration.pk, joint.pk]),
        {"answer_mode": "per_party"},
        headers={"Referer": f"http://testserver{page}"},
    )
    assert response.status_code == 302 and login_redirect(response) == page
    foreign = client.post(
        reverse("projects:checklist_mode", args=[collaboration.pk, joint.pk]),
        headers={"Referer": "https://evil.example/x"},
    )
    assert login_redirect(foreign) == reverse("projects:checklist_mode", args=[collaboration.pk, joint.pk])


def test_activity_is_the_last_seen_time_of_the_device_list(client, setup):
    _c, users, _j = setup
    log_in(client, users["editor"])
    client.get(reverse("projects:dashboard"))
    session = UserSession.objects.get(session_key=client.session.session_key)
    UserSession.objects.filter(pk=session.pk).update(last_seen_at=session.last_seen_at.replace(year=2020))
    move_back(client, seen=120)
    client.get(reverse("projects:dashboard"))
    assert UserSession.objects.get(pk=session.pk).last_seen_at.year > 2020
