"""The evaluation page and the import page in a real browser, at desktop and phone width, with axe:
the page with every part filled and empty, adding the evaluation questions back to the checklists
(a plain form, without JavaScript too), and importing a file (a broken one, then a good one)."""

import json

import pytest
from django.urls import reverse

from projects.checklists.models import ChecklistSection
from projects.core.models import Collaboration, Phase
from projects.transfer import services as transfer
from tests.browser.conftest import VIEWPORTS, check_page, log_in
from tests.factories import collaboration_with_people, join_organisation, make_user
from tests.guide_content import load_guides
from tests.transfer.test_transfer import build_everything

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    return live, collaboration, users


def evaluation_url(live, collaboration):
    return live.url + reverse("projects:evaluation", args=[collaboration.pk])


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_evaluation_page_with_everything(world, new_page, viewport):
    live, collaboration, users = world
    build_everything(collaboration, users)
    Collaboration.objects.filter(pk=collaboration.pk).update(phase=Phase.UPPFOLJNING)  # time for the next period
    page = new_page(viewport)
    log_in(page, live, users["coordinator"])
    page.goto(evaluation_url(live, collaboration))
    expect(page.get_by_role("heading", name="Utvärdering", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Indikatorer: resultat mot nuläge och mål")).to_be_visible()
    expect(page.get_by_role("row", name="Besökare per vecka")).to_contain_text("50 %")
    expect(page.get_by_role("link", name="Till nästa period")).to_be_visible()
    check_page(page, f"evaluation-full-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_evaluation_page_empty(world, new_page, viewport):
    live, collaboration, users = world
    page = new_page(viewport)
    log_in(page, live, users["coordinator"])
    page.goto(evaluation_url(live, collaboration))
    expect(page.get_by_text("Inga indikatorer än.")).to_be_visible()
    check_page(page, f"evaluation-empty-{viewport}")


def test_adding_the_section_works_without_javascript(world, browser):
    live, collaboration, users = world
    ChecklistSection.objects.filter(collaboration=collaboration, section__slug="mucf-utvardera").update(active=False)
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live, users["coordinator"])
        page.goto(evaluation_url(live, collaboration))
        page.get_by_role("button", name="Lägg till Utvärdera och omformulera i checklistorna").click()
        expect(page.get_by_text("Utvärdera och omformulera är tillagd.")).to_be_visible()
        assert ChecklistSection.objects.get(collaboration=collaboration, section__slug="mucf-utvardera").active
        page.goto(evaluation_url(live, collaboration))
        expect(page.get_by_role("link", name="Svara i checklistan").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_import_a_broken_file_then_a_good_one(world, new_page, viewport, tmp_path):
    live, collaboration, users = world
    build_everything(collaboration, users)
    document = transfer.export_collaboration(collaboration)
    good = tmp_path / "samverkan.json"
    good.write_text(json.dumps(document), encoding="utf-8")
    document["risks"][0]["probability"] = 6
    document["checklists"][0]["section"] = "finns-inte"
    broken = tmp_path / "trasig.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    olle = make_user("Olle Utomstående")
    # The importer joins the party of an organisation they act for (issue 13): Olle is a colleague at
    # Exempelkommun, not in the collaboration itself.
    join_organisation(olle, collaboration.parties.get(is_coordinating=True).organisation)
    page = new_page(viewport)
    log_in(page, live, olle)
    page.goto(live.url + reverse("projects:collaboration_import"))
    check_page(page, f"import-{viewport}")
    page.get_by_label("Filen som Samverkan har gett er").set_input_files(str(broken))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_role("alert")).to_contain_text("risks[0].probability: måste vara 1–5.")
    expect(page.get_by_role("alert")).to_contain_text("”finns-inte” finns inte i guiderna.")
    check_page(page, f"import-errors-{viewport}")
    assert not Collaboration.objects.filter(title__endswith="(importerad)").exists()

    page.get_by_label("Filen som Samverkan har gett er").set_input_files(str(good))
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_text("är importerad. Du är samordnare för Exempelkommun.")).to_be_visible()
    new = Collaboration.objects.get(title="Mötesplats för unga (importerad)")
    assert page.url.endswith(reverse("projects:people", args=[new.pk]))
