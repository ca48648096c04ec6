"""The mail path end to end against a real SMTP server on loopback (aiosmtpd, started by the test):
the app's SMTP backend sends, the message arrives with its headers, its links work, unsubscribing
works without a session; a server that is down or refuses the address."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from projects.core.models import Role
from projects.notifications import services as notices
from projects.notifications.models import Frequency, Kind, Notice, Profile
from tests.factories import add_member, collaboration_with_people
from tests.notifications.smtp import free_port

pytestmark = pytest.mark.django_db


def _notify(users, collaboration, key="smtp"):
    return notices.notify(
        Kind.FROZEN,
        users,
        collaboration=collaboration,
        key=key,
        path=collaboration.get_absolute_url(),
        message=lambda: ("Version 2 är klar för beslut", "Läs den och registrera er parts beslut."),
    )


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_the_notice_arrives_with_its_headers_and_its_links_work(smtp, django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    editor = who["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        _notify([editor], collaboration)
    (message,) = smtp.messages
    notice = Notice.objects.get()
    assert message["To"] == editor.email
    assert message["Message-ID"] == notice.message_id and notice.status == Notice.Status.SENT
    assert message["Content-Language"] == "sv"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")  # folded after the colon: a long line
    assert message["Subject"] == "[Samverkan] Version 2 är klar för beslut"
    text, html = _parts(message)
    assert "Läs den och registrera er parts beslut." in text and "Läs den och registrera er parts beslut." in html
    # The link to the exact page works for the person, logged in.
    page = re.search(r"http://testserver(/samverkan/\d+/)\s", text).group(1)
    assert page == collaboration.get_absolute_url()
    browser = Client()
    browser.force_login(editor)
    assert browser.get(page).status_code == 200
    # The unsubscribe link, in a browser without a session: a page that asks, then a button.
    anonymous = Client()
    path = unsubscribe.removeprefix("http://testserver")
    asked = anonymous.get(path)
    assert asked.status_code == 200 and "Ja, avsluta" in asked.content.decode()
    assert Profile.objects.get(user=editor).frequency(Kind.FROZEN) == Frequency.NOW  # a GET changes nothing
    # RFC 8058: the mail provider's one-click POST, no cookie, no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert Profile.objects.get(user=editor).frequency(Kind.FROZEN) == Frequency.OFF
    # The same link in the HTML part.
    assert unsubscribe in html.replace("&amp;", "&")


def test_a_server_that_is_down_keeps_the_notice_and_it_goes_out_when_the_server_is_back(
    smtp, settings, django_capture_on_commit_callbacks
):
    collaboration, who = collaboration_with_people()
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    with django_capture_on_commit_callbacks(execute=True):
        _notify([who["editor"]], collaboration)
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.PENDING and notice.attempts == 1 and notice.last_error
    assert smtp.messages == []
    # The person's page shows it, waiting.
    browser = Client()
    browser.force_login(who["editor"])
    page = browser.get("/aviseringar/").content.decode()
    assert "Version 2 är klar för beslut" in page and "Skickas igen snart" in page
    settings.EMAIL_PORT = real_port
    assert notices.retry_due(notice.next_attempt_at).sent == 1
    assert len(smtp.messages) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 1


def test_an_address_the_server_refuses_is_marked_for_the_coordinators(smtp, django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    bouncing = add_member(collaboration, role=Role.EDITOR, name="Studsar Svensson").user
    bouncing.email = "studsar@exempel.se"
    bouncing.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([bouncing, who["editor"]], collaboration)
    assert [m["To"] for m in smtp.messages] == [who["editor"].email]
    profile = Profile.objects.get(user=bouncing)
    assert profile.bounced_at is not None and "550" in profile.bounce_reason
    assert Notice.objects.get(user=bouncing).status == Notice.Status.FAILED
    assert notices.retry_due(timezone.now() + timezone.timedelta(days=1)).sent == 0  # not tried again
    coordinator = Client()
    coordinator.force_login(who["coordinator"])
    page = coordinator.get(f"/samverkan/{collaboration.pk}/personer/").content.decode()
    assert "E-post kommer inte fram" in page
