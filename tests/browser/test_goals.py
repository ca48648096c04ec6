"""Goals and indicators in a real browser: the page with its charts at desktop and phone width
(axe, no sideways scrolling, screenshots to look at), a measurement and an acceptance with HTMX,
and a goal added without JavaScript."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.goals.models import Goal, GoalAcceptance, Indicator, Measurement
from tests.browser.conftest import VIEWPORTS, check_page, log_in, screenshot
from tests.factories import (
    GoalAcceptanceFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    collaboration_with_people,
)
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    kommun = users["coordinator"].memberships.get().party
    forening = users["editor"].memberships.get().party
    goal = GoalFactory(
        collaboration=collaboration,
        title="Fler unga i föreningslivet",
        description="Unga 13–19 år i stadsdelen deltar i föreningarnas verksamhet varje vecka.",
        specific=True,
        measurable=True,
        due_date=date(2027, 6, 30),
    )
    GoalAcceptanceFactory(goal=goal, party=kommun, accepted_by=users["coordinator"])
    rising = IndicatorFactory(
        goal=goal,
        name="Deltagare per vecka",
        unit="deltagare",
        baseline=Decimal("30"),
        baseline_date=date(2026, 1, 15),
        target=Decimal("80"),
        target_date=date(2027, 6, 30),
    )
    for value, day, party in [
        ("34", date(2026, 3, 1), forening),
        ("41,5", date(2026, 5, 1), kommun),
        ("39", date(2026, 8, 15), forening),
        ("52", date(2026, 10, 1), forening),
    ]:
        MeasurementFactory(indicator=rising, value=Decimal(value.replace(",", ".")), measured_on=day, party=party)
    falling = IndicatorFactory(
        goal=goal,
        name="Andel som slutar under terminen",
        unit="procent",
        baseline=Decimal("35"),
        baseline_date=date(2026, 1, 15),
        target=Decimal("15"),
        target_date=date(2026, 12, 31),
    )
    MeasurementFactory(indicator=falling, value=Decimal("33"), measured_on=date(2026, 6, 1), party=kommun)
    GoalFactory(collaboration=collaboration, title="Bättre lokaler för kvällsverksamheten")
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
        goal=goal,
        rising=rising,
        falling=falling,
    )


def goals_url(world):
    return world.live.url + reverse("projects:goals", args=[world.collaboration.pk])


def open_goals(new_page, world, user, viewport):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(goals_url(world))
    expect(page.get_by_role("heading", name="Mål och indikatorer", exact=True)).to_be_visible()
    return page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_goals_page_with_charts(world, new_page, viewport):
    page = open_goals(new_page, world, world.bo, viewport)
    chart = page.locator(f"#indicator-{world.rising.pk} svg.indicator-chart")
    expect(chart).to_be_visible()
    assert chart.locator("circle.chart-point").count() == 4
    box = chart.bounding_box()
    assert box["width"] <= VIEWPORTS[viewport]["width"]
    check_page(page, f"goals-{viewport}")
    page.locator(f"#indicator-{world.rising.pk}").screenshot(path=str(screenshot_path(f"goals-chart-{viewport}")))

    # Reader: the same page without write controls.
    reader = open_goals(new_page, world, world.cecilia, viewport)
    expect(reader.get_by_role("button", name="Spara mätvärdet")).to_have_count(0)
    check_page(reader, f"goals-reader-{viewport}")


def screenshot_path(name):
    from tests.browser.conftest import SCREENSHOT_DIR

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR / f"{name}.png"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_measurement_and_acceptance_with_htmx(world, new_page, viewport):
    page = open_goals(new_page, world, world.bo, viewport)
    page.evaluate("window.notReloaded = true")
    card = page.locator(f"#indicator-{world.rising.pk}")
    card.get_by_text("Registrera ett mätvärde").click()
    card.get_by_label("Värde (deltagare)").fill("abc")
    card.get_by_label("Mätdatum").fill("2026-11-01")
    card.get_by_role("button", name="Spara mätvärdet").click()
    card = page.locator(f"#indicator-{world.rising.pk}")
    expect(card).to_contain_text("Skriv ett tal, till exempel 12 eller 3,5.")
    expect(card.get_by_label("Värde (deltagare)")).to_have_value("abc")
    card.get_by_label("Värde (deltagare)").fill("58,5")
    card.get_by_role("button", name="Spara mätvärdet").click()
    card = page.locator(f"#indicator-{world.rising.pk}")
    expect(card.get_by_role("status")).to_contain_text("Mätvärdet 58,5 deltagare (2026-11-01) är registrerat.")
    assert card.locator("circle.chart-point").count() == 5
    expect(card.locator("table")).to_contain_text("58,5")
    assert page.evaluate("window.notReloaded") is True
    assert Measurement.objects.filter(indicator=world.rising, value=Decimal("58.5")).exists()

    goal_card = page.locator(f"#goal-{world.goal.pk}")
    goal_card.get_by_role("button", name="Vi accepterar målet (Föreningen Gemenskap)").click()
    goal_card = page.locator(f"#goal-{world.goal.pk}")
    expect(goal_card.get_by_role("status").first).to_contain_text("Föreningen Gemenskap har accepterat målet.")
    expect(goal_card).to_contain_text("Föreningen Gemenskap: accepterat av Bo Berg")
    expect(goal_card).to_contain_text("SMART: 4 av 5")
    assert page.evaluate("window.notReloaded") is True
    check_page(page, f"goals-after-htmx-{viewport}")

    # Editing the goal's words in place withdraws both acceptances, and says so.
    goal_card.get_by_role("link", name="Ändra Fler unga i föreningslivet").click()
    form = page.locator(f"#goal-{world.goal.pk}")
    expect(form.get_by_role("heading", name="Ändra målet")).to_be_visible()
    check_page(page, f"goals-edit-inline-{viewport}")
    form.get_by_label("Beskrivning").fill("Unga 13–25 år deltar varje vecka.")
    form.get_by_role("button", name="Spara målet").click()
    goal_card = page.locator(f"#goal-{world.goal.pk}")
    expect(goal_card.get_by_role("status").first).to_contain_text("parternas acceptanser är återkallade")
    expect(goal_card).to_contain_text("Exempelkommun: har inte accepterat")
    assert not GoalAcceptance.objects.filter(goal=world.goal).exists()


def test_goal_added_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        log_in(page, world.live, world.anna)
        page.goto(goals_url(world))
        page.locator("#new-goal-title").fill("Fler ideella ledare")
        page.locator("#new-goal-due_date").fill("2027-12-31")
        page.get_by_role("button", name="Lägg till målet").click()
        expect(page.locator("#messages")).to_contain_text("Målet ”Fler ideella ledare” är tillagt.")
        goal = Goal.objects.get(title="Fler ideella ledare")
        card = page.locator(f"#goal-{goal.pk}")
        card.get_by_text("Lägg till en indikator").click()
        card.locator(f"#g{goal.pk}-new-name").fill("Ledare med utbildning")
        card.locator(f"#g{goal.pk}-new-baseline").fill("4")
        card.locator(f"#g{goal.pk}-new-baseline_date").fill("2026-09-01")
        card.locator(f"#g{goal.pk}-new-target").fill("12")
        card.locator(f"#g{goal.pk}-new-target_date").fill("2026-08-01")
        card.locator(f"#g{goal.pk}-new-unit").fill("   ")  # passes the browser's "required"; not the server
        card.get_by_role("button", name="Lägg till indikatorn").click()
        # Unit missing and the dates in the wrong order: the page again, with the input kept.
        card = page.locator(f"#goal-{goal.pk}")
        expect(card).to_contain_text("Ange en enhet: ett mätvärde utan enhet går inte att följa upp.")
        expect(card).to_contain_text("Målvärdet måste nås efter nulägesbildens datum (2026-09-01).")
        expect(card.locator(f"#g{goal.pk}-new-name")).to_have_value("Ledare med utbildning")
        screenshot(page, "goals-nojs-error")
        card.locator(f"#g{goal.pk}-new-unit").fill("ledare")
        card.locator(f"#g{goal.pk}-new-target_date").fill("2027-08-01")
        card.get_by_role("button", name="Lägg till indikatorn").click()
        expect(page.locator("#messages")).to_contain_text("Indikatorn ”Ledare med utbildning” är tillagd.")
        assert Indicator.objects.get(goal=goal).unit == "ledare"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_goal_forms_and_overview_accessible(world, new_page, viewport):
    page = new_page(viewport)
    log_in(page, world.live, world.anna)
    pk = world.collaboration.pk
    for name, args, label in [
        ("goal_edit", [world.goal.pk], "goal-edit"),
        ("goal_delete", [world.goal.pk], "goal-delete"),
        ("indicator_edit", [world.rising.pk], "indicator-edit"),
        ("indicator_delete", [world.rising.pk], "indicator-delete"),
        ("overview", [], "overview-goals"),
    ]:
        page.goto(world.live.url + reverse(f"projects:{name}", args=[pk, *args]))
        check_page(page, f"{label}-{viewport}")
    expect(page.locator("#goals-overview-heading")).to_be_visible()
