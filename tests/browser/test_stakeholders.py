"""The stakeholder map and the risk register in a real browser: both pages checked with axe at desktop
and phone width (screenshots of both charts in test-artifacts/screenshots/), a stakeholder moved with
HTMX and without JavaScript, risks added, edited and closed with HTMX and added without JavaScript."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.stakeholders import services as rules
from projects.stakeholders.models import Risk, Stakeholder
from tests.browser.conftest import VIEWPORTS, check_page, log_in
from tests.factories import RiskFactory, StakeholderFactory, collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    kommun = users["coordinator"].memberships.get().party
    forening = users["editor"].memberships.get().party
    people = [
        ("Kommunstyrelsen", "organisation", 5, 2),
        ("Socialnämnden", "organisation", 5, 4),
        ("Fritidsgårdens personal", "function", 3, 5),
        ("Föräldraföreningen", "organisation", 2, 5),
        ("Ungdomsrådet", "organisation", 2, 5),
        ("Lokaltidningen", "organisation", 2, 2),
        ("Rektor, Norrskolan", "person", 3, 3),
        ("<b>Fet</b> & co", "person", 1, 1),
    ]
    for name, kind, influence, interest in people:
        StakeholderFactory(collaboration=collaboration, name=name, kind=kind, influence=influence, interest=interest)
    risks = [
        ("För få volontärer", 4, 4, forening),
        ("Lokalen sägs upp", 2, 5, kommun),
        ("Bidraget dras in efter valet", 3, 5, kommun),
        ("Deltagarna slutar komma", 3, 3, forening),
        ("Dålig kommunikation mellan parterna", 3, 3, None),
        ("Personuppgifter hanteras fel", 1, 4, kommun),
    ]
    for title, probability, consequence, owner in risks:
        RiskFactory(
            collaboration=collaboration, title=title, probability=probability, consequence=consequence, owner=owner
        )
    return SimpleNamespace(live=live, collaboration=collaboration, **users)


def page_url(world, name):
    return world.live.url + reverse(f"projects:{name}", args=[world.collaboration.pk])


def open_page(new_page, world, user, name, viewport="desktop"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(page_url(world, name))
    return page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_both_pages_are_accessible(world, new_page, viewport):
    page = open_page(new_page, world, world.editor, "stakeholders", viewport)
    expect(page.locator("svg.stakeholder-map")).to_be_visible()
    check_page(page, f"stakeholders-editor-{viewport}")
    page.goto(page_url(world, "risks"))
    expect(page.locator("svg.risk-matrix")).to_be_visible()
    check_page(page, f"risks-editor-{viewport}")
    reader = open_page(new_page, world, world.reader, "stakeholders", viewport)
    check_page(reader, f"stakeholders-reader-{viewport}")
    reader.goto(page_url(world, "risks"))
    check_page(reader, f"risks-reader-{viewport}")


def test_move_a_stakeholder_with_htmx(world, new_page):
    stakeholder = Stakeholder.objects.get(name="Lokaltidningen")
    page = open_page(new_page, world, world.editor, "stakeholders")
    row = page.locator(f"#stakeholder-{stakeholder.pk}")
    row.get_by_label("Inflytande").select_option("4")
    row.get_by_label("Intresse").select_option("5")
    row.get_by_role("button", name="Flytta").click()
    status = page.locator("#stakeholder-status")
    expect(status).to_have_text(
        "Lokaltidningen är flyttad till inflytande 4, intresse 5: Stort inflytande, stort intresse."
    )
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.locator(f"#stakeholder-{stakeholder.pk} td[data-label='Fält']")).to_have_text(
        "Stort inflytande, stort intresse"
    )
    dot = page.locator(f"svg.stakeholder-map g[data-pk='{stakeholder.pk}'] circle")
    last_column = rules.MAP_LEFT + 4 * rules.MAP_CELL_WIDTH + 12  # interest 5
    expect(dot).to_have_attribute("cx", str(last_column))
    assert page.locator("tr[id^='stakeholder-']").count() == 8  # the row was replaced, not added
    stakeholder.refresh_from_db()
    assert (stakeholder.influence, stakeholder.interest) == (4, 5)
    check_page(page, "stakeholders-after-move")


def test_move_a_stakeholder_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, world.live, world.editor)
        page.goto(page_url(world, "stakeholders"))
        stakeholder = Stakeholder.objects.get(name="Ungdomsrådet")
        row = page.locator(f"#stakeholder-{stakeholder.pk}")
        row.get_by_label("Inflytande").select_option("5")
        row.get_by_role("button", name="Flytta").click()
        expect(page.locator("#messages")).to_contain_text("Ungdomsrådet är flyttad till inflytande 5, intresse 5")
        stakeholder.refresh_from_db()
        assert stakeholder.influence == 5
    finally:
        context.close()


def test_add_edit_and_close_risks_with_htmx(world, new_page):
    page = open_page(new_page, world, world.editor, "risks")
    form = page.locator("#risk-form-section")
    form.locator("#id_title").fill("Projektledaren slutar")
    form.get_by_label("Sannolikhet (1–5)").select_option("2")
    form.get_by_label("Konsekvens (1–5)").select_option("4")
    form.get_by_label("Ansvarig part").select_option(label="Föreningen Gemenskap")
    form.get_by_label("Följs upp").fill("2020-01-31")
    form.get_by_role("button", name="Lägg till risken").click()
    expect(page.locator("#risk-status")).to_contain_text("Risken ”Projektledaren slutar” är tillagd med riskvärde 8")
    risk = Risk.objects.get(title="Projektledaren slutar")
    row = page.locator(f"#risk-{risk.pk}")
    expect(row).to_contain_text("Uppföljningen är försenad")
    expect(page.locator("#risk-form-section").locator("#id_title")).to_have_value("")

    # Edit: the form takes the add form's place, focused.
    row.get_by_role("link", name="Ändra").click()
    title = page.locator("#risk-form-section").locator("#id_title")
    expect(title).to_be_focused()
    expect(title).to_have_value("Projektledaren slutar")
    page.locator("#risk-form-section").get_by_label("Sannolikhet (1–5)").select_option("5")
    page.locator("#risk-form-section").get_by_role("button", name="Spara risken").click()
    expect(page.locator("#risk-status")).to_contain_text("riskvärde 20 (Mycket hög)")
    expect(page.locator("svg.risk-matrix g[data-probability='5'][data-consequence='4'] g.risk-number")).to_have_count(1)

    # Close: out of the matrix, still in the table.
    page.locator(f"#risk-{risk.pk}").get_by_role("button", name="Stäng").click()
    expect(page.locator("#risk-status")).to_have_text("Risken ”Projektledaren slutar” är stängd.")
    expect(page.locator("svg.risk-matrix g[data-probability='5'][data-consequence='4'] g.risk-number")).to_have_count(0)
    expect(page.locator(f"#risk-{risk.pk}")).to_contain_text("Stängd")
    risk.refresh_from_db()
    assert (risk.probability, risk.status) == (5, "closed")
    check_page(page, "risks-after-htmx")


def test_a_refused_risk_keeps_the_text_with_htmx(world, new_page):
    page = open_page(new_page, world, world.editor, "risks", "phone")
    form = page.locator("#risk-form-section")
    form.locator("#id_title").fill("Utan datum")
    form.get_by_label("Åtgärd").fill("Min plan")
    # The browser's date field cannot hold a bad date; post one as a person with a broken browser would.
    page.evaluate("document.querySelector('#risk-form-section input[name=review_date]').type = 'text'")
    form.get_by_label("Följs upp").fill("2024-13-45")
    form.get_by_role("button", name="Lägg till risken").click()
    expect(page.locator("#risk-form-section")).to_contain_text("Skriv datumet som år-månad-dag")
    expect(page.locator("#risk-form-section").get_by_label("Åtgärd")).to_have_value("Min plan")
    assert not Risk.objects.filter(title="Utan datum").exists()
    check_page(page, "risks-refused")


def test_add_a_risk_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, world.live, world.editor)
        page.goto(page_url(world, "risks"))
        form = page.locator("#risk-form-section")
        form.locator("#id_title").fill("Ingen JavaScript")
        form.get_by_label("Sannolikhet (1–5)").select_option("5")
        form.get_by_label("Konsekvens (1–5)").select_option("5")
        form.get_by_role("button", name="Lägg till risken").click()
        expect(page.locator("#messages")).to_contain_text("Risken ”Ingen JavaScript” är tillagd med riskvärde 25")
        assert Risk.objects.filter(title="Ingen JavaScript", probability=5).exists()
    finally:
        context.close()


def test_the_overview_card_lists_the_highest_risks(world, new_page):
    page = open_page(new_page, world, world.reader, "overview", "phone")
    card = page.locator("section[aria-labelledby='risks-card-heading']")
    expect(card.locator("li")).to_have_count(3)
    expect(card.locator("li").first).to_have_text("För få volontärer – riskvärde 16 (hög)")
    card.get_by_role("link", name="Hela riskanalysen").click()
    expect(page.locator("svg.risk-matrix")).to_be_visible()
