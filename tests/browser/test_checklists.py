"""The shared checklists in a real browser: two parties answering the same question at once (autosave,
the poll for others' changes, a version conflict and its resolution), a per-party section side by side,
the stepper used by keyboard only, and every checklist page checked with axe at desktop and phone width."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from guides.models import Item
from projects.checklists import services as checklists
from projects.checklists.models import Answer, AnswerStatus, ChecklistSection
from tests.browser.conftest import check_axe, check_page, log_in, screenshot
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect
PlaywrightError = sync_api.Error

SAVED = re.compile(r"Sparat \d\d:\d\d")
FIRST_TEXTAREA = "#section-form .answer textarea[id^='text-']"


@pytest.fixture
def world(live, settings):
    """Guide content, Exempelkommun (Anna, coordinator) and Föreningen Gemenskap (Bo, editor;
    Cecilia, reader), their default checklists, and a poll for others' changes every second."""
    settings.CHECKLIST_POLL_SECONDS = 1  # read per request, so the live server sees it
    load_guides()  # transactional tests start from an empty database
    collaboration, users = collaboration_with_people()
    checklists.ensure_default_sections(collaboration)
    joint = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    per_party = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-resurser")
    return SimpleNamespace(
        live=live,
        collaboration=collaboration,
        anna=users["coordinator"],
        bo=users["editor"],
        cecilia=users["reader"],
        kommun=users["coordinator"].memberships.get().party,
        forening=users["editor"].memberships.get().party,
        joint=joint,
        per_party=per_party,
    )


def stepper_url(world, cs):
    return world.live.url + reverse("projects:checklist_section", args=[world.collaboration.pk, cs.pk])


def open_stepper(new_page, world, user, cs, viewport="desktop"):
    page = new_page(viewport)
    log_in(page, world.live, user)
    page.goto(stepper_url(world, cs))
    expect(page.locator("#section-heading")).to_have_text(cs.section.title)
    return page


def first_question(cs):
    """The first question as the stepper shows it."""
    return cs.section.items.current().filter(kind=Item.Kind.QUESTION).first()


def answer_text(world, item, party=None):
    answer = Answer.objects.filter(collaboration=world.collaboration, item=item, party=party).first()
    return answer.text if answer else None


def test_two_parties_see_each_others_changes(world, new_page):
    anna = open_stepper(new_page, world, world.anna, world.joint, "desktop")
    bo = open_stepper(new_page, world, world.bo, world.joint, "phone")
    item_pk = anna.locator(FIRST_TEXTAREA).first.get_attribute("id").split("-")[1]
    item = Item.objects.get(pk=item_pk)
    key = f"{item.pk}-j"
    assert item == first_question(world.joint)
    check_page(anna, "checklist-joint-live-anna")
    check_page(bo, "checklist-joint-live-bo")

    # Anna writes; the autosave stores it and says so next to the field.
    anna_text = "Vi äger frågan tillsammans: kommunen och föreningen."
    anna_field = anna.locator(f"#text-{key}")
    anna_field.click()
    anna_field.press_sequentially(anna_text, delay=5)
    expect(anna.locator(f"#meta-{key}")).to_contain_text(SAVED, timeout=6_000)
    assert answer_text(world, item) == anna_text

    # Bo's page picks it up with the next poll: the text is in his field and his page says who changed it.
    bo_field = bo.locator(f"#text-{key}")
    expect(bo_field).to_have_value(anna_text, timeout=5_000)
    expect(bo.locator(f"#remote-{key}")).to_contain_text(re.compile(r"Anna Andersson ändrade svaret \d\d:\d\d\."))
    # Anna leaves the field, so that the poll may fill it.
    anna.locator(f"#status-{key}").focus()

    # Bo adds a sentence; Anna sees it likewise.
    addition = " Bo: föreningen tar ansvar för kvällarna."
    bo_field.click()
    bo_field.press("End")
    bo.keyboard.type(addition, delay=5)
    expect(bo.locator(f"#meta-{key}")).to_contain_text(SAVED, timeout=6_000)
    expect(anna_field).to_have_value(anna_text + addition, timeout=5_000)
    expect(anna.locator(f"#remote-{key}")).to_contain_text(re.compile(r"Bo Berg ändrade svaret \d\d:\d\d\."))

    answer = Answer.objects.get(collaboration=world.collaboration, item=item, party=None)
    assert answer.text == anna_text + addition
    assert answer.version == 2 and answer.updated_by == world.bo
    assert answer.status == AnswerStatus.DISCUSSED
    assert list(answer.revisions.order_by("version").values_list("author__full_name", flat=True)) == [
        "Anna Andersson",
        "Bo Berg",
    ]
    check_page(anna, "checklist-joint-live-anna-after")
    check_page(bo, "checklist-joint-live-bo-after")


def test_conflict_shows_both_texts_and_keep_mine_wins(world, new_page, settings):
    settings.CHECKLIST_POLL_SECONDS = 3600  # neither page learns of the other's change by the poll
    anna = open_stepper(new_page, world, world.anna, world.joint, "desktop")
    bo = open_stepper(new_page, world, world.bo, world.joint, "desktop")
    item = first_question(world.joint)
    key = f"{item.pk}-j"

    anna_text = "Kommunen äger lokalfrågan."
    anna.locator(f"#text-{key}").fill(anna_text)
    anna.locator(f"#text-{key}").press("Tab")
    expect(anna.locator(f"#meta-{key}")).to_contain_text(SAVED)

    # Bo writes on top of the version he loaded and leaves the field: his save is refused.
    bo_text = "Föreningen äger verksamheten, kommunen lokalerna."
    bo_field = bo.locator(f"#text-{key}")
    bo_field.fill(bo_text)
    bo_field.press("Tab")
    meta = bo.locator(f"#meta-{key}")
    warning = meta.get_by_role("alert")
    expect(warning).to_contain_text("Anna Andersson sparade en annan text")
    expect(warning).to_contain_text("Deras text:")
    expect(warning.locator("blockquote")).to_have_text(anna_text)
    expect(warning.get_by_role("button", name="Behåll min text")).to_be_visible()
    expect(warning.get_by_role("button", name="Ta deras text")).to_be_visible()
    expect(warning.locator("details summary")).to_have_text("Redigera en sammanslagning")
    expect(bo_field).to_have_value(bo_text)
    assert answer_text(world, item) == anna_text
    screenshot(bo, "checklist-conflict")
    # axe's findings are reported at the end, so that the resolution below is tested regardless.
    problems = [axe_problem(bo, "the stepper with a conflict")]
    warning.locator("details summary").click()  # the merge editor, opened, is also checked
    expect(bo.get_by_label("Sammanslagen text")).to_have_value(f"{anna_text}\n\n{bo_text}")
    problems.append(axe_problem(bo, "the stepper with the merge editor open"))

    warning.get_by_role("button", name="Behåll min text").click()
    expect(meta).to_contain_text(SAVED)
    expect(meta.get_by_role("alert")).to_have_count(0)
    expect(bo_field).to_have_value(bo_text)
    answer = Answer.objects.get(collaboration=world.collaboration, item=item, party=None)
    assert (answer.text, answer.version, answer.updated_by) == (bo_text, 2, world.bo)

    # Anna, who has not seen Bo's text, edits hers: now she has the conflict and takes Bo's text.
    anna_field = anna.locator(f"#text-{key}")
    anna_field.fill(anna_text + " Och nycklarna.")
    anna_field.press("Tab")
    anna_warning = anna.locator(f"#meta-{key}").get_by_role("alert")
    expect(anna_warning.locator("blockquote")).to_have_text(bo_text)
    expect(anna_warning).to_contain_text("Bo Berg sparade en annan text")
    anna_warning.get_by_role("button", name="Ta deras text").click()
    expect(anna_field).to_have_value(bo_text)
    expect(anna_field).to_be_focused()
    expect(anna.locator(f"#meta-{key}")).to_contain_text("Deras text är inläst i fältet.")
    expect(anna.locator(f"#meta-{key}").get_by_role("alert")).to_have_count(0)
    # Her next edit is based on Bo's version and saves without a conflict.
    anna_field.press("End")
    anna.keyboard.type(" Och nycklarna.")
    anna_field.press("Tab")
    expect(anna.locator(f"#meta-{key}")).to_contain_text(SAVED)
    answer.refresh_from_db()
    assert (answer.text, answer.version) == (bo_text + " Och nycklarna.", 3)
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def axe_problem(page, label):
    """check_axe's report as a string (None when the page passes), to be asserted later."""
    try:
        check_axe(page, label)
    except AssertionError as exc:
        return str(exc)
    return None


def test_per_party_answers_side_by_side(world, new_page):
    item = first_question(world.per_party)
    kommun_text = "Kommunen bidrar med lokal och en fritidsledare."
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=world.kommun,
        user=world.anna,
        text=kommun_text,
        status=AnswerStatus.DISCUSSED,
        base_version=0,
    )
    bo = open_stepper(new_page, world, world.bo, world.per_party, "desktop")
    question = bo.locator(f"#q-{item.pk}")
    expect(question.get_by_text("Svar från Exempelkommun")).to_be_visible()
    expect(question.get_by_text("Svar från Föreningen Gemenskap")).to_be_visible()

    # Exempelkommun's answer: shown, read-only, not a field at all.
    theirs = bo.locator(f"#text-{item.pk}-{world.kommun.pk}")
    expect(theirs).to_have_text(kommun_text)
    assert theirs.evaluate("el => el.tagName") == "DIV"
    expect(question.locator(f"textarea#text-{item.pk}-{world.kommun.pk}")).to_have_count(0)
    expect(question.locator(f"#status-{item.pk}-{world.kommun.pk}")).to_have_count(0)
    with pytest.raises(PlaywrightError):
        theirs.fill("Bo försöker skriva här", timeout=1_000)
    expect(theirs).to_have_text(kommun_text)

    # His own party's answer: an editable field beside it (on a wide screen).
    mine = question.get_by_label("Svar från Föreningen Gemenskap")
    expect(mine).to_be_editable()
    assert mine.evaluate("el => el.tagName") == "TEXTAREA"
    box_theirs, box_mine = theirs.bounding_box(), mine.bounding_box()
    assert box_mine["x"] > box_theirs["x"] + box_theirs["width"] - 1, "the two answers are not side by side"
    mine.fill("Ideella ledare två kvällar i veckan.")
    mine.press("Tab")
    expect(bo.locator(f"#meta-{item.pk}-{world.forening.pk}")).to_contain_text(SAVED)
    assert answer_text(world, item, world.forening) == "Ideella ledare två kvällar i veckan."
    assert answer_text(world, item, world.kommun) == kommun_text

    # Anna changes Exempelkommun's answer: Bo's read-only copy follows by the poll.
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=world.kommun,
        user=world.anna,
        text=kommun_text + " Även på lördagar.",
        status=AnswerStatus.DISCUSSED,
        base_version=1,
    )
    expect(theirs).to_have_text(kommun_text + " Även på lördagar.", timeout=5_000)
    expect(bo.locator(f"#remote-{item.pk}-{world.kommun.pk}")).to_contain_text("Anna Andersson ändrade svaret")
    check_page(bo, "checklist-per-party-bo")


def test_stepper_by_keyboard_only(world, new_page):
    bo = open_stepper(new_page, world, world.bo, world.joint, "desktop")
    first = bo.locator(FIRST_TEXTAREA).first
    key = first.get_attribute("id").removeprefix("text-")
    item = Item.objects.get(pk=key.split("-")[0])
    is_first = f"document.activeElement && document.activeElement.id === 'text-{key}'"

    bo.keyboard.press("Tab")
    expect(bo.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    bo.keyboard.press("Enter")
    expect(bo.locator("main#main")).to_be_focused()
    for _ in range(40):
        bo.keyboard.press("Tab")
        if bo.evaluate(is_first):
            break
    else:
        pytest.fail(f"40 presses of Tab did not reach the first answer; focus is on {active(bo)}")

    text = "Alla parter äger frågan; kommunen samordnar."
    bo.keyboard.type(text, delay=5)
    bo.keyboard.press("Tab")  # leaving the field saves it
    expect(bo.locator(f"#meta-{key}")).to_contain_text(SAVED)
    status = bo.locator(f"#status-{key}")
    expect(status).to_be_focused()  # not lost to <body> when the status select is swapped in
    expect(status).to_have_value(AnswerStatus.DISCUSSED)
    assert answer_text(world, item) == text
    bo.wait_for_timeout(2_000)  # the typing's own delayed autosave has run as well
    expect(status).to_be_focused()

    next_link = bo.get_by_role("navigation", name="Föregående och nästa avsnitt").locator("a[rel=next]")
    next_title = next_link.inner_text().removesuffix(" →")
    is_next = "document.activeElement && document.activeElement.getAttribute('rel') === 'next'"
    for _ in range(60):
        bo.keyboard.press("Tab")
        if bo.evaluate(is_next):
            break
    else:
        pytest.fail(f"Tab did not reach the next-section link; focus is on {active(bo)}")
    assert bo.evaluate("document.activeElement.textContent").strip().endswith(" →")
    bo.keyboard.press("Enter")
    expect(bo.locator("#section-heading")).to_have_text(next_title)
    expect(bo.locator("#section-heading")).not_to_have_text(world.joint.section.title)


def active(page):
    return page.evaluate("document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_checklist_pages_accessible(world, new_page, viewport):
    item = first_question(world.joint)
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=None,
        user=world.anna,
        text="Vi äger frågan tillsammans.\nKommunen samordnar.",
        status=AnswerStatus.DISCUSSED,
        base_version=0,
    )
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=None,
        user=world.bo,
        text="Vi äger frågan tillsammans.\nKommunen samordnar, föreningen leder kvällarna.",
        status=AnswerStatus.DISCUSSED,
        base_version=1,
    )
    checklists.add_comment(
        collaboration=world.collaboration,
        item=item,
        membership=world.bo.memberships.get(),
        text="Ska vi skriva in vem som har nycklarna?",
    )
    per_party_item = first_question(world.per_party)
    checklists.save_answer(
        collaboration=world.collaboration,
        item=per_party_item,
        party=world.kommun,
        user=world.anna,
        text="Lokal och en fritidsledare.",
        status=AnswerStatus.DISCUSSED,
        base_version=0,
    )
    pk, joint, per_party = world.collaboration.pk, world.joint.pk, world.per_party.pk
    pages = [
        ("checklists", reverse("projects:checklists", args=[pk]), "Checklistor"),
        ("checklist-joint", reverse("projects:checklist_section", args=[pk, joint]), world.joint.section.title),
        (
            "checklist-per-party",
            reverse("projects:checklist_section", args=[pk, per_party]),
            world.per_party.section.title,
        ),
        ("answer-history", reverse("projects:answer_history", args=[pk, joint, item.pk]), "Historik för svaret"),
        ("answer-comments", reverse("projects:comments", args=[pk, joint, item.pk]), "Kommentarer"),
        ("checklist-print", reverse("projects:checklist_print", args=[pk, joint]), world.joint.section.title),
    ]
    page = new_page(viewport)
    log_in(page, world.live, world.anna)
    for name, path, heading in pages:
        page.goto(world.live.url + path)
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
        if name == "checklist-joint":
            expect(page.locator(f"#text-{item.pk}-j")).to_have_value(re.compile("föreningen leder kvällarna"))
            expect(page.locator(f"#q-{item.pk}")).to_contain_text("1 kommentar")
        if name == "answer-history":
            expect(page.get_by_role("button", name="Återställ version 1")).to_be_visible()
        if name == "answer-comments":
            expect(page.get_by_text("Ska vi skriva in vem som har nycklarna?")).to_be_visible()
        if name == "checklist-print":
            expect(page.get_by_role("main")).to_contain_text("Ska vi skriva in vem som har nycklarna?")
        check_page(page, name)


# Bugs found by the first run of these tests, fixed since: each test keeps them fixed.


def test_change_arriving_while_typing_is_noted_once(world, new_page):
    bo = open_stepper(new_page, world, world.bo, world.joint, "desktop")
    item = first_question(world.joint)
    key = f"{item.pk}-j"
    bo_field = bo.locator(f"#text-{key}")
    bo_field.click()
    bo.keyboard.type("Bos utkast")
    anna_text = "Annas text, sparad medan Bo skriver."
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=None,
        user=world.anna,
        text=anna_text,
        status=AnswerStatus.DISCUSSED,
        base_version=0,
    )
    bo_field.press_sequentially(" som blir längre", delay=150)  # keeps typing past the next poll
    remote = bo.locator(f"#remote-{key}")
    expect(remote).to_contain_text("Anna Andersson ändrade svaret")
    expect(remote).to_contain_text("Du har osparade ändringar")
    expect(bo_field).to_have_value("Bos utkast som blir längre")  # his text is not replaced under his hands
    # His autosave then meets Anna's version: the conflict, with her text.
    expect(bo.locator(f"#meta-{key}").get_by_role("alert").locator("blockquote")).to_have_text(anna_text)
    assert answer_text(world, item) == anna_text
    notes = remote.get_by_text("Svaret ändrades av någon annan.").count()
    assert notes == 1, f"the note that someone else changed the answer is shown {notes} times"


def test_saved_note_stays_when_leaving_the_field(world, new_page):
    bo = open_stepper(new_page, world, world.bo, world.joint, "desktop")
    item = first_question(world.joint)
    key = f"{item.pk}-j"
    meta = bo.locator(f"#meta-{key}")
    bo.locator(f"#text-{key}").click()
    bo.keyboard.type("Vi äger frågan tillsammans.")
    expect(meta).to_contain_text(SAVED, timeout=6_000)  # saved after 1.5 s without typing
    bo.keyboard.press("Tab")
    bo.wait_for_timeout(1_000)  # the field's focusout request, if any, has been answered
    assert answer_text(world, item) == "Vi äger frågan tillsammans."
    assert SAVED.search(meta.inner_text()), f"'Sparat' is gone after leaving the field: {meta.inner_text()!r}"


def test_read_only_answer_keeps_its_line_breaks_when_it_changes(world, new_page):
    item = first_question(world.per_party)
    bo = open_stepper(new_page, world, world.bo, world.per_party, "desktop")
    checklists.save_answer(
        collaboration=world.collaboration,
        item=item,
        party=world.kommun,
        user=world.anna,
        text="Lokalen på torget.\nEn fritidsledare.",
        status=AnswerStatus.DISCUSSED,
        base_version=0,
    )
    theirs = bo.locator(f"#text-{item.pk}-{world.kommun.pk}")
    expect(theirs).to_contain_text("En fritidsledare.", timeout=5_000)
    assert theirs.evaluate("el => el.innerText") == "Lokalen på torget.\nEn fritidsledare."


def test_board_member_answers_the_next_question_on_a_phone(world, new_page):
    """Bo, on the board of Föreningen Gemenskap, opens the checklists on his phone in the evening: he
    sees his party's questions (not the municipality's own), goes to the next question not done,
    answers it with autosave only, and the section's progress follows."""
    public_only = ChecklistSection.objects.get(collaboration=world.collaboration, section__slug="mucf-status")
    first_cs = checklists.ordered_sections(world.collaboration).first()
    q1, q2 = first_cs.section.items.current().filter(kind=Item.Kind.QUESTION)[:2]
    key = f"{q1.pk}-{world.forening.pk}"
    page = new_page("phone")
    log_in(page, world.live, world.bo)
    page.goto(world.live.url + reverse("projects:checklists", args=[world.collaboration.pk]))
    expect(page.get_by_role("link", name="Min parts frågor")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name=public_only.section.title, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=first_cs.section.title, exact=True)).to_be_visible()
    check_page(page, "checklists-mine-phone")
    page.get_by_role("link", name="Alla frågor").click()  # everything, one tap away
    expect(page.get_by_role("link", name=public_only.section.title, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Alla frågor")).to_have_attribute("aria-current", "page")
    check_page(page, "checklists-all-phone")
    page.get_by_role("link", name="Min parts frågor").click()

    page.get_by_role("link", name="Nästa obesvarade fråga").click()
    expect(page.locator("#section-heading")).to_have_text(first_cs.section.title)
    assert page.url.endswith(f"#q-{q1.pk}")
    expect(page.locator(f"#text-{key}")).to_be_focused()  # ready for the answer
    progress = page.locator("#section-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_contain_text("0 av 3 frågor är klara")
    # One save model: autosave, no save-all button, one status (the select) per answer of his own.
    expect(page.get_by_role("button", name="Spara alla svar i avsnittet")).to_be_hidden()
    expect(page.get_by_text("Svaren sparas medan du skriver.")).to_be_visible()
    mine = page.locator(f"#answer-{key}")
    expect(mine.locator(".badge")).to_have_count(0)
    expect(mine.get_by_role("link", name=re.compile("Historik"))).to_have_count(0)

    field = page.get_by_label("Svar från Föreningen Gemenskap").first
    field.fill("Vi vill nå fler unga i området på kvällarna.")
    field.press("Tab")
    expect(page.locator(f"#meta-{key}")).to_contain_text(SAVED)
    expect(progress).to_contain_text("0 av 3 frågor är klara")  # discussed is not done
    page.locator(f"#status-{key}").select_option(AnswerStatus.AGREED)
    expect(progress).to_contain_text("1 av 3 frågor är klar")
    expect(page.locator(f"#nav-progress-{first_cs.pk}")).to_have_text("1 av 3")  # the list of sections too
    expect(page.get_by_role("link", name="Nästa obesvarade fråga")).to_have_attribute("href", f"#q-{q2.pk}")
    answer = Answer.objects.get(collaboration=world.collaboration, item=q1, party=world.forening)
    assert (answer.text, answer.status) == ("Vi vill nå fler unga i området på kvällarna.", AnswerStatus.AGREED)
    check_page(page, "checklist-section-phone-answered")

    page.get_by_role("link", name="Nästa obesvarade fråga").click()
    assert page.url.endswith(f"#q-{q2.pk}")
    expect(page.locator(f"#text-{q2.pk}-{world.forening.pk}")).to_be_focused()
    page.get_by_role("link", name="Checklistor", exact=True).first.click()
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=first_cs.section.title, exact=True))
    expect(row).to_contain_text("1 av 3 frågor är klar")
