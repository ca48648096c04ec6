"""Choosing a form of collaboration in a real browser: the questionnaire one question at a time with
HTMX (focus and announcement), the same without JavaScript, the result with its quotes and the
financing table, the choice and its consequences, and every page checked with axe at desktop and
phone width."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.form_choice import services as form_choice
from projects.form_choice.models import FormChoice, FormQuestionnaire
from tests.browser.conftest import VIEWPORTS, check_page, log_in, screenshot
from tests.factories import FormQuestionnaireFactory, collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect

# One answer per question, by its label: the civil-society party's initiative, long-term, both contribute.
IOP_ANSWERS = [
    "Göra något tillsammans: driva, utveckla eller finansiera en verksamhet",
    "Nej, det finns ingen marknad eller konkurrens för det här arbetet",
    "Den idéburna partens",
    "Långsiktig: verksamheten ska drivas under en längre tid",
    "Vi definierar den tillsammans",
    "Ja, båda parter bidrar med resurser",
    "Ja",
    "Det pågår",
]


@pytest.fixture
def world(live):
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
    )


def page_url(world, name, *args):
    return world.live.url + reverse(f"projects:{name}", args=[world.collaboration.pk, *args])


def open_as(new_page, world, user, name, *args, viewport="desktop"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(page_url(world, name, *args))
    return page


def test_the_questionnaire_with_htmx_moves_focus_and_announces_each_question(world, new_page):
    page = open_as(new_page, world, world.bo, "form_choice")
    check_page(page, "form-choice-start")
    page.get_by_role("link", name="Börja med frågorna").click()
    expect(page.locator("#question-heading")).to_have_text(str(form_choice.QUESTIONS[0].text))
    check_page(page, "form-choice-question-1")
    for number, label in enumerate(IOP_ANSWERS, start=1):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name=re.compile("^Spara och")).click()
        if number == len(IOP_ANSWERS):
            break
        following = form_choice.QUESTIONS[number]
        expect(page.locator("#question-heading")).to_have_text(str(following.text))
        # Swapped in place: the URL follows, focus is on the new question, the change is announced.
        expect(page).to_have_url(page_url(world, "form_question", number + 1))
        expect(page.locator("#question-heading")).to_be_focused()
        expect(page.locator("#form-question-status")).to_contain_text(f"Fråga {number + 1} av 8")
        expect(page.locator("#form-question-status")).to_contain_text(f"Svaret på fråga {number} är sparat.")
        if number == 2:
            check_page(page, "form-choice-question-3-swapped")
    expect(page).to_have_url(page_url(world, "form_result"))
    answers = FormQuestionnaire.objects.get(collaboration=world.collaboration).answers
    assert len(answers) == 8 and answers["marknad"] == "nej"
    expect(page.locator(".form-result").first.locator("h3")).to_contain_text("Idéburet Offentligt Partnerskap")
    check_page(page, "form-choice-result-editor")


def test_back_with_htmx_and_the_browser_history(world, new_page):
    FormQuestionnaireFactory(collaboration=world.collaboration, answers={"syfte": "gora"})
    page = open_as(new_page, world, world.bo, "form_question", 3)
    page.get_by_role("link", name="Föregående fråga").click()
    expect(page.locator("#question-heading")).to_have_text(str(form_choice.QUESTIONS[1].text))
    expect(page).to_have_url(page_url(world, "form_question", 2))
    page.go_back()
    expect(page.locator("#question-heading")).to_have_text(str(form_choice.QUESTIONS[2].text))


def test_an_unanswered_question_gets_the_message_in_place(world, new_page):
    page = open_as(new_page, world, world.bo, "form_question", 2, viewport="phone")
    # The browser itself asks for a choice (required); without that check the server answers.
    page.evaluate("document.querySelector('#question-card form').noValidate = true")
    page.get_by_role("button", name="Spara och fortsätt").click()
    expect(page.get_by_role("alert")).to_contain_text("Välj ett av alternativen.")
    expect(page).to_have_url(page_url(world, "form_question", 2))
    check_page(page, "form-choice-question-error")


def test_the_questionnaire_without_javascript(world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        log_in(page, world.live, world.bo)
        page.goto(page_url(world, "form_question", 1))
        page.get_by_label(IOP_ANSWERS[0], exact=True).check()
        page.get_by_role("button", name="Spara och fortsätt").click()
        expect(page).to_have_url(page_url(world, "form_question", 2))
        expect(page.locator("#messages")).to_contain_text("Svaret på fråga 1 är sparat.")
        page.get_by_role("link", name="Hoppa över").click()
        expect(page.locator("#question-heading")).to_have_text(str(form_choice.QUESTIONS[2].text))
        screenshot(page, "form-choice-question-nojs")
        page.goto(page_url(world, "form_choice"))
        expect(page.get_by_role("link", name="Fortsätt där ni slutade")).to_have_attribute(
            "href", reverse("projects:form_question", args=[world.collaboration.pk, 2])
        )
        page.get_by_role("button", name="Börja om").click()
        expect(page).to_have_url(page_url(world, "form_question", 1))
        assert FormQuestionnaire.objects.get(collaboration=world.collaboration).answers == {}
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_choosing_and_what_the_choice_gives(world, new_page, viewport):
    answers = dict(zip([q.key for q in form_choice.QUESTIONS], ["gora", "ja", "offentlig", "langsiktig"], strict=False))
    FormQuestionnaireFactory(collaboration=world.collaboration, answers=answers)
    page = open_as(new_page, world, world.anna, "form_result", viewport=viewport)
    expect(page.get_by_text("4 frågor är inte besvarade")).to_be_visible()
    expect(page.locator("blockquote").first).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Verksamheten ersätts fullt ut från det offentliga")
    assert page.locator("input[name=form]:checked").get_attribute("value") == "uppdrag-upphandling"
    check_page(page, f"form-choice-result-{viewport}")
    page.get_by_label(re.compile("^Idéburet Offentligt Partnerskap")).check()
    page.get_by_label("Motivering (frivillig)").fill("Vi vill pröva ett partnerskap trots marknaden.")
    page.get_by_role("button", name="Välj samverkansform").click()
    expect(page).to_have_url(page_url(world, "form_choice"))
    expect(page.locator("#messages")).to_contain_text("4 av frågorna inte är besvarade")
    expect(page.locator("#h-current")).to_be_visible()
    expect(page.get_by_text("Vi vill pröva ett partnerskap trots marknaden.")).to_be_visible()
    expect(page.get_by_text("Föreslagna checklistor för Idéburet Offentligt Partnerskap")).to_be_visible()
    check_page(page, f"form-choice-chosen-{viewport}")
    choice = FormChoice.objects.get(collaboration=world.collaboration)
    assert choice.form.slug == "iop" and choice.answers == answers
    page.get_by_role("button", name=re.compile(r"^Lägg till som checklista\W+Forum, Formulering$")).click()
    expect(page.locator("#messages")).to_contain_text("Formulering är tillagd.")
    page.goto(page_url(world, "form_record", choice.pk))
    expect(page.get_by_role("heading", name="Valet av Idéburet Offentligt Partnerskap")).to_be_visible()
    check_page(page, f"form-choice-record-{viewport}")
    page.goto(world.live.url + reverse("projects:overview", args=[world.collaboration.pk]))
    expect(page.locator("#form-card-heading")).to_be_visible()
    check_page(page, f"form-choice-overview-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_reader_reads_the_questions_and_the_result(world, new_page, viewport):
    FormQuestionnaireFactory(collaboration=world.collaboration, answers={"syfte": "dela", "tillit": "nej"})
    page = open_as(new_page, world, world.cecilia, "form_question", 1, viewport=viewport)
    expect(page.get_by_text("Dela erfarenheter, träffas och skapa samsyn").first).to_be_visible()
    assert page.locator("input[type=radio]").count() == 0
    check_page(page, f"form-choice-question-reader-{viewport}")
    page.goto(page_url(world, "form_result"))
    assert page.locator("input[name=form]").count() == 0
    check_page(page, f"form-choice-result-reader-{viewport}")
    page.goto(page_url(world, "form_choice"))
    check_page(page, f"form-choice-main-reader-{viewport}")
