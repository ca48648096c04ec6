"""Meetings in a real browser: every meetings page checked with axe at desktop and phone width, a
meeting created on a phone, the minutes saved and approved with HTMX, the decision log filtered
with HTMX, and the approval without JavaScript."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.core.models import Membership
from projects.meetings import services as meetings
from projects.meetings.models import Meeting
from tests.browser.conftest import VIEWPORTS, check_page, log_in, screenshot
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    forening = users["editor"].memberships.get().party
    members = list(Membership.objects.filter(collaboration=collaboration).select_related("user", "party"))
    past = timezone.now() - timedelta(days=2)
    meeting = Meeting(
        collaboration=collaboration,
        title="Styrgrupp november",
        kind=Meeting.Kind.STEERING,
        starts_at=past,
        ends_at=past + timedelta(hours=2),
        place="Stadshuset, sal 3",
        agenda="Mötet öppnas\nLokalfrågan\nNästa möte",
    )
    meetings.save_meeting(meeting, user=users["coordinator"], memberships=members, guests={forening: ["Dana Dahl"]})
    meetings.save_minutes(
        meeting, user=users["coordinator"], text="§ 1 Mötet öppnades.\n§ 2 Lokalfrågan.", base_version=0
    )
    meetings.record_decision(
        collaboration,
        user=users["coordinator"],
        text="Föreningshuset hyrs från januari.",
        decided_on=date.today() - timedelta(days=2),
        decided_by="Styrgruppen",
        meeting=meeting,
    )
    meetings.record_decision(
        collaboration,
        user=users["coordinator"],
        text="Extra stolar köps in.",
        decided_on=date.today(),
        decided_by="Ordföranden",
        mandate="Styrgruppen 2026-09-01 § 4",
    )
    upcoming = timezone.now() + timedelta(days=5)
    meetings.save_meeting(
        Meeting(
            collaboration=collaboration,
            title="Dialogmöte om sommarlovet",
            kind=Meeting.Kind.DIALOG,
            starts_at=upcoming,
            ends_at=upcoming + timedelta(hours=1),
            link="https://mote.example.se/sommar",
        ),
        user=users["coordinator"],
        memberships=members[:2],
        guests={},
    )
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        meeting=meeting,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
    )


def go(page, world, name, *args):
    page.goto(world.live.url + reverse(f"projects:{name}", args=[world.collaboration.pk, *args]))


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_meetings_page_passes_axe(world, new_page, viewport):
    page = new_page(viewport)
    log_in(page, world.live, world.anna)
    go(page, world, "meetings")
    expect(page.get_by_role("heading", name="Möten", exact=True)).to_be_visible()
    check_page(page, f"meetings-list-{viewport}")
    page.get_by_role("button", name="Skapa en kalenderlänk").click()
    expect(page.locator("#feed-url")).to_be_visible()
    check_page(page, f"meetings-calendar-{viewport}")
    go(page, world, "meeting_detail", world.meeting.pk)
    expect(page.locator("#meeting-heading")).to_have_text("Styrgrupp november")
    check_page(page, f"meeting-detail-{viewport}")
    go(page, world, "meeting_edit", world.meeting.pk)
    check_page(page, f"meeting-edit-{viewport}")
    go(page, world, "decisions")
    page.locator("summary", has_text="Registrera ett beslut med kort varsel").click()
    check_page(page, f"decisions-{viewport}")
    go(page, world, "overview")
    check_page(page, f"meetings-overview-{viewport}")


def test_create_a_meeting_on_a_phone_with_a_mistake_first(world, new_page):
    page = new_page("phone")
    log_in(page, world.live, world.bo)
    go(page, world, "meeting_create")
    page.get_by_label("Rubrik").fill("Arbetsmöte om lokalen")
    page.get_by_label("Börjar").fill("2026-12-03T18:00")
    page.get_by_label("Slutar").fill("2026-12-03T17:00")
    page.get_by_label("Plats").fill("Föreningshuset")
    page.get_by_label("Dagordning").fill("Lokalen\nNycklar")
    page.get_by_label("Anna Andersson").check()
    page.get_by_label("Övriga från Föreningen Gemenskap (utan konto), ett namn per rad").fill("Dana Dahl")
    page.get_by_role("button", name="Skapa mötet").click()
    expect(page.get_by_text("Mötet måste sluta efter att det börjar.")).to_be_visible()
    expect(page.get_by_label("Dagordning")).to_have_value("Lokalen\nNycklar")  # nothing lost
    check_page(page, "meeting-create-error-phone")
    page.get_by_label("Slutar").fill("2026-12-03T20:00")
    page.get_by_role("button", name="Skapa mötet").click()
    expect(page.locator("#meeting-heading")).to_have_text("Arbetsmöte om lokalen")
    expect(page.get_by_text("Mötet är skapat.")).to_be_visible()
    meeting = Meeting.objects.get(title="Arbetsmöte om lokalen")
    assert sorted(meeting.participants.values_list("name", flat=True)) == ["Anna Andersson", "Dana Dahl"]


def test_minutes_saved_and_approved_with_htmx(world, new_page):
    bo = new_page("desktop")
    log_in(bo, world.live, world.bo)
    go(bo, world, "meeting_detail", world.meeting.pk)
    url = bo.url
    bo.get_by_role("button", name="Jag justerar protokollet (version 1)").click()
    expect(bo.get_by_text("Du har justerat version 1.")).to_be_visible()
    bo.get_by_label("Protokollets text").fill("§ 1 Mötet öppnades.\n§ 2 Lokalfrågan: vi hyr.")
    bo.get_by_role("button", name="Spara protokollet").click()
    expect(bo.locator("#minutes-status")).to_contain_text("Protokollet är sparat.")
    expect(bo.locator("#minutes")).to_contain_text("justeringarna är återkallade: Bo Berg")
    assert bo.url == url  # swapped in place, no page load
    check_page(bo, "meeting-minutes-htmx-desktop")

    meetings.approve_minutes(world.meeting, user=world.anna, version=2)
    bo.get_by_role("button", name="Jag justerar protokollet (version 2)").click()
    expect(bo.get_by_text("Du har justerat version 2.")).to_be_visible()

    cecilia = new_page("phone")
    log_in(cecilia, world.live, world.cecilia)
    go(cecilia, world, "meeting_detail", world.meeting.pk)
    expect(cecilia.get_by_label("Protokollets text")).to_have_count(0)  # a reader does not write
    cecilia.get_by_role("button", name="Jag justerar protokollet (version 2)").click()
    expect(cecilia.locator("#minutes")).to_contain_text("Justerat av alla")
    check_page(cecilia, "meeting-minutes-locked-phone")
    world.meeting.refresh_from_db()
    assert world.meeting.minutes_locked_at is not None


def test_decision_log_filters_with_htmx(world, new_page):
    page = new_page("phone")
    log_in(page, world.live, world.cecilia)
    go(page, world, "decisions")
    expect(page.get_by_text("Extra stolar köps in.")).to_be_visible()
    page.get_by_role("link", name="Vid möten").click()
    expect(page.get_by_text("Extra stolar köps in.")).to_have_count(0)
    expect(page.get_by_text("Föreningshuset hyrs från januari.")).to_be_visible()
    expect(page.locator("#decision-status")).to_contain_text("1 beslut visas.")
    assert page.url.endswith("?typ=mote")
    check_page(page, "decisions-filtered-phone")


def test_approval_and_a_delegated_decision_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        context.set_default_timeout(5_000)
        page = context.new_page()
        log_in(page, world.live, world.anna)
        go(page, world, "meeting_detail", world.meeting.pk)
        page.get_by_role("button", name="Jag justerar protokollet (version 1)").click()
        expect(page.get_by_text("Du har justerat protokollet.")).to_be_visible()
        go(page, world, "decisions")
        page.locator("summary", has_text="Registrera ett beslut med kort varsel").click()
        page.locator("#id_text").fill("Nyckel till förrådet lämnas ut.")
        page.get_by_label("Beslutsdatum").fill(date.today().isoformat())
        page.get_by_label("Beslutat av").fill("Anna Andersson")
        page.get_by_role("button", name="Registrera beslutet").click()
        expect(page.get_by_text("Ett beslut med kort varsel behöver ett mandat")).to_be_visible()
        expect(page.locator("#id_text")).to_have_value("Nyckel till förrådet lämnas ut.")
        page.get_by_label("Mandat").fill("Delegation från styrgruppen § 4")
        page.get_by_role("button", name="Registrera beslutet").click()
        expect(page.get_by_text("Beslutet är registrerat i beslutsloggen.")).to_be_visible()
        screenshot(page, "decisions-nojs-phone")  # axe needs JavaScript: checked on the same page above
    finally:
        context.close()
