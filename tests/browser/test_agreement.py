"""The agreement in a real browser: a coordinator starts it from the IOP template and writes a section
(autosave), freezes a version, each party records its decision (one at phone width), and the decided
PDF is downloaded and read; a new draft says which decisions it withdraws before it does so; and the
agreement, history, comments and compare pages are checked with axe at desktop and phone width."""

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementSection, AgreementVersion
from tests.browser.conftest import check_page, log_in
from tests.factories import AgreementCommentFactory, collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
pypdf = pytest.importorskip("pypdf", reason="pip install -e '.[test]'")
expect = sync_api.expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAVED = re.compile(r"Sparat \d\d:\d\d")
IOP = "Idéburet Offentligt Partnerskap"
KOMMUN_REF = "KS 2026/123 § 45"
FORENING_REF = "Styrelseprotokoll 2026-11-18 § 7"
FILLER = "Kommunen upplåter lokalen på torget och föreningen leder verksamheten tre kvällar i veckan."


@pytest.fixture
def world(live):
    """Guide content, Exempelkommun (Anna, coordinator) and Föreningen Gemenskap (Bo, editor;
    Cecilia, reader)."""
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
        kommun=users["coordinator"].memberships.get().party,
        forening=users["editor"].memberships.get().party,
    )


def url(world, name, *args):
    return world.live.url + reverse(f"projects:{name}", args=[world.collaboration.pk, *args])


def open_page(new_page, world, user, name="agreement", *args, viewport="desktop"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(url(world, name, *args))
    return page


def iop_agreement(world):
    """An IOP agreement started in the database, every section written."""
    agreement = agreements.create_agreement(
        world.collaboration, user=world.anna, form=CollaborationForm.objects.get(slug="iop")
    )
    AgreementSection.objects.filter(agreement=agreement).update(text=FILLER)
    return agreement


def frozen_notice(page):
    """The notice that a version is locked for decision (not the flash message that says the same after
    locking)."""
    return page.locator(".alert[role=status]").filter(has=page.get_by_role("link", name="Starta ett nytt utkast"))


def decide(page, *, body, on, reference):
    """Record an approval through the decision form on the agreement page."""
    form = page.locator("section[aria-labelledby=decide-heading]")
    form.get_by_label("Godkänd", exact=True).check()
    form.get_by_label("Beslutande organ eller firmatecknare").fill(body)
    form.get_by_label("Beslutsdatum").fill(on)
    form.get_by_label("Beslutsreferens").fill(reference)
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_text("Beslutet är registrerat.")).to_be_visible()


def test_two_parties_decide_and_download_the_pdf(world, new_page):
    # Anna starts the agreement from the IOP template.
    anna = open_page(new_page, world, world.anna)
    anna.get_by_label("Samverkansform").select_option(label=IOP)
    anna.get_by_role("button", name="Påbörja överenskommelsen").click()
    expect(anna.get_by_text("Överenskommelsen är påbörjad.")).to_be_visible()
    agreement = Agreement.objects.get(collaboration=world.collaboration)
    expect(anna.get_by_role("heading", name=agreement.title, exact=True)).to_be_visible()
    expect(anna.get_by_text(f"Samverkansform: {IOP}")).to_be_visible()
    assert agreement.form.slug == "iop" and agreement.state == Agreement.State.DRAFT
    check_page(anna, "agreement-started")

    # Every section but one is written in the database; Anna writes the last one in the browser.
    typed = agreement.sections.get(key="iop-rubrik-bakgrund")
    agreement.sections.exclude(pk=typed.pk).update(text=FILLER)
    anna.reload()
    text = "Unga i Centrum saknar en mötesplats på kvällarna; kommunen och föreningen ordnar en tillsammans."
    field = anna.locator(f"#text-s{typed.pk}")
    field.click()
    field.press_sequentially(text, delay=5)
    expect(anna.locator(f"#meta-s{typed.pk}")).to_contain_text(SAVED, timeout=15_000)
    typed.refresh_from_db()
    assert (typed.text, typed.version, typed.updated_by) == (text, 1, world.anna)

    # She locks version 1 for decision: the text is locked and the page says so, without the hash.
    anna.get_by_role("button", name="Lås versionen för beslut").click()
    notice = frozen_notice(anna)
    expect(notice).to_contain_text("Version 1 är låst för beslut.")
    expect(notice.get_by_role("link", name="Starta ett nytt utkast")).to_be_visible()
    expect(anna.locator("textarea[id^='text-s']")).to_have_count(0)
    expect(anna.get_by_role("button", name="Lås versionen för beslut")).to_have_count(0)
    expect(anna.get_by_role("link", name="Ladda ner utkastet som PDF")).to_have_count(0)
    expect(anna.get_by_role("heading", name="Registrera beslutet för Exempelkommun om version 1")).to_be_visible()
    check_page(anna, "agreement-frozen")

    decide(anna, body="Kommunstyrelsen", on="2026-11-12", reference=KOMMUN_REF)
    trail = anna.locator("section[aria-labelledby=trail-heading]")
    expect(trail).to_contain_text(f"Exempelkommun: godkänd · Kommunstyrelsen 2026-11-12 · {KOMMUN_REF}")
    expect(anna.locator("#decide-heading")).to_have_count(0)  # a party decides once

    # Bo, on his phone, records Föreningen Gemenskap's decision: the version is decided and locked.
    bo = open_page(new_page, world, world.bo, viewport="phone")
    heading = bo.get_by_role("heading", name="Registrera beslutet för Föreningen Gemenskap om version 1")
    expect(heading).to_be_visible()
    decide(bo, body="Styrelsen", on="2026-11-18", reference=FORENING_REF)
    decided = bo.locator(".alert[role=status]").filter(has_text="beslutad av alla parter")
    expect(decided).to_contain_text("Version 1 är beslutad av alla parter och låst.")
    expect(bo.locator("#decide-heading")).to_have_count(0)
    expect(bo.locator("section[aria-labelledby=trail-heading]")).to_contain_text(FORENING_REF)
    agreement.refresh_from_db()
    version = agreement.versions.get()
    assert agreement.state == Agreement.State.DECIDED and version.status == AgreementVersion.Status.DECIDED
    check_page(bo, "agreement-decided")

    # He downloads the decided PDF: both decisions are in it, with page numbers, and no draft mark.
    with bo.expect_download() as info:
        decided.get_by_role("link", name="Ladda ner den beslutade överenskommelsen som PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(f"-v1-{version.short_hash}.pdf"), download.suggested_filename
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "agreement-decided.pdf"
    download.save_as(pdf_path)
    reader = pypdf.PdfReader(pdf_path)
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # table cells wrap
    assert KOMMUN_REF in pdf_text and FORENING_REF in pdf_text
    assert "Sida 1 av" in pdf_text or "Sida 2 av" in pdf_text, pdf_text[:500]
    assert "UTKAST" not in pdf_text
    assert text in pdf_text  # the section written in the browser
    version.refresh_from_db()
    assert bytes(version.pdf) == pdf_path.read_bytes()  # the decided PDF is made once and kept

    # The first pages as images, for a person to look at.
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        for old in ARTIFACTS.glob("agreement-decided-*.png"):
            old.unlink()
        args = [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf_path), str(ARTIFACTS / "agreement-decided")]
        subprocess.run(args, check=True, timeout=30)
        assert list(ARTIFACTS.glob("agreement-decided-*.png"))


def test_new_draft_warns_before_withdrawing(world, new_page):
    agreement = iop_agreement(world)
    version = agreements.freeze(agreement, user=world.anna)
    agreements.record_decision(
        version,
        party=world.kommun,
        user=world.anna,
        approved=True,
        body="Kommunstyrelsen",
        decided_on=date(2026, 11, 12),
        reference=KOMMUN_REF,
    )
    anna = open_page(new_page, world, world.anna)
    notice = frozen_notice(anna)
    notice.get_by_role("link", name="Starta ett nytt utkast").click()

    # The confirmation page says which decision the new draft withdraws; nothing has happened yet.
    expect(anna.get_by_role("heading", name="Starta ett nytt utkast?")).to_be_visible()
    expect(anna.get_by_text("De här besluten återkallas:")).to_be_visible()
    expect(anna.get_by_role("listitem").filter(has_text=KOMMUN_REF)).to_have_text(
        f"Exempelkommun: godkänd ({KOMMUN_REF})"
    )
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.FOR_DECISION
    check_page(anna, "agreement-redraft")

    anna.get_by_role("button", name="Starta ett nytt utkast").click()
    expect(anna.get_by_text("Ett nytt utkast är startat. Besluten från Exempelkommun är återkallade.")).to_be_visible()
    expect(anna.get_by_role("button", name="Lås versionen för beslut")).to_be_visible()
    expect(anna.locator("textarea[id^='text-s']").first).to_be_editable()
    expect(anna.locator("section[aria-labelledby=trail-heading]")).to_contain_text(
        f"Version 1 · {AgreementVersion.Status.WITHDRAWN.label}"
    )
    agreement.refresh_from_db()
    version.refresh_from_db()
    assert agreement.state == Agreement.State.DRAFT and version.status == AgreementVersion.Status.WITHDRAWN

    # Everyone in the collaboration sees it in the activity list.
    anna.goto(url(world, "events"))
    event = anna.get_by_role("listitem").filter(has_text="Nytt utkast; tidigare beslut återkallade")
    expect(event).to_contain_text(agreement.title)
    expect(event).to_contain_text("(Exempelkommun)")
    expect(event).to_contain_text("Anna Andersson")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_agreement_pages_accessible(world, new_page, viewport):
    agreement = iop_agreement(world)
    agreements.freeze(agreement, user=world.anna)
    agreements.new_draft(agreement, user=world.anna)
    section = agreement.sections.get(key="iop-rubrik-bakgrund")
    first = FILLER + "\n\nKommunen samordnar."
    result = agreements.save_section(section, user=world.anna, text=first, base_version=0)
    assert result.saved
    second = FILLER.replace("tre kvällar", "fyra kvällar") + "\n\nKommunen samordnar, föreningen leder kvällarna."
    result = agreements.save_section(result.obj, user=world.bo, text=second, base_version=1)
    assert result.saved
    section = result.obj
    AgreementCommentFactory(
        section=section, party=world.forening, author=world.bo, text="Ska vi skriva in vem som har nycklarna?"
    )

    anna = open_page(new_page, world, world.anna, viewport=viewport)
    expect(anna.locator(f"#text-s{section.pk}")).to_have_value(second)
    expect(anna.locator(f"#sec-{section.pk}")).to_contain_text("1 kommentar")
    expect(anna.locator(f"#meta-s{section.pk}")).to_contain_text("Senast ändrat av Bo Berg")
    check_page(anna, "agreement-draft")

    anna.goto(url(world, "agreement_section_history", section.pk))
    expect(anna.get_by_role("heading", name=f"Historik för ”{section.title}”")).to_be_visible()
    expect(anna.get_by_role("button", name="Återställ version 1")).to_be_visible()
    expect(anna.get_by_role("main").locator("ol > li")).to_have_count(2)  # both revisions
    check_page(anna, "agreement-section-history")

    anna.goto(url(world, "agreement_section_comments", section.pk))
    expect(anna.get_by_role("heading", name=f"Kommentarer till ”{section.title}”")).to_be_visible()
    expect(anna.get_by_text("Ska vi skriva in vem som har nycklarna?")).to_be_visible()
    check_page(anna, "agreement-section-comments")

    anna.goto(url(world, "agreement_compare") + "?fran=1&till=utkast")
    expect(anna.get_by_role("heading", name="Jämför versioner")).to_be_visible()
    changed = anna.locator("section.card").filter(has=anna.get_by_role("heading", name=section.title))
    expect(changed).to_contain_text("ändrat")
    expect(changed.locator("del")).to_have_text("tre")
    expect(changed.locator("ins")).to_have_text(["fyra", re.compile(r"Kommunen samordnar, föreningen leder kvällarna")])
    unchanged = anna.locator("section.card").filter(has_text="oförändrat")
    assert unchanged.count() == agreement.sections.count() - 1
    check_page(anna, "agreement-compare")

    anna.goto(url(world, "agreement_print"))
    expect(anna.get_by_role("link", name="Tillbaka till överenskommelsen")).to_be_visible()
    expect(anna.locator(".draft-banner")).to_have_text("Utkast, inte beslutat")
    check_page(anna, "agreement-print")


def test_an_empty_decision_on_the_phone_says_what_to_write_and_keeps_what_was_typed(world, new_page):
    """Bo, on his phone, sends the decision form with only the body filled in: the page comes back at
    the error summary, which has focus and links to each field; each field says what to write; what
    he typed is still there; and once filled in, the decision is recorded."""
    agreements.freeze(iop_agreement(world), user=world.anna)
    bo = open_page(new_page, world, world.bo, viewport="phone")
    form = bo.locator("section[aria-labelledby=decide-heading]")
    form.get_by_label("Beslutande organ eller firmatecknare").fill("Styrelsen")
    form.get_by_role("button", name="Registrera beslutet").click()

    summary = bo.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_text(["Beslut", "Beslutsdatum", "Beslutsreferens"])
    expect(summary).to_contain_text("Välj om parten godkände eller avslog överenskommelsen.")
    expect(bo.get_by_text("Detta fält måste fyllas i.")).to_have_count(0)
    form = bo.locator("section[aria-labelledby=decide-heading]")
    expect(form.get_by_label("Beslutande organ eller firmatecknare")).to_have_value("Styrelsen")
    expect(form.get_by_text("Skriv datumet för beslutet, till exempel 2026-11-20.")).to_be_visible()
    check_page(bo, "agreement-decision-errors")

    # The summary's link takes him to the field.
    summary.get_by_role("link", name="Beslutsreferens").click()
    expect(form.get_by_label("Beslutsreferens")).to_be_in_viewport()
    form.get_by_label("Beslutsreferens").fill(FORENING_REF)
    form.get_by_label("Godkänd", exact=True).check()
    form.get_by_label("Beslutsdatum").fill("2026-11-18")
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(bo.get_by_text("Beslutet är registrerat.")).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_locked_agreement_and_its_print_view_read_well(world, new_page, viewport):
    """A version locked for decision, read as a board member would: the text before the decision form,
    no sideways scrolling, the hash only under "Tekniska uppgifter"; the print view a page of its own
    width with a way back."""
    version = agreements.freeze(iop_agreement(world), user=world.anna)
    bo = open_page(new_page, world, world.bo, viewport=viewport)
    assert version.short_hash not in bo.locator("main").inner_text()  # what the page shows
    technical = bo.locator("details").filter(has=bo.locator("summary", has_text="Tekniska uppgifter"))
    technical.locator("summary").click()
    expect(technical).to_contain_text(version.content_hash)
    assert version.short_hash in bo.locator("main").inner_text()  # once asked for
    last_section = bo.locator("section[id^=sec-]").last.bounding_box()
    assert last_section["y"] < bo.locator("#decide-heading").bounding_box()["y"]  # read, then decide
    expect(bo.get_by_role("link", name="Ladda ner utkastet som PDF")).to_have_count(0)
    check_page(bo, "agreement-locked")

    bo.get_by_role("link", name="Utskriftsvy").click()
    expect(bo.get_by_role("heading", level=1)).to_contain_text("Överenskommelse")
    expect(bo.locator(".draft-banner")).to_have_text("Låst för beslut, inte beslutad än")
    width = bo.evaluate("() => document.documentElement.clientWidth")
    assert width == bo.viewport_size["width"]  # its own width, not 980 px
    check_page(bo, "agreement-print-locked")
    bo.get_by_role("link", name="Tillbaka till överenskommelsen").click()
    expect(bo.get_by_role("heading", name="Skrivgrupp")).to_be_visible()
