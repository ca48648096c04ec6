from datetime import timedelta

import pytest
from django.urls import reverse

from guides.models import Item
from projects.checklists import services as checklists
from projects.checklists.models import Answer, AnswerStatus, ChecklistSection, Comment
from projects.core.models import Event, Role, Sector
from tests.core.reader import events_page
from tests.factories import MembershipFactory, PartyFactory, make_collaboration, make_organisation, make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def setup(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    joint = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    per_party = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-resurser")
    return collaboration, users, joint, per_party


def first_question(cs):
    return Item.objects.filter(section=cs.section, kind="question").order_by("order").first()


def save(client, collaboration, cs, item, text, version=0, status="", party=None, htmx=True):
    key = f"{item.pk}-{party.pk if party else 'j'}"
    data = {f"{key}-text": text, f"{key}-version": version, f"{key}-status": status}
    if party:
        data["part"] = party.pk
    url = reverse("projects:answer_save", args=[collaboration.pk, cs.pk, item.pk])
    return client.post(url, data, headers=HX if htmx else {})


# Which checklists ------------------------------------------------------------------------------


def test_defaults_follow_the_parties_sectors():
    collaboration = make_collaboration()  # only a municipality so far
    slugs = set(collaboration.checklist_sections.values_list("section__slug", flat=True))
    assert {"halland-anledning", "mucf-status", "mucf-problem", "mucf-utvardera"} <= slugs
    assert not any(slug.startswith("sjustegs") for slug in slugs)
    from projects.core import services as actions

    actions.add_party(collaboration, user=None, organisation=make_organisation("Förening", Sector.IDEELL_FORENING))
    slugs = set(collaboration.checklist_sections.values_list("section__slug", flat=True))
    assert "sjustegs-steg-2" in slugs


def test_civil_society_only_collaboration_gets_no_mucf_forutsattningar():
    collaboration = make_collaboration(organisation=make_organisation("Förening", Sector.IDEELL_FORENING))
    slugs = set(collaboration.checklist_sections.values_list("section__slug", flat=True))
    assert "mucf-status" not in slugs and "sjustegs-steg-2" in slugs


def test_removed_section_stays_removed_and_can_be_added_back(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["coordinator"])
    client.post(reverse("projects:checklist_remove", args=[collaboration.pk, joint.pk]))
    joint.refresh_from_db()
    assert not joint.active
    checklists.ensure_default_sections(collaboration)
    joint.refresh_from_db()
    assert not joint.active
    client.post(reverse("projects:checklist_add", args=[collaboration.pk]), {"section": joint.section_id})
    joint.refresh_from_db()
    assert joint.active
    assert collaboration.events.filter(kind=Event.Kind.CHECKLIST_REMOVED).exists()


def test_coordinator_changes_answer_mode(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["coordinator"])
    client.post(reverse("projects:checklist_mode", args=[collaboration.pk, joint.pk]), {"answer_mode": "per_party"})
    joint.refresh_from_db()
    assert joint.per_party


# Saving --------------------------------------------------------------------------------------


def test_autosave_returns_the_meta_fragment_with_saved_time(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    item = first_question(joint)
    response = save(client, collaboration, joint, item, "Vi äger frågan tillsammans.")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Sparat" in body and f'name="{item.pk}-j-version" value="1"' in body
    answer = Answer.objects.get(collaboration=collaboration, item=item, party=None)
    assert answer.text == "Vi äger frågan tillsammans." and answer.version == 1
    assert answer.status == AnswerStatus.DISCUSSED and answer.updated_by == users["editor"]
    assert answer.revisions.count() == 1


def test_save_from_an_old_version_is_refused_with_both_texts(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Annas text")
    client.force_login(users["editor"])
    response = save(client, collaboration, joint, item, "Bos text", version=0)
    body = response.content.decode()
    assert "Annas text" in body and "Bos text" in body and "Anna Andersson" in body
    assert "Behåll min text" in body and "Ta deras text" in body and "sammanslagning" in body
    assert Answer.objects.get(item=item, collaboration=collaboration).text == "Annas text"
    # Keep mine: save again on top of their version.
    save(client, collaboration, joint, item, "Bos text", version=1)
    assert Answer.objects.get(item=item, collaboration=collaboration).text == "Bos text"


def test_conflict_without_javascript_shows_a_page_with_both_texts(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Annas text")
    client.force_login(users["editor"])
    response = save(client, collaboration, joint, item, "Bos text", version=0, htmx=False)
    body = response.content.decode()
    assert response.status_code == 409 and "<html" in body and "Annas text" in body and "Bos text" in body


def test_merge_is_saved(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Annas text")
    key = f"{item.pk}-j"
    client.post(
        reverse("projects:answer_save", args=[collaboration.pk, joint.pk, item.pk]),
        {f"{key}-text": "Bos text", f"{key}-version": 1, "merged": "Annas och Bos text", "use_merged": "1"},
        headers=HX,
    )
    assert Answer.objects.get(item=item, collaboration=collaboration).text == "Annas och Bos text"


def test_over_long_answer_is_refused_with_a_message(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    item = first_question(joint)
    response = save(client, collaboration, joint, item, "x" * 10_001)
    body = response.content.decode()
    assert "högst 10000 tecken" in body and "Texten finns kvar" in body
    assert not Answer.objects.filter(item=item, text__startswith="x").exists()


def test_whole_section_save_without_javascript_keeps_text_on_error(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    items = list(Item.objects.filter(section=joint.section, kind="question").order_by("order")[:2])
    data = {}
    for item, text in zip(items, ["Första svaret", "y" * 10_001], strict=True):
        key = f"{item.pk}-j"
        data |= {f"{key}-text": text, f"{key}-version": 0, f"{key}-status": ""}
    response = client.post(reverse("projects:checklist_save", args=[collaboration.pk, joint.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400 and "y" * 100 in body and "högst 10000 tecken" in body
    assert Answer.objects.get(item=items[0]).text == "Första svaret"


def test_reader_cannot_save(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["reader"])
    assert save(client, collaboration, joint, first_question(joint), "x").status_code == 403


def test_party_answer_only_by_that_partys_members(client, setup):
    collaboration, users, _, per_party = setup
    item = first_question(per_party)
    kommun = users["coordinator"].memberships.get().party
    forening = users["editor"].memberships.get().party
    client.force_login(users["editor"])
    assert save(client, collaboration, per_party, item, "Ideella ledare", party=forening).status_code == 200
    assert save(client, collaboration, per_party, item, "Kommunens svar", party=kommun).status_code == 403
    assert not Answer.objects.filter(party=kommun).exists()


def test_unknown_status_and_question_outside_the_collaboration(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    item = first_question(joint)
    response = save(client, collaboration, joint, item, "text", status="emperor")
    assert "Välj en av statusarna" in response.content.decode()
    other = Item.objects.filter(kind="question").exclude(section=joint.section).first()
    assert save(client, collaboration, joint, other, "x").status_code == 404
    foreign = make_collaboration(title="Annan")
    foreign_cs = foreign.checklist_sections.first()
    response = client.post(reverse("projects:answer_save", args=[collaboration.pk, foreign_cs.pk, item.pk]), {})
    assert response.status_code == 404


def test_archived_collaboration_is_read_only(client, setup):
    collaboration, users, joint, _ = setup
    collaboration.archived = True
    collaboration.save()
    client.force_login(users["coordinator"])
    assert save(client, collaboration, joint, first_question(joint), "x").status_code == 403
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert "arkiverad" in page and "<textarea" not in page


# Agreement -----------------------------------------------------------------------------------


def test_agreed_when_every_party_confirms_and_withdrawn_by_a_change(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Gemensam text")
    url = reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk])
    client.post(url, {"version": 1}, headers=HX)
    answer = Answer.objects.get(item=item)
    assert answer.status == AnswerStatus.DISCUSSED  # one party of two
    client.force_login(users["editor"])
    body = client.post(url, {"version": 1}, headers=HX).content.decode()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.AGREED and "Överens" in body
    assert collaboration.events.filter(kind=Event.Kind.ANSWER_AGREED).exists()
    body = save(
        client, collaboration, joint, item, "Gemensam text, ändrad", version=1, status="agreed"
    ).content.decode()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.DISCUSSED and not answer.confirmations.exists()
    assert "bekräftelser är återkallade" in body


def test_confirming_an_old_version_is_refused(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "v1")
    save(client, collaboration, joint, item, "v2", version=1)
    client.post(reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk]), {"version": 1})
    assert not Answer.objects.get(item=item).confirmations.exists()


# History, comments, polling -----------------------------------------------------------------


def test_history_and_restore_as_a_new_revision(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["editor"])
    save(client, collaboration, joint, item, "Första")
    save(client, collaboration, joint, item, "Andra", version=1)
    answer = Answer.objects.get(item=item)
    history = client.get(reverse("projects:answer_history", args=[collaboration.pk, joint.pk, item.pk]))
    assert "Första" in history.content.decode() and "Andra" in history.content.decode()
    first = answer.revisions.get(version=1)
    client.post(reverse("projects:answer_restore", args=[collaboration.pk, joint.pk, item.pk, first.pk]))
    answer.refresh_from_db()
    assert answer.text == "Första" and answer.version == 3
    assert answer.revisions.get(version=3).restored_from == 1


def test_comments_thread_and_activity(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    url = reverse("projects:comments", args=[collaboration.pk, joint.pk, item.pk])
    client.force_login(users["editor"])
    response = client.post(url, {"text": "Vi behöver prata om detta."}, headers=HX)
    body = response.content.decode()
    assert "Vi behöver prata om detta." in body and "Föreningen Gemenskap" in body and "<html" not in body
    assert collaboration.events.filter(kind=Event.Kind.COMMENT_ADDED).exists()
    client.force_login(users["reader"])
    assert "Vi behöver prata om detta." in client.get(url).content.decode()
    assert client.post(url, {"text": "Läsare"}).status_code == 403
    client.force_login(users["editor"])
    response = client.post(url, {"text": "z" * 5001})
    assert response.status_code == 400 and "högst 5000 tecken" in response.content.decode()
    assert Comment.objects.count() == 1


def test_poll_is_empty_until_someone_else_changes_something(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["editor"])
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    since = page.split("andringar/?since=")[1].split('"')[0]
    from urllib.parse import unquote

    url = reverse("projects:checklist_changes", args=[collaboration.pk, joint.pk])
    assert client.get(url, {"since": unquote(since)}).status_code == 204
    save(client, collaboration, joint, item, "Mitt eget")
    # My own change comes back too (from another device it is news); the page skips a version it has.
    assert 'data-version="1"' in client.get(url, {"since": unquote(since)}).content.decode()
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Annas ändring", version=1)
    client.force_login(users["editor"])
    response = client.get(url, {"since": unquote(since)})
    body = response.content.decode()
    assert response.status_code == 200 and 'hx-swap-oob="true"' in body
    assert "Anna Andersson ändrade svaret" in body and 'data-text="Annas ändring"' in body
    assert client.get(url, {"since": "not-a-date"}).status_code == 204
    assert client.get(url, {"since": "2024-13-01T00:00:00"}).status_code == 204


def test_text_survives_an_expired_session(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    response = save(client, collaboration, joint, item, "Skrivet sent på kvällen")  # not logged in
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("account_login"))
    client.post(reverse("account_login"), {"login": users["editor"].email, "password": "ett-langt-testlosenord"})
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert "Skrivet sent på kvällen" in page and "återställd" in page
    assert not Answer.objects.filter(text="Skrivet sent på kvällen").exists()


def test_overview_shows_progress_and_the_next_question(client, setup):
    collaboration, users, joint, per_party = setup
    client.force_login(users["editor"])
    save(client, collaboration, joint, first_question(joint), "svar", status="not_relevant")
    body = client.get(reverse("projects:checklists", args=[collaboration.pk])).content.decode()
    assert "Nästa obesvarade fråga" in body
    assert '<progress max="4" value="1" aria-hidden="true"></progress>' in body  # the joint section
    assert "1 av 4 frågor är klar" in body


# Progress counted in questions, the party's own questions, the next one not done ---------------


def _section(collaboration, slug):
    return ChecklistSection.objects.get(collaboration=collaboration, section__slug=slug)


def _answer(collaboration, item, party, user, status, text="Ja"):
    checklists.save_answer(
        collaboration=collaboration, item=item, party=party, user=user, text=text, status=status, base_version=0
    )


def _progress(collaboration, party=None):
    sections = list(checklists.ordered_sections(collaboration))
    parties = list(collaboration.parties.select_related("organisation"))
    return checklists.progress(collaboration, sections, parties, party)


def test_a_section_each_party_answers_counts_its_questions_once(client, setup):
    """A section of two questions that both parties answer has two questions, not four (the
    overview once said "0/6" of a section of three)."""
    collaboration, users, _, per_party = setup
    kommun, forening = (users[r].memberships.get().party for r in ("coordinator", "editor"))
    questions = list(Item.objects.filter(section=per_party.section, kind="question", retired=False))
    assert len(questions) == 2
    for item in questions:
        _answer(collaboration, item, forening, users["editor"], "not_relevant")
    _answer(collaboration, questions[0], kommun, users["coordinator"], "agreed")
    everyone, bo, anna = _progress(collaboration), _progress(collaboration, forening), _progress(collaboration, kommun)
    assert (everyone[per_party.pk]["of"], everyone[per_party.pk]["done"], everyone[per_party.pk]["left"]) == (2, 1, 1)
    assert (bo[per_party.pk]["done"], bo[per_party.pk]["left"]) == (2, 0)
    assert (anna[per_party.pk]["done"], anna[per_party.pk]["left"]) == (1, 1)
    assert everyone[per_party.pk]["per_party"] == [(kommun, 1), (forening, 2)]
    assert not everyone[per_party.pk]["complete"] and not bo[per_party.pk]["complete"]  # Exempelkommun is not done
    client.force_login(users["editor"])
    body = client.get(reverse("projects:checklists", args=[collaboration.pk]) + "?visa=alla").content.decode()
    link = reverse("projects:checklist_section", args=[collaboration.pk, per_party.pk])
    row = body.split(f'href="{link}?visa=alla"')[1].split("</li>")[0]
    assert '<progress max="2" value="1"' in row and "1 av 2 frågor är klar" in row
    assert "Exempelkommun: 1 av 2 · Föreningen Gemenskap: 2 av 2" in body


def test_a_discussed_answer_or_another_partys_answer_is_not_done(setup):
    collaboration, users, joint, per_party = setup
    kommun, forening = (users[r].memberships.get().party for r in ("coordinator", "editor"))
    item = first_question(per_party)
    _answer(collaboration, item, kommun, users["coordinator"], "not_relevant")
    _answer(collaboration, first_question(joint), None, users["editor"], "discussed")
    bo = _progress(collaboration, forening)
    assert bo[per_party.pk]["done"] == 0 and bo[joint.pk]["done"] == 0
    assert _progress(collaboration, kommun)[per_party.pk]["done"] == 1


def test_my_partys_questions_by_default_and_all_one_tap_away(client, setup):
    """Föreningen Gemenskap sees the sections it answers and the joint ones, not the public party's
    own; "Alla frågor" (?visa=alla) shows every section, and the links keep the choice."""
    collaboration, users, joint, _ = setup
    public_only = _section(collaboration, "mucf-status")  # each party answers; meant for the public party
    seven_steps = ChecklistSection.objects.filter(collaboration=collaboration, section__guide__slug="sjustegs").first()
    url = reverse("projects:checklists", args=[collaboration.pk])
    client.force_login(users["editor"])
    mine = client.get(url).content.decode()
    everything = client.get(url + "?visa=alla").content.decode()
    section_url = lambda cs: reverse("projects:checklist_section", args=[collaboration.pk, cs.pk])  # noqa: E731
    assert f'href="{section_url(joint)}"' in mine and f'href="{section_url(seven_steps)}"' in mine
    assert section_url(public_only) not in mine
    assert f'href="{section_url(public_only)}?visa=alla"' in everything
    assert f'href="{url}?visa=alla"' in mine and 'aria-current="page">Min parts frågor' in mine
    assert 'aria-current="page">Alla frågor' in everything
    client.force_login(users["coordinator"])
    kommun = client.get(url).content.decode()
    assert f'href="{section_url(public_only)}"' in kommun and f'href="{section_url(seven_steps)}"' not in kommun


def test_groups_fold_and_stay_open_where_questions_are_left(client, setup):
    collaboration, users, _, _ = setup
    client.force_login(users["editor"])
    body = client.get(reverse("projects:checklists", args=[collaboration.pk])).content.decode()
    assert '<details class="checklist-group mb-2" open>' in body
    assert "Agendasättning</span>" in body and "frågor är inte klara" in body


def test_the_next_question_is_the_first_one_not_done_in_my_scope(client, setup):
    collaboration, users, _, _ = setup
    forening = users["editor"].memberships.get().party
    first_cs = checklists.ordered_sections(collaboration).first()
    q1, q2 = Item.objects.filter(section=first_cs.section, kind="question", retired=False)[:2]
    client.force_login(users["editor"])
    url = reverse("projects:checklists", args=[collaboration.pk])
    link = reverse("projects:checklist_section", args=[collaboration.pk, first_cs.pk])
    assert f'href="{link}#q-{q1.pk}">Nästa obesvarade fråga' in client.get(url).content.decode()
    save(client, collaboration, first_cs, q1, "Vi vill nå fler unga.", status="discussed", party=forening)
    assert f"#q-{q1.pk}" in client.get(url).content.decode()  # discussed is not done
    save(client, collaboration, first_cs, q1, "Vi vill nå fler unga.", version=1, status="agreed", party=forening)
    assert f'href="{link}#q-{q2.pk}">Nästa obesvarade fråga' in client.get(url).content.decode()
    # In "Alla", Exempelkommun's answer to the first question is still missing.
    assert (
        f'href="{link}?visa=alla#q-{q1.pk}">Nästa obesvarade fråga' in client.get(url + "?visa=alla").content.decode()
    )
    # On the section page, the same question, on this page.
    page = client.get(link).content.decode()
    assert f'href="#q-{q2.pk}">Nästa obesvarade fråga' in page


def test_a_status_that_makes_a_question_done_updates_the_progress_in_place(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["editor"])
    typed = save(client, collaboration, joint, item, "Vi äger frågan", status="not_started").content.decode()
    assert "section-progress" not in typed  # a text save: nothing to count again
    done = save(client, collaboration, joint, item, "Vi äger frågan", version=1, status="not_relevant")
    body = done.content.decode()
    assert '<div id="section-progress" hx-swap-oob="innerHTML">' in body and "1 av 4 frågor är klar" in body
    assert '<div id="next-open" hx-swap-oob="innerHTML">' in body and f'href="#q-{item.pk}"' not in body
    assert f'<span id="nav-progress-{joint.pk}" hx-swap-oob="innerHTML">1 av 4</span>' in body


def test_one_save_model_one_status_and_history_only_where_there_is_one(client, setup):
    collaboration, users, joint, _ = setup
    first, second = Item.objects.filter(section=joint.section, kind="question", retired=False)[:2]
    client.force_login(users["editor"])
    save(client, collaboration, joint, first, "Ett")
    save(client, collaboration, joint, first, "Två", version=1)
    save(client, collaboration, joint, second, "Bara en version")
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert '<button type="submit" class="btn btn-primary nojs-only">Spara alla svar i avsnittet</button>' in page
    assert '<span class="d-block js-only">Svaren sparas medan du skriver.</span>' in page
    history = reverse("projects:answer_history", args=[collaboration.pk, joint.pk, first.pk])
    assert f'href="{history}">Historik (2 versioner)' in page
    assert reverse("projects:answer_history", args=[collaboration.pk, joint.pk, second.pk]) not in page
    # The status is the select where the person may change it; no second badge beside it.
    assert 'class="badge text-bg-info">Diskuteras' not in page
    client.force_login(users["reader"])
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert page.count('class="badge text-bg-info">Diskuteras') == 2 and "Spara alla svar" not in page


def test_print_view_has_questions_and_answers(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    item = first_question(joint)
    save(client, collaboration, joint, item, "Utskrivet svar")
    body = client.get(reverse("projects:checklist_print", args=[collaboration.pk, joint.pk])).content.decode()
    assert item.text in body and "Utskrivet svar" in body


# Query counts --------------------------------------------------------------------------------


def _fill(collaboration, users, cs, revisions):
    for item in Item.objects.filter(section=cs.section, kind="question"):
        for n in range(revisions):
            checklists.save_answer(
                collaboration=collaboration,
                item=item,
                party=None,
                user=users["editor"],
                text=f"svar {n}",
                status="discussed",
                base_version=n,
            )


@pytest.mark.parametrize("size", ["small", "large"])
def test_stepper_queries_do_not_grow(client, people, django_assert_max_num_queries, size):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    big = size == "large"
    if big:
        for i in range(4):
            PartyFactory(
                collaboration=collaboration, organisation=make_organisation(f"Förening {i}", Sector.IDEELL_FORENING)
            )
    cs = ChecklistSection.objects.get(
        collaboration=collaboration, section__slug="mucf-status" if big else "halland-agandeskap"
    )
    _fill(collaboration, users, cs, 5 if big else 1)
    client.force_login(users["editor"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("projects:checklist_section", args=[collaboration.pk, cs.pk]))
    assert response.status_code == 200


def test_new_role_reader_sees_no_fields(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["reader"])
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert "<textarea" not in page and "Du kan läsa men inte ändra" in page
    assert Role.READER
    assert make_user  # imported helpers stay used


# Found in review: no silent overwrites -----------------------------------------------------------


def test_whole_section_save_does_not_conflict_on_rows_the_person_did_not_touch(client, setup):
    collaboration, users, joint, _ = setup
    q1, q2 = list(Item.objects.filter(section=joint.section, kind="question").order_by("order")[:2])
    client.force_login(users["editor"])
    save(client, collaboration, joint, q1, "Bos text")  # v1, what Anna's page shows
    client.force_login(users["coordinator"])
    data = {
        f"{q1.pk}-j-text": "Bos text",
        f"{q1.pk}-j-version": 1,
        f"{q2.pk}-j-text": "Annas svar",
        f"{q2.pk}-j-version": 0,
    }
    client.force_login(users["editor"])
    save(client, collaboration, joint, q1, "Bos ändrade text", version=1)  # v2 while Anna's page is open
    client.force_login(users["coordinator"])
    response = client.post(reverse("projects:checklist_save", args=[collaboration.pk, joint.pk]), data)
    assert response.status_code == 302
    assert Answer.objects.get(item=q1).text == "Bos ändrade text"
    assert Answer.objects.get(item=q2).text == "Annas svar"


def test_text_kept_through_login_is_checked_against_what_was_saved_since(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    from django.test import Client

    save(client, collaboration, joint, item, "Annas text, skriven utloggad", version=0)  # stashed
    bo = Client()
    bo.force_login(users["editor"])
    save(bo, collaboration, joint, item, "Bos text")  # v1 meanwhile
    client.post(reverse("account_login"), {"login": users["coordinator"].email, "password": "ett-langt-testlosenord"})
    page = client.get(reverse("projects:checklist_section", args=[collaboration.pk, joint.pk])).content.decode()
    assert "Annas text, skriven utloggad" in page
    assert f'name="{item.pk}-j-version" value="0"' in page  # the version it was written on
    response = save(client, collaboration, joint, item, "Annas text, skriven utloggad", version=0)
    assert "Bos text" in response.content.decode() and response["X-Answer-State"] == "conflict"
    assert Answer.objects.get(item=item).text == "Bos text"


def test_the_stash_is_bounded_and_only_for_real_sections(client, setup):
    collaboration, users, joint, _ = setup
    url = reverse("projects:answer_save", args=[collaboration.pk, joint.pk, first_question(joint).pk])
    data = {f"{n}-j-text": "x" * 10_000 for n in range(1, 40)} | {"evil-text": "y", "1-j-version": "abc"}
    client.post(url, data)
    stored = client.session["pending_answers"]
    entries = [entry for answers in stored.values() for entry in answers.values()]
    assert len(entries) <= 20 and sum(len(e["text"]) for e in entries) <= 100_000
    assert "evil" not in str(stored.keys())
    client.post(reverse("projects:answer_save", args=[collaboration.pk, 999999, 1]), {"1-j-text": "z"})
    assert "999999" not in client.session["pending_answers"]


def test_poll_brings_another_partys_confirmation(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Gemensam text")
    since = Answer.objects.get(item=item).updated_at
    client.force_login(users["editor"])
    client.post(reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk]), {"version": 1})
    client.force_login(users["coordinator"])
    url = reverse("projects:checklist_changes", args=[collaboration.pk, joint.pk])
    body = client.get(url, {"since": (since + timedelta(seconds=1)).isoformat()}).content.decode()
    assert "Bekräftat av" in body and "Föreningen Gemenskap" in body


def test_a_party_that_can_now_confirm_reopens_agreed_answers(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Gemensam text")
    url = reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk])
    client.post(url, {"version": 1})
    client.force_login(users["editor"])
    client.post(url, {"version": 1})
    assert Answer.objects.get(item=item).status == AnswerStatus.AGREED
    from projects.core import services as actions

    hopp = actions.add_party(
        collaboration,
        user=users["coordinator"],
        organisation=make_organisation("Trossamfundet Hopp", Sector.TROSSAMFUND),
    )
    assert Answer.objects.get(item=item).status == AnswerStatus.AGREED  # no one there can confirm yet
    membership = MembershipFactory(
        collaboration=collaboration, party=hopp, user=make_user("Hanna Hopp"), role=Role.READER
    )
    actions.change_role(membership, user=users["coordinator"], role=Role.EDITOR)
    assert Answer.objects.get(item=item).status == AnswerStatus.DISCUSSED


def test_a_status_change_keeps_the_confirmations(client, setup):
    collaboration, users, joint, _ = setup
    item = first_question(joint)
    client.force_login(users["coordinator"])
    save(client, collaboration, joint, item, "Text")
    client.post(reverse("projects:answer_confirm", args=[collaboration.pk, joint.pk, item.pk]), {"version": 1})
    save(client, collaboration, joint, item, "Text", version=1, status="not_relevant")
    answer = Answer.objects.get(item=item)
    assert answer.confirmations.get().version == answer.version == 2


def test_crlf_counts_as_one_line_break(client, setup):
    collaboration, users, joint, _ = setup
    client.force_login(users["editor"])
    item = first_question(joint)
    response = save(client, collaboration, joint, item, "a\r\n" * 4000, htmx=True)  # 8000 characters as LF
    assert response["X-Answer-State"] == "saved"
    assert Answer.objects.get(item=item).text == "a\n" * 4000


def test_a_party_outside_the_sections_audience_cannot_answer(client, setup):
    collaboration, users, _, _ = setup
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="sjustegs-steg-2")
    kommun = users["coordinator"].memberships.get().party
    client.force_login(users["coordinator"])
    response = save(client, collaboration, cs, first_question(cs), "Kommunens svar", party=kommun)
    assert response.status_code == 404


# In the reader's language ------------------------------------------------------------------------


def test_a_status_recorded_by_an_english_reader_is_shown_in_each_readers_language(client, setup):
    """The status is kept by its msgid (not the label in the recorder's language: "(Diskuteras)" once
    stood in every English activity list, and an English recorder's label in every Swedish one)."""
    from django.utils import translation

    collaboration, users, joint, _ = setup
    with translation.override("en"):
        _answer(collaboration, first_question(joint), None, users["editor"], AnswerStatus.DISCUSSED)
        checklists.set_answer_mode(joint, "per_party", user=users["coordinator"])
    status = Event.objects.get(collaboration=collaboration, kind=Event.Kind.ANSWER_STATUS)
    assert (status.detail, status.texts["detail"]) == ("Diskuteras", {"msgid": "Diskuteras"})
    mode = Event.objects.get(collaboration=collaboration, kind=Event.Kind.CHECKLIST_CHANGED)
    assert (mode.detail, mode.texts["detail"]) == ("Varje part svarar", {"msgid": "Varje part svarar"})
    client.force_login(users["coordinator"])
    page = events_page(client, collaboration, "en")
    assert "(Under discussion)" in page and "(Each party answers)" in page
    assert "Diskuteras" not in page and "Varje part svarar" not in page
    page = events_page(client, collaboration, "sv")
    assert "(Diskuteras)" in page and "(Varje part svarar)" in page


def test_the_group_headings_are_in_the_readers_language(client, setup):
    from django.conf import settings

    collaboration, users, _, _ = setup
    client.force_login(users["editor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("projects:checklists", args=[collaboration.pk])).content.decode()
    assert "Agenda setting</span>" in body and "Agendasättning</span>" not in body
