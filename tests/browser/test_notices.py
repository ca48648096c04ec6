"""Notices in a real browser: an e-mail that arrived at a real SMTP server on loopback, its link
opened in Chromium by the person (the exact page), its unsubscribe link opened in a browser with no
session and confirmed; Väntar på dig on the dashboard and the Aviseringar page, checked with axe at
desktop and phone width."""

import re

import pytest

from projects.meetings import services as meetings
from projects.notifications.models import Frequency, Kind, Notice, Profile
from tests.browser.conftest import VIEWPORTS, check_page, log_in
from tests.factories import MeetingFactory, MeetingParticipantFactory, collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live, smtp, settings):
    load_guides()  # transactional tests start from an empty database
    settings.SITE_URL = live.url
    collaboration, users = collaboration_with_people()
    meeting = MeetingFactory(collaboration=collaboration, title="Styrgrupp december")
    for person in users.values():
        MeetingParticipantFactory(meeting=meeting, user=person, name=person.full_name)
    # The minutes get their first text: the other participants are told (the immediate task backend
    # sends it after the commit, through the SMTP backend, to the server on loopback).
    meetings.save_minutes(meeting, user=users["coordinator"], text="§ 1 Mötet öppnas.", base_version=0)
    return collaboration, users, meeting, smtp


def _link(message, pattern):
    text = message.get_body(("plain",)).get_content()
    return re.search(pattern, text).group(0)


def test_the_emails_links_work_in_the_browser_and_unsubscribing_needs_no_login(world, new_page, live):
    collaboration, users, meeting, smtp = world
    editor = users["editor"]
    message = next(m for m in smtp.messages if m["To"] == editor.email)
    assert "Styrgrupp december" in message["Subject"]

    # The link to the exact page, opened by the person logged in: the meeting, with its minutes to approve.
    page = new_page("desktop")
    log_in(page, live, editor)
    page.goto(_link(message, r"http://\S+/moten/\d+/"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Styrgrupp december")
    # Väntar på dig on the dashboard has the same thing to do, linked to the same page.
    page.goto(live.url + "/")
    waiting = page.locator(".todo")
    expect(waiting).to_contain_text("Justera protokollet från Styrgrupp december")
    check_page(page, "dashboard-vantar")

    # The unsubscribe link, in a browser that has never logged in: a page that asks, then a button.
    for viewport in VIEWPORTS:
        anonymous = new_page(viewport)
        anonymous.goto(_link(message, r"http://\S+/aviseringar/avsluta/\S+/"))
        expect(anonymous.get_by_role("heading", level=1)).to_have_text("Avsluta e-postmeddelanden")
        check_page(anonymous, "avsluta-fraga")
    anonymous.get_by_role("button", name="Ja, avsluta").click()
    expect(anonymous.get_by_role("status")).to_contain_text("Du får inte fler meddelanden av slaget")
    check_page(anonymous, "avsluta-klart")
    assert Profile.objects.get(user=editor).frequency(Kind.MINUTES) == Frequency.OFF


def test_aviseringar_page_saves_the_choices_and_lists_what_was_sent(world, new_page, live):
    collaboration, users, meeting, smtp = world
    reader = users["reader"]
    for viewport in VIEWPORTS:
        page = new_page(viewport)
        log_in(page, live, reader)
        page.goto(live.url + "/aviseringar/")
        expect(page.locator(".notice-list")).to_contain_text("Styrgrupp december")
        check_page(page, "aviseringar")
    page.get_by_label("Ett protokoll väntar på ditt godkännande").select_option(Frequency.WEEKLY)
    page.get_by_label(collaboration.title).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status").first).to_contain_text("sparade")
    profile = Profile.objects.get(user=reader)
    assert profile.frequency(Kind.MINUTES) == Frequency.WEEKLY and list(profile.muted.all()) == [collaboration]
    assert Notice.objects.filter(user=reader, status=Notice.Status.SENT).exists()
