"""The six principles in a real browser: writing a formulation (autosave, a conflict kept), raising and
resolving a concern with HTMX, tagging the agreement's sections (the lens), the same without JavaScript,
and every page checked with axe at desktop and phone width."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from guides.models import Principle
from projects.agreements import services as agreements
from projects.principles import services as rules
from projects.principles.models import PrincipleCommitment, PrincipleConcern
from tests.browser.conftest import SCREENSHOT_DIR, VIEWPORTS, check_page, log_in
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect

SAVED = re.compile(r"Sparat \d\d:\d\d")


@pytest.fixture
def world(live):
    """Guide content, Exempelkommun (Anna, coordinator) and Föreningen Gemenskap (Bo, editor;
    Cecilia, reader), and an agreement in draft."""
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        agreement=agreement,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
    )


def page_url(world, name="principles"):
    return world.live.url + reverse(f"projects:{name}", args=[world.collaboration.pk])


def open_page(new_page, world, user, viewport="desktop", name="principles"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(page_url(world, name))
    return page


def dialog_text(world):
    commitment = PrincipleCommitment.objects.filter(collaboration=world.collaboration, principle__slug="dialog").first()
    return commitment.text if commitment else None


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_editor_writes_a_formulation_beside_the_guides(world, new_page, viewport):
    page = open_page(new_page, world, world.bo, viewport)
    expect(page.get_by_role("heading", name="De sex principerna")).to_be_visible()
    section = page.locator("#princip-dialog")
    expect(section.get_by_role("heading", name="2. Dialog")).to_be_visible()
    expect(section).to_contain_text("Källa: MUCF")
    check_page(page, f"principles-editor-{viewport}")

    field = section.get_by_label("Så här upprätthåller vi principen")
    field.fill("Vi träffas varje månad, och båda parter kan kalla till möte.")
    field.press("Tab")
    expect(page.locator("#meta-dialog")).to_contain_text(SAVED)
    assert dialog_text(world) == "Vi träffas varje månad, och båda parter kan kalla till möte."
    expect(page.locator("#princip-dialog")).to_contain_text("Senast ändrat av Bo Berg")


def test_a_conflict_keeps_both_texts(world, new_page):
    anna = open_page(new_page, world, world.anna)
    bo = open_page(new_page, world, world.bo)
    anna_field = anna.locator("#text-dialog")
    anna_field.fill("Annas text om dialog.")
    anna_field.press("Tab")
    expect(anna.locator("#meta-dialog")).to_contain_text(SAVED)

    bo_field = bo.locator("#text-dialog")
    bo_field.fill("Bos text om dialog.")
    bo_field.press("Tab")
    warning = bo.locator("#meta-dialog").get_by_role("alert")
    expect(warning).to_contain_text("Anna Andersson sparade en annan text medan du skrev")
    expect(warning.locator("blockquote")).to_have_text("Annas text om dialog.")
    expect(bo_field).to_have_value("Bos text om dialog.")
    assert dialog_text(world) == "Annas text om dialog."
    check_page(bo, "principles-conflict")

    warning.get_by_role("button", name="Behåll min text").click()
    expect(bo.locator("#meta-dialog")).to_contain_text(SAVED)
    expect(bo.locator("#meta-dialog").get_by_role("alert")).to_have_count(0)
    assert dialog_text(world) == "Bos text om dialog."


def test_reader_raises_and_coordinator_resolves_a_concern_with_htmx(world, new_page):
    cecilia = open_page(new_page, world, world.cecilia, "phone")
    expect(cecilia.locator("#text-dialog")).to_have_count(0)  # readers do not write the formulation
    section = cecilia.locator("#princip-kvalitet")
    section.get_by_text("Flagga ett problem med principen").click()
    section.get_by_label("Vad är problemet?").fill("Ingen har följt upp kvaliteten sedan i våras.")
    section.get_by_role("button", name="Flagga problemet").click()
    expect(cecilia.locator("#concern-status-kvalitet")).to_contain_text("Problemet med Kvalitet är flaggat.")
    expect(cecilia.locator("#open-concerns")).to_contain_text("1 öppet problem")
    expect(section.locator("li[id^='problem-']")).to_contain_text("Ingen har följt upp kvaliteten")
    concern = PrincipleConcern.objects.get()
    assert concern.is_open and concern.raised_by == world.cecilia
    check_page(cecilia, "principles-concern-raised-phone")

    overview = open_page(new_page, world, world.anna, "phone", name="overview")
    card = overview.locator("section[aria-labelledby='principles-heading']")
    expect(card).to_contain_text("1 flaggat problem med en princip")
    check_page(overview, "principles-overview-phone")

    anna = open_page(new_page, world, world.anna, "phone")
    item = anna.locator(f"#problem-{concern.pk}")
    item.get_by_text("Markera som löst").first.click()
    item.get_by_label("Så löste vi det").fill("Vi har bokat en uppföljning i juni.")
    check_page(anna, "principles-resolve-open-phone")
    anna.locator("#princip-kvalitet").screenshot(path=str(SCREENSHOT_DIR / "principles-kvalitet-resolving-390.png"))
    item.get_by_role("button", name="Markera som löst").click()
    expect(anna.locator("#concern-status-kvalitet")).to_contain_text("markerat som löst")
    expect(anna.locator("#open-concerns")).to_contain_text("0 öppna problem")
    history = anna.locator("#princip-kvalitet details", has_text="1 löst problem")
    history.locator("summary").click()
    expect(history).to_contain_text("Vi har bokat en uppföljning i juni.")
    concern.refresh_from_db()
    assert not concern.is_open and concern.resolved_by == world.anna
    check_page(anna, "principles-concern-resolved-phone")
    anna.locator("#princip-kvalitet").screenshot(path=str(SCREENSHOT_DIR / "principles-kvalitet-resolved-390.png"))


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_agreement_sections_are_tagged_with_principles(world, new_page, viewport):
    rules.save_commitment(
        collaboration=world.collaboration,
        principle=Principle.objects.get(slug="dialog"),
        user=world.bo,
        text="Vi möts varje månad.",
        base_version=0,
    )
    page = open_page(new_page, world, world.anna, viewport, name="agreement")
    gaps = page.locator("#principle-gaps")
    expect(gaps).to_contain_text("Ingen del av överenskommelsen tar upp: Självständighet och oberoende, Dialog")
    section = world.agreement.sections.first()
    block = page.locator(f"#sec-{section.pk}")
    block.get_by_text("Koppla till principer").click()
    block.get_by_label("Dialog").check()
    block.get_by_label("Mångfald").check()
    block.get_by_role("button", name=re.compile("Spara principerna")).click()
    expect(page.locator(f"#tags-status-{section.pk}")).to_contain_text("är sparade")
    expect(block.locator(".badge", has_text="Dialog")).to_be_visible()
    expect(gaps).not_to_contain_text("Dialog")
    expect(gaps).to_contain_text("Självständighet och oberoende, Kvalitet, Långsiktighet, Öppenhet och insyn.")
    assert sorted(section.principles.values_list("slug", flat=True)) == ["dialog", "mangfald"]
    check_page(page, f"principles-agreement-tags-{viewport}")
    block.screenshot(path=str(SCREENSHOT_DIR / f"principles-agreement-section-{viewport}.png"))


def test_without_javascript_concerns_and_formulations_still_work(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(5_000)
        log_in(page, world.live, world.bo)
        page.goto(page_url(world))
        section = page.locator("#princip-mangfald")
        section.get_by_label("Så här upprätthåller vi principen").fill("Vi bjuder in små föreningar.")
        section.get_by_role("button", name=re.compile("^Spara")).click()
        expect(page.get_by_role("status").first).to_contain_text("Mångfald: er text är sparad.")
        section = page.locator("#princip-mangfald")
        section.get_by_text("Flagga ett problem med principen").click()
        section.get_by_label("Vad är problemet?").fill("Bara de stora föreningarna bjuds in.")
        section.get_by_role("button", name="Flagga problemet").click()
        expect(page.get_by_role("status").first).to_contain_text("Problemet med Mångfald är flaggat.")
        expect(page.locator("#open-concerns")).to_contain_text("1 öppet problem")
        check_page(page, "principles-nojs")
        assert PrincipleConcern.objects.get().text == "Bara de stora föreningarna bjuds in."
        assert PrincipleCommitment.objects.get(principle__slug="mangfald").text == "Vi bjuder in små föreningar."
    finally:
        context.close()


def test_stepper_leads_to_our_formulation_and_to_raising_a_concern(world, new_page):
    from projects.checklists import services as checklists
    from projects.checklists.models import ChecklistSection

    checklists.ensure_default_sections(world.collaboration)
    cs = ChecklistSection.objects.get(collaboration=world.collaboration, section__slug="mucf-problem")
    rules.save_commitment(
        collaboration=world.collaboration,
        principle=Principle.objects.get(slug="dialog"),
        user=world.bo,
        text="Vi träffas varje månad, och båda parter kan kalla till extra möte när något behöver redas ut.",
        base_version=0,
    )
    page = new_page("phone")
    log_in(page, world.live, world.cecilia)
    page.goto(world.live.url + reverse("projects:checklist_section", args=[world.collaboration.pk, cs.pk]))
    aside = page.locator("aside section", has_text="Ta stöd i principerna")
    expect(aside).to_contain_text("Så här upprätthåller vi principen: Vi träffas varje månad")
    check_page(page, "principles-stepper-phone")
    aside.screenshot(path=str(SCREENSHOT_DIR / "principles-stepper-aside-390.png"))
    aside.get_by_role("link", name="Flagga ett problem med principen – Dialog").click()
    expect(page.get_by_role("heading", name="Flagga ett problem med principen Dialog")).to_be_visible()
    check_page(page, "principles-concern-page-phone")
    page.get_by_role("button", name="Flagga problemet").click()  # empty: refused, in Swedish
    expect(page.get_by_text("Skriv vad problemet är.")).to_be_visible()
    page.get_by_label("Vad är problemet?").fill("Mötena ställs in utan förvarning.")
    page.get_by_role("button", name="Flagga problemet").click()
    expect(page.locator("#messages")).to_contain_text("Problemet med Dialog är flaggat.")
    assert PrincipleConcern.objects.get().text == "Mötena ställs in utan förvarning."
