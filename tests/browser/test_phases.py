"""The phases page in a real browser: the page with the map picture at desktop and phone width, the
map saved with HTMX and without JavaScript, a phase change through its confirmation step, the
new-period confirmation, and the overview card; every page checked with axe."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from guides.models import Level
from projects.checklists import services as checklists
from projects.core.models import Collaboration, Phase
from projects.phases import services as phases
from projects.phases.models import MapEntry, PhaseChange
from tests.browser.conftest import VIEWPORTS, check_page, log_in
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    checklists.ensure_default_sections(collaboration)
    phases.save_map(
        collaboration,
        user=users["coordinator"],
        values={
            "agendasattning": {
                "planned": Level.objects.get(slug="dialog"),
                "actual": Level.objects.get(slug="samrad"),
                "note": "Två möten <b>i mars</b>",
            },
            "formulering": {"planned": Level.objects.get(slug="partnerskap"), "actual": None, "note": ""},
        },
    )
    return SimpleNamespace(live=live, collaboration=collaboration, anna=users["coordinator"], bo=users["editor"])


def url(world, name, collaboration=None):
    return world.live.url + reverse(f"projects:{name}", args=[(collaboration or world.collaboration).pk])


def open_page(new_page, world, user, name, viewport="desktop"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(url(world, name))
    return page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_phases_page_and_the_map_picture(world, new_page, viewport):
    page = open_page(new_page, world, world.anna, "phases", viewport)
    expect(page.locator("#current-heading")).to_have_text("Nuvarande fas: Agendasättning")
    picture = page.locator("svg.map-picture")
    expect(picture).to_be_visible()
    assert picture.get_attribute("role") == "img"
    box = picture.bounding_box()
    assert box["width"] <= VIEWPORTS[viewport]["width"]
    assert box["height"] > 200
    check_page(page, f"phases-{viewport}")
    # The overview's card.
    page.goto(url(world, "overview"))
    expect(page.locator("#phase-card-heading")).to_be_visible()
    expect(page.locator("#phase-card-heading").locator("..")).to_contain_text("Nuvarande fas: Agendasättning (1 av 6).")
    check_page(page, f"phases-overview-card-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_map_saved_with_htmx(world, new_page, viewport):
    page = open_page(new_page, world, world.bo, "phases", viewport)
    page.select_option("#id_beslut-planned", "partnerskap")
    page.select_option("#id_beslut-actual", "dialog")
    page.fill("#id_beslut-note", "Alla parter beslutade <själva>")
    url_before = page.url
    page.click("#map-submit")
    expect(page.locator("#map-status")).to_contain_text("Samverkanskartan är sparad. Ändrat: Beslut.")
    assert page.url == url_before  # swapped in place, no reload
    entry = MapEntry.objects.get(collaboration=world.collaboration, phase="beslut")
    assert (entry.planned_level.slug, entry.actual_level.slug) == ("partnerskap", "dialog")
    expect(page.locator("#map-body table")).to_contain_text("Alla parter beslutade <själva>")
    # Circles with P now: three phases and the legend.
    expect(page.locator("svg.map-picture text").filter(has_text=re.compile("^P$"))).to_have_count(4)
    # A bad value (a tampered option) comes back as a message with the typed note kept.
    page.evaluate("document.querySelector('#id_formulering-planned option[value=dialog]').value = 'okand'")
    page.select_option("#id_formulering-planned", "okand")
    page.fill("#id_formulering-note", "Det här ska stå kvar")
    page.click("#map-submit")
    expect(page.locator("#map-status")).to_contain_text("Kartan är inte sparad.")
    expect(page.locator("#map-body")).to_contain_text("Okänd nivå. Välj en av nivåerna i listan.")
    expect(page.locator("#id_formulering-note")).to_have_value("Det här ska stå kvar")
    check_page(page, f"phases-map-saved-{viewport}")


def test_map_saved_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, world.live, world.bo)
        page.goto(url(world, "phases"))
        page.select_option("#id_omformulering-planned", "information")
        page.click("#map-submit")
        expect(page.locator("#messages")).to_contain_text("Samverkanskartan är sparad. Ändrat: Omformulering.")
        assert page.url.endswith("#map")
        assert MapEntry.objects.get(collaboration=world.collaboration, phase="omformulering").planned_level.slug == (
            "information"
        )
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_phase_change_through_the_confirmation(world, new_page, viewport):
    page = open_page(new_page, world, world.anna, "phases", viewport)
    advance = page.get_by_role("link", name="Gå vidare till Formulering")
    expect(advance).to_have_class(re.compile("btn-outline-secondary"))  # questions open: not the primary step
    expect(page.locator("#phase-open")).to_contain_text("frågor i fasens checklistor är inte klara")
    advance.click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Gå vidare från Agendasättning till Formulering?")
    expect(page.locator(".alert-warning")).to_contain_text("är inte klara")
    page.locator(".open-items summary").first.click()  # the open questions, linked
    expect(page.locator(".open-items a").first).to_be_visible()
    check_page(page, f"phases-advance-{viewport}")
    page.fill("#id_comment", "Vi har en gemensam bild av problemet.")
    page.get_by_role("button", name="Gå vidare till Formulering").click()
    expect(page.locator("#current-heading")).to_have_text("Nuvarande fas: Formulering")
    expect(page.locator("#messages")).to_contain_text("Samverkan är nu i fasen Formulering.")
    expect(page.locator(".phase-timeline")).to_contain_text("Vi har en gemensam bild av problemet.")
    change = PhaseChange.objects.get(collaboration=world.collaboration)
    assert change.open_items > 0
    # Going back asks for a reason first (the browser's own check, then the server's).
    page.get_by_role("link", name="Gå tillbaka till Agendasättning").click()
    check_page(page, f"phases-back-{viewport}")
    page.get_by_role("button", name="Gå tillbaka till Agendasättning").click()
    assert Collaboration.objects.get(pk=world.collaboration.pk).phase == Phase.FORMULERING
    expect(page.locator("#id_comment")).to_have_attribute("required", "")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_new_period_confirmation(world, new_page, viewport):
    page = open_page(new_page, world, world.anna, "phases", viewport)
    page.get_by_role("link", name="Påbörja en ny period").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Påbörja period 2?")
    expect(page.locator(".alert-warning")).to_contain_text("inte i Omformulering")
    check_page(page, f"phases-period-{viewport}")
    page.get_by_role("button", name="Påbörja period 2").click()
    new = Collaboration.objects.get(previous_period=world.collaboration)
    expect(page.locator("#current-heading")).to_have_text("Nuvarande fas: Agendasättning")
    expect(page.locator("main")).to_contain_text("Period 2 — föregående period:")
    assert page.url.endswith(reverse("projects:phases", args=[new.pk]))
    # The carried map: planned levels only.
    expect(page.locator("svg.map-picture text").filter(has_text=re.compile("^F$"))).to_have_count(1)  # the legend only
    check_page(page, f"phases-period-2-{viewport}")
