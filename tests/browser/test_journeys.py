"""The core loop as its two main users live it (issue 16, "Check it as the users would").

Bo, a board member of Föreningen Gemenskap, on his phone in the evening: he logs in, sees what waits for
him, answers his party's next question, comments on one, reads the agreement locked for decision and
records his association's decision. Anna, the municipal official and coordinator, at her desk: she
logs in, follows the overview's next step and the tab menu, locks the agreement for decision, records
the municipality's decision, sees the collaboration move into Genomförande and downloads the decided
PDF. Every page on the way is checked with axe, for CSP violations and sideways scrolling, and
screenshotted (test-artifacts/screenshots/journey-*)."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementVersion
from projects.checklists import services as checklists
from projects.checklists.models import Answer, Comment
from projects.core.models import Collaboration, Phase
from tests.browser.conftest import check_page
from tests.browser.test_agreement import ARTIFACTS, FILLER, FORENING_REF, KOMMUN_REF, SAVED, decide, iop_agreement
from tests.factories import PASSWORD, collaboration_with_people
from tests.guide_content import load_guides

expect = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'").expect
pypdf = pytest.importorskip("pypdf", reason="pip install -e '.[test]'")

PREPARE_PAGES = ["Checklistor", "Principer", "Samverkansform", "Rättslig genomgång", "Faser", "Intressenter"]


@pytest.fixture
def world(live):
    """Guide content; Exempelkommun (Anna, coordinator) and Föreningen Gemenskap (Bo, editor, the
    party's decision recorder since it has no coordinator; Cecilia, reader); the default checklists
    and an IOP agreement with every section written."""
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    checklists.ensure_default_sections(collaboration)
    world = SimpleNamespace(
        live=live,
        collaboration=collaboration,
        anna=users["coordinator"],
        bo=users["editor"],
        forening=users["editor"].memberships.get().party,
    )
    world.agreement = iop_agreement(world)
    return world


def log_in_with_the_form(page, world, user):
    """Log in as a person does: the login form, then the dashboard."""
    page.goto(world.live.url + reverse("account_login"))
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1, name="Mina samverkan")).to_be_visible()


def waiting_card(page):
    return page.locator("section.todo").filter(has=page.get_by_role("heading", name=re.compile("^Väntar på dig")))


def compact_menu(page):
    """The collaboration's menu on a phone: one <details> ("Sidor"), closed until tapped."""
    return page.get_by_role("navigation", name="Samverkan").locator("details.collab-nav__compact")


def go_by_compact_menu(page, label):
    menu = compact_menu(page)
    menu.locator("summary").click()
    menu.get_by_role("link", name=label, exact=True).click()


def decision_form(page):
    return page.locator("section[aria-labelledby=decide-heading]")


def test_the_board_members_evening_on_the_phone(world, new_page):
    """Bo, on a 390 px phone, with the agreement locked for decision by Anna beforehand."""
    version = agreements.freeze(world.agreement, user=world.anna)
    bo = new_page("phone")

    # He logs in and sees what waits for him: his party's questions and his party's decision.
    log_in_with_the_form(bo, world, world.bo)
    waiting = waiting_card(bo)
    expect(waiting).to_be_visible()
    decide_item = waiting.get_by_role("link", name="Registrera din parts beslut om överenskommelsen, version 1")
    expect(decide_item).to_be_visible()
    questions_item = waiting.get_by_role("link", name=re.compile(r"^Svara på \d+ frågor? för Föreningen Gemenskap"))
    expect(questions_item).to_be_visible()
    check_page(bo, "journey-bo-dashboard")

    # He opens the collaboration; on the phone the menu is one compact "Sidor" menu, closed.
    waiting.get_by_role("link", name=world.collaboration.title).click()
    expect(bo.get_by_role("heading", level=1, name=world.collaboration.title)).to_be_visible()
    nav = bo.get_by_role("navigation", name="Samverkan")
    menu = compact_menu(bo)
    expect(menu.locator("summary")).to_be_visible()
    expect(menu.locator("summary")).to_contain_text("Sidor")
    expect(nav.locator(".collab-nav__tabs")).to_be_hidden()
    expect(menu.get_by_role("link", name="Checklistor")).to_be_hidden()
    check_page(bo, "journey-bo-overview")

    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Checklistor")).to_be_visible()
    check_page(bo, "journey-bo-menu-open")
    menu.get_by_role("link", name="Checklistor").click()

    # The checklists show his party's questions by default, with the next one not answered.
    expect(bo.get_by_role("heading", level=2, name="Checklistor", exact=True)).to_be_visible()
    scope = bo.get_by_role("navigation", name="Vilka frågor som visas")
    expect(scope.get_by_role("link", name="Min parts frågor")).to_have_attribute("aria-current", "page")
    expect(scope.get_by_role("link", name="Alla frågor")).not_to_have_attribute("aria-current", "page")
    expect(bo.get_by_text("Avsnitten som Föreningen Gemenskap svarar på")).to_be_visible()
    expect(compact_menu(bo).locator("summary")).to_contain_text("Förbereda › Checklistor")
    next_card = bo.locator(".next-open")
    left_before = int(re.search(r"(\d+) frågor? är inte klar", next_card.inner_text()).group(1))
    check_page(bo, "journey-bo-checklists")

    next_card.get_by_role("link", name="Nästa obesvarade fråga").click()
    expect(bo).to_have_url(re.compile(r"/checklistor/\d+/.*#q-\d+$"))
    item_pk = int(bo.url.rsplit("#q-", 1)[1])
    question = bo.locator(f"#q-{item_pk}")
    expect(question).to_be_in_viewport()
    check_page(bo, "journey-bo-question")

    # He answers it; the answer saves itself as he types.
    field = question.locator("textarea[id^='text-']")
    key = field.get_attribute("id").removeprefix("text-")
    answer_text = "Föreningen har tolv aktiva ledare och kan ta tre kvällar i veckan."
    field.click()
    field.press_sequentially(answer_text, delay=5)
    expect(question.locator(f"#meta-{key}")).to_contain_text(SAVED, timeout=15_000)
    answer = Answer.objects.get(collaboration=world.collaboration, item_id=item_pk)
    assert answer.text == answer_text and answer.updated_by == world.bo
    # Done when he says so: the status, then the count of what is left goes down by one.
    status = question.locator(f"#status-{key}")
    done_status = "Överens" if answer.party_id else "Ej aktuell"
    status.select_option(label=done_status)
    expect(question.locator(f"#meta-{key}")).to_contain_text(SAVED)
    check_page(bo, "journey-bo-answered")

    # He writes a comment on the question.
    question.get_by_role("link", name="0 kommentarer").click()
    expect(bo.get_by_role("heading", name="Kommentarer")).to_be_visible()
    check_page(bo, "journey-bo-comments")
    comment = "Kan vi ta det här på styrelsemötet på torsdag?"
    bo.get_by_label("Kommentar").fill(comment)
    bo.get_by_role("button", name="Skicka kommentar").click()
    thread = bo.locator("#thread")
    expect(thread).to_contain_text(comment)
    expect(thread).to_contain_text("Bo Berg, Föreningen Gemenskap")
    assert Comment.objects.filter(item_id=item_pk, author=world.bo, text=comment).exists()
    check_page(bo, "journey-bo-commented")

    # Back in the checklists, one question fewer is left.
    go_by_compact_menu(bo, "Checklistor")
    expect(bo.locator(".next-open")).to_contain_text(re.compile(rf"\b{left_before - 1} frågor? är inte klar"))

    # He reads the agreement, locked for decision: the text first, the decision form after it.
    go_by_compact_menu(bo, "Överenskommelse")
    expect(bo.get_by_text("Version 1 är låst för beslut.")).to_be_visible()
    expect(bo.locator("textarea[id^='text-s']")).to_have_count(0)
    last_section = bo.locator("section[id^=sec-]").last
    expect(last_section).to_contain_text(FILLER)
    check_page(bo, "journey-bo-agreement")

    bo.get_by_role("link", name="Läs texten och registrera sedan beslutet längst ned").click()
    form = decision_form(bo)
    heading = form.get_by_role("heading", name="Registrera beslutet för Föreningen Gemenskap om version 1")
    expect(heading).to_be_in_viewport()
    assert last_section.bounding_box()["y"] < form.bounding_box()["y"]

    # He sends it empty: the summary at the top takes focus and says what to write in each field.
    form.get_by_role("button", name="Registrera beslutet").click()
    summary = bo.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert summary.bounding_box()["y"] < bo.locator("section[id^=sec-]").first.bounding_box()["y"]  # at the top
    expect(summary).to_contain_text("Rätta de här 4 sakerna för att gå vidare:")
    expect(summary.get_by_role("link")).to_have_text(
        ["Beslut", "Beslutande organ eller firmatecknare", "Beslutsdatum", "Beslutsreferens"]
    )
    expect(summary).to_contain_text("Välj om parten godkände eller avslog överenskommelsen.")
    expect(summary).to_contain_text("Skriv vilket organ som fattade beslutet")
    expect(bo.get_by_text("Detta fält måste fyllas i.")).to_have_count(0)
    form = decision_form(bo)
    expect(form.get_by_text("Skriv datumet för beslutet, till exempel 2026-11-20.")).to_be_visible()
    check_page(bo, "journey-bo-decision-errors")

    # The summary's link takes him to the field; he records the decision.
    summary.get_by_role("link", name="Beslutande organ eller firmatecknare").click()
    expect(form.get_by_label("Beslutande organ eller firmatecknare")).to_be_in_viewport()
    decide(bo, body="Styrelsen", on="2026-11-18", reference=FORENING_REF)
    expect(decision_form(bo)).to_have_count(0)  # a party decides once
    round_ = bo.locator("#decision")
    expect(round_).to_contain_text(f"Föreningen Gemenskap: godkänd · Styrelsen 2026-11-18 · {FORENING_REF}")
    expect(round_).to_contain_text("Exempelkommun")
    decision = version.decisions.get()
    assert (decision.party, decision.approved, decision.reference) == (world.forening, True, FORENING_REF)
    check_page(bo, "journey-bo-decided")

    # What waited is gone from his list.
    bo.goto(world.live.url + reverse("projects:dashboard"))
    expect(waiting_card(bo).get_by_role("link", name=re.compile("Registrera din parts beslut"))).to_have_count(0)
    check_page(bo, "journey-bo-dashboard-after")


def test_the_officials_day_at_the_desk(world, new_page):
    """Anna, coordinator, at 1280 px: from the dashboard through the tab menu to the decided agreement."""
    anna = new_page("desktop")
    log_in_with_the_form(anna, world, world.anna)
    waiting = waiting_card(anna)
    expect(waiting).to_be_visible()
    expect(waiting.get_by_role("link", name=re.compile(r"^Svara på \d+ frågor? för Exempelkommun"))).to_be_visible()
    check_page(anna, "journey-anna-dashboard")

    # The overview and its next step: write the agreement and lock a version for decision.
    anna.get_by_role("main").get_by_role("link", name=world.collaboration.title).first.click()
    expect(anna.get_by_role("heading", level=1, name=world.collaboration.title)).to_be_visible()
    nav = anna.get_by_role("navigation", name="Samverkan")
    tabs = nav.locator(".collab-nav__tabs")
    expect(tabs).to_be_visible()
    expect(compact_menu(anna)).to_be_hidden()
    expect(tabs.get_by_role("link", name="Översikt")).to_have_attribute("aria-current", "page")
    next_step = anna.locator("section.next-step")
    expect(next_step.locator("[aria-current=step]")).to_have_text("Skriv")
    step_link = next_step.get_by_role(
        "link", name="Skriv överenskommelsen tillsammans och lås en version för beslut när den är klar."
    )
    expect(step_link).to_be_visible()
    expect(anna.locator("#phase-card-heading + p")).to_contain_text("Nuvarande fas: Agendasättning")
    check_page(anna, "journey-anna-overview")

    # The tab menu: Förbereda › Checklistor, Följa upp › Möten, Parter och personer.
    # Förbereda opens its first page, Checklistor: both the tab and the page beneath are marked.
    tabs.get_by_role("link", name="Förbereda").click()
    pages = nav.locator(".collab-nav__pages")
    expect(pages.get_by_role("link")).to_have_text(PREPARE_PAGES)
    expect(anna.get_by_role("heading", level=2, name="Checklistor", exact=True)).to_be_visible()
    expect(pages.get_by_role("link", name="Checklistor")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Förbereda")).to_have_attribute("aria-current", "page")
    expect(anna.get_by_text("Avsnitten som Exempelkommun svarar på")).to_be_visible()
    check_page(anna, "journey-anna-checklists")

    # Följa upp › Möten, one level down: the tab says where she is, the page link which page.
    tabs.get_by_role("link", name="Följa upp").click()
    pages.get_by_role("link", name="Möten").click()
    expect(pages.get_by_role("link", name="Möten")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Följa upp")).to_have_attribute("aria-current", "true")
    expect(anna.get_by_role("heading", level=2, name="Möten", exact=True)).to_be_visible()
    check_page(anna, "journey-anna-meetings")

    tabs.get_by_role("link", name="Parter och personer").click()
    expect(tabs.get_by_role("link", name="Parter och personer")).to_have_attribute("aria-current", "page")
    expect(anna.get_by_role("main")).to_contain_text("Föreningen Gemenskap")
    check_page(anna, "journey-anna-parties")

    # Back to the overview, and on through its next step to the agreement.
    tabs.get_by_role("link", name="Översikt").click()
    next_step.get_by_role("link").click()
    expect(tabs.get_by_role("link", name="Överenskommelse")).to_have_attribute("aria-current", "page")
    lock = anna.get_by_role("button", name="Lås versionen för beslut")
    expect(lock).to_be_visible()
    check_page(anna, "journey-anna-agreement-draft")

    # She locks the version for decision.
    lock.click()
    expect(anna.get_by_text("Version 1 är låst för beslut.").first).to_be_visible()
    expect(lock).to_have_count(0)
    version = world.agreement.versions.get()
    assert version.status == AgreementVersion.Status.FOR_DECISION
    check_page(anna, "journey-anna-agreement-locked")

    # Bo's board decided the same evening (recorded by him, in the database here).
    agreements.record_decision(
        version,
        party=world.forening,
        user=world.bo,
        approved=True,
        body="Styrelsen",
        decided_on=date(2026, 11, 18),
        reference=FORENING_REF,
    )

    # She records the municipality's decision: every party has decided.
    anna.reload()
    form = decision_form(anna)
    expect(form.get_by_role("heading", name="Registrera beslutet för Exempelkommun om version 1")).to_be_visible()
    decide(anna, body="Kommunstyrelsen", on="2026-11-20", reference=KOMMUN_REF)
    decided = anna.locator(".alert[role=status]").filter(has_text="beslutad av alla parter")
    expect(decided).to_contain_text("Version 1 är beslutad av alla parter och låst.")
    trail = anna.locator("section[aria-labelledby=trail-heading]")
    expect(trail).to_contain_text(f"Exempelkommun: godkänd · Kommunstyrelsen 2026-11-20 · {KOMMUN_REF}")
    expect(trail).to_contain_text(f"Föreningen Gemenskap: godkänd · Styrelsen 2026-11-18 · {FORENING_REF}")
    world.agreement.refresh_from_db()
    assert world.agreement.state == Agreement.State.DECIDED
    check_page(anna, "journey-anna-agreement-decided")

    # The collaboration is now in Genomförande, and the next step is to follow it up.
    tabs.get_by_role("link", name="Översikt").click()
    expect(anna.locator("#phase-card-heading + p")).to_contain_text("Nuvarande fas: Genomförande")
    expect(next_step.locator("[aria-current=step]")).to_have_text("Följ upp")
    expect(next_step).to_contain_text("Överenskommelsen är beslutad.")
    assert Collaboration.objects.get(pk=world.collaboration.pk).phase == Phase.GENOMFORANDE
    check_page(anna, "journey-anna-overview-after")

    # The events page tells the story.
    pages.get_by_role("link", name="Händelser").click()
    events = anna.get_by_role("main").locator(".list-events")
    expect(events).to_contain_text("Överenskommelse beslutad av alla parter")
    expect(events).to_contain_text(KOMMUN_REF)
    expect(events).to_contain_text("Genomförande")
    check_page(anna, "journey-anna-events")

    # She downloads the decided PDF for the records.
    tabs.get_by_role("link", name="Överenskommelse").click()
    with anna.expect_download() as info:
        anna.get_by_role("link", name="Ladda ner den beslutade överenskommelsen som PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "journey-anna-decided.pdf"
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    reader = pypdf.PdfReader(pdf_path)
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert KOMMUN_REF in pdf_text and FORENING_REF in pdf_text
    assert "UTKAST" not in pdf_text
