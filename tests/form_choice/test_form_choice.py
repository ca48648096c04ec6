"""Choosing a form of collaboration: the recommendation rules (a table of answer sets taken from the
guides' criteria), the quotes checked word for word against the guides, the questionnaire (save,
resume, back, start over, bad input), the HTMX fragments, the recorded choice and its consequences."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from guides.models import CollaborationForm, Section
from projects.checklists.models import ChecklistSection
from projects.checklists.services import sections_with_questions
from projects.core.models import Collaboration, Event
from projects.form_choice import services as form_choice
from projects.form_choice.models import FormChoice, FormQuestionnaire
from tests.factories import CollaborationFactory, FormQuestionnaireFactory, MembershipFactory, make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
RULES_FILE = FIXTURES / "rules" / "form_choice.yaml"
HX = {"HTTP_HX_REQUEST": "true"}

ALL_YES_IOP = {
    "syfte": "gora",
    "marknad": "nej",
    "initiativ": "ideburen",
    "tid": "langsiktig",
    "definierar": "tillsammans",
    "resurser": "bada",
    "tillit": "ja",
    "juridik": "ja",
}


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def order(answers):
    return [result["slug"] for result in form_choice.rank(answers)]


def by_slug(answers):
    return {result["slug"]: result for result in form_choice.rank(answers)}


def warning_texts(result):
    return [entry["text"] for entry in result["warnings"]]


# The rules, as a table ----------------------------------------------------------------------------

# (why, answers, the expected first forms in order, forms that must not be first,
#  {form: quote keys that must be among its warnings})
TABLE = [
    (
        "A market (7 steg iop-villkor-10, Halland): procurement, not an IOP, even with trust and both contributing",
        {"syfte": "gora", "marknad": "ja", "tid": "langsiktig", "resurser": "bada", "tillit": "ja"},
        ["uppdrag-upphandling"],
        ["iop"],
        {"iop": ["iop-marknad", "iop-marknad-sjustegs"]},
    ),
    (
        "The civil-society party's initiative, long-term, both contribute, trust, no market (7 steg: IOP works best)",
        {"initiativ": "ideburen", "tid": "langsiktig", "resurser": "bada", "tillit": "ja", "marknad": "nej"},
        ["iop"],
        [],
        {},
    ),
    (
        "Share experience, the public party's initiative (Halland; MUCF: the public party invites to samråd)",
        {"syfte": "dela", "initiativ": "offentlig"},
        ["samrad", "dialogmoten"],
        [],
        {},
    ),
    (
        "Temporary and something new (Halland: projektmedel only for temporary, clearly bounded activity)",
        {"syfte": "gora", "tid": "tillfallig"},
        ["projektmedel"],
        [],
        {"iop": ["iop-langre-tid"]},
    ),
    (
        "The organisation defines the activity itself, long-term (Halland: generellt organisationsstöd)",
        {"definierar": "ja", "tid": "langsiktig"},
        ["organisationsstod"],
        [],
        {"projektmedel": ["projektmedel-undvik"]},
    ),
    (
        "The public party pays everything and defines the work (financing table: upphandling)",
        {"syfte": "gora", "resurser": "offentlig", "definierar": "nej"},
        ["uppdrag-upphandling"],
        ["iop"],
        {"iop": ["iop-bada-finansierar"]},
    ),
    (
        "No trust nor clear roles (Halland: IOP does not fit); meeting forms first (7 steg: start with the levels)",
        {"tillit": "nej", "initiativ": "gemensamt"},
        ["dialogmoten"],
        ["iop"],
        {"iop": ["iop-saknas-tillit"], "organisationsstod": ["organisationsstod-tillit"]},
    ),
    (
        "The legal ground not looked at (Halland iop-villkor-09; 7 steg on LOU)",
        {"juridik": "nej"},
        [],
        ["iop"],
        {"iop": ["iop-juridik"], "uppdrag-upphandling": ["sjustegs-lou"]},
    ),
    (
        "The legal ground being looked at (Forum: kommunallagen, statsstöd, LOU)",
        {"juridik": "pagar", "syfte": "gora", "marknad": "nej", "resurser": "bada"},
        ["iop"],
        [],
        {"iop": ["forum-lagar"], "uppdrag-upphandling": ["forum-lagar"]},
    ),
    (
        "Everything speaks for an IOP",
        ALL_YES_IOP,
        ["iop"],
        [],
        {},
    ),
    (
        "Long-term activity defined by the public party, public initiative: verksamhetsstöd above projektmedel",
        {"syfte": "gora", "tid": "langsiktig", "definierar": "nej", "initiativ": "offentlig", "marknad": "nej"},
        ["uppdrag-upphandling", "verksamhetsstod"],
        ["projektmedel"],
        {"projektmedel": ["projektmedel-undvik"]},
    ),
]


@pytest.mark.parametrize(("why", "answers", "first", "not_first", "warnings"), TABLE, ids=[row[0] for row in TABLE])
def test_recommendation_table(why, answers, first, not_first, warnings):
    ranking = order(answers)
    assert ranking[: len(first)] == first, why
    for slug in not_first:
        assert ranking[0] != slug, why
    results = by_slug(answers)
    for slug, keys in warnings.items():
        texts = warning_texts(results[slug])
        for key in keys:
            assert form_choice.Q[key].text in texts, (why, slug, key)


def test_market_puts_iop_last_with_hallands_warning_whatever_else_speaks_for_it():
    results = form_choice.rank(ALL_YES_IOP | {"marknad": "ja"})
    iop = next(r for r in results if r["slug"] == "iop")
    assert results[-1]["slug"] == "iop"
    assert iop["fit"] == form_choice.POOR
    warning = iop["warnings"][0]
    assert warning["text"] == "IOP passar därför inte om det redan finns en marknad och därför ska upphandlas"
    assert warning["source"] == "Halland, Idéburet Offentligt Partnerskap"
    assert warning["url"] == reverse("guides:forms") + "#iop-villkor-11"


def test_no_trust_rules_out_an_iop_whatever_else_speaks_for_it():
    results = form_choice.rank(ALL_YES_IOP | {"tillit": "nej"})
    iop = next(r for r in results if r["slug"] == "iop")
    assert iop["score"] > 0
    assert results[-1]["slug"] == "iop"
    assert iop["fit"] == form_choice.POOR
    assert form_choice.Q["iop-saknas-tillit"].text in warning_texts(iop)


def test_no_answers_keep_the_guides_order_and_hint_at_every_question():
    results = form_choice.rank({})
    assert [r["slug"] for r in results] == [f.slug for f in form_choice.ranked_forms()]
    assert [r["slug"] for r in results] == [
        "samrad",
        "dialogmoten",
        "projektmedel",
        "verksamhetsstod",
        "organisationsstod",
        "uppdrag-upphandling",
        "iop",
    ]
    assert all(r["score"] == 0 and not r["reasons"] and not r["warnings"] for r in results)
    assert len(form_choice.hints({})) == len(form_choice.QUESTIONS)


def test_vet_inte_adds_nothing_but_a_hint():
    unknown = {q.key: form_choice.UNKNOWN for q in form_choice.QUESTIONS if q.option(form_choice.UNKNOWN)}
    assert len(unknown) >= 4
    assert form_choice.rank(unknown) == form_choice.rank({})
    hinted = {hint["question"].key for hint in form_choice.hints(unknown | {"initiativ": "ideburen"})}
    assert hinted == set(unknown) | {"tillit", "juridik"}


def test_ties_follow_the_guides_order():
    # Share experience gives samråd and dialogmöten the same points: samråd comes first in Halland.
    results = form_choice.rank({"syfte": "dela"})
    assert results[0]["score"] == results[1]["score"]
    assert [r["slug"] for r in results[:2]] == ["samrad", "dialogmoten"]


def test_fit_labels_come_from_thresholds():
    results = by_slug(ALL_YES_IOP)
    assert results["iop"]["fit"] == form_choice.GOOD
    assert form_choice.fit_for(form_choice.GOOD_FROM) == form_choice.GOOD
    assert form_choice.fit_for(form_choice.GOOD_FROM - 1) == form_choice.MAYBE
    assert form_choice.fit_for(form_choice.MAYBE_FROM - 1) == form_choice.POOR


def test_stored_answers_that_are_not_options_are_ignored():
    assert form_choice.rank({"marknad": "kanske", "okänd": "ja", "tid": ["langsiktig"]}) == form_choice.rank({})
    assert form_choice.clean_answers("inte en dict") == {}


# The rules' integrity ---------------------------------------------------------------------------


def test_every_rule_names_a_known_question_option_form_and_quote():
    slugs = {f.slug for f in form_choice.ranked_forms()}
    assert len(slugs) == 7
    for rule in form_choice.RULES:
        question = form_choice.BY_KEY[rule.question]
        assert question.option(rule.answer) is not None, rule
        assert rule.answer != form_choice.UNKNOWN, rule
        assert rule.form in slugs, rule
        assert rule.quote in form_choice.Q, rule
        assert rule.kind in (form_choice.REASON, form_choice.WARNING), rule


def test_every_question_has_a_rule_for_a_substantive_answer():
    asked = {rule.question for rule in form_choice.RULES}
    assert asked == set(form_choice.BY_KEY)
    assert len(form_choice.QUESTIONS) == 8


def _normalise(text):
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def _guide_texts():
    """{(guide slug, section as the guide names it): [texts]} from every fixture file."""
    texts = {}

    def add(guide, section, text):
        if text:
            texts.setdefault((guide, section), []).append(_normalise(text))

    for path in sorted((FIXTURES / "guides").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        guide = data["guide"]["slug"]

        def walk(sections, guide=guide):
            for section in sections or []:
                add(guide, section["title"], section.get("intro", ""))
                for item in section.get("items") or []:
                    add(guide, section["title"], item.get("text", ""))
                walk(section.get("children"), guide)

        walk(data["sections"])
    forms = yaml.safe_load((FIXTURES / "reference" / "forms.yaml").read_text())
    for category in forms["categories"]:
        for source in category.get("sources", [])[:1]:
            add(source["guide"], source["section"], category.get("description", ""))
    for form in forms["forms"]:
        primary = form["sources"][0]
        for field in ("description", "suits", "not_suits", "expectations"):
            add(primary["guide"], primary["section"], form.get(field, ""))
        for other in form.get("other_texts") or []:
            add(other["guide"], other["section"], other["text"])
    conditions = yaml.safe_load((FIXTURES / "reference" / "iop_conditions.yaml").read_text())
    for condition in conditions["conditions"]:
        for source in condition["sources"]:
            add(source["guide"], source["section"], condition["text"])
            add(source["guide"], source["section"], condition.get("full_sentence", ""))
    financing = yaml.safe_load((FIXTURES / "reference" / "financing.yaml").read_text())
    comparison = financing["comparison"]
    for source in comparison["sources"]:
        for row in comparison["rows"]:
            for cell in row["cells"].values():
                add(source["guide"], source["section"], cell)
    for grant in financing["grants"]:
        for source in grant["sources"]:
            add(source["guide"], source["section"], grant["text"])
    return texts


def _rule_quotes():
    """The quotes as fixtures/rules/form_choice.yaml has them, read here on their own."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["quotes"]


def test_every_quote_is_verbatim_in_the_guide_and_section_it_names():
    texts = _guide_texts()
    quotes = _rule_quotes()
    assert len(quotes) >= 30
    for quote in quotes:
        key, guide, section, text = quote["key"], quote["guide"], quote["section"], quote["text"]
        candidates = texts.get((guide, section))
        assert candidates, f"{key}: no text in the fixtures for {guide}, {section!r}"
        assert any(_normalise(text) in candidate for candidate in candidates), (
            f"{key}: not found word for word in {guide}, {section!r}: {text!r}"
        )
    # What the app quotes is exactly what the file holds (so the check above covers every reason shown).
    assert {quote["key"]: (quote["text"], quote["guide"], quote["section"]) for quote in quotes} == {
        key: (quote.text, quote.guide, quote.section) for key, quote in form_choice.Q.items()
    }


def test_a_changed_quote_would_be_caught():
    texts = _guide_texts()
    drifted = form_choice.Q["iop-marknad"].text.replace("marknad", "marknadsplats")
    assert not any(drifted in text for text in texts[("halland", "Idéburet Offentligt Partnerskap")])


def test_the_rules_are_read_from_the_fixture_file_once():
    assert form_choice.load_rules() is form_choice.load_rules()
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    assert [q.key for q in form_choice.QUESTIONS] == [entry["key"] for entry in data["questions"]]
    effects = sum(len(answer.get("forms") or []) for entry in data["questions"] for answer in entry["answers"])
    assert len(form_choice.RULES) == effects
    assert form_choice.RANKED_CATEGORIES == ("dela-erfarenheter", "gora-tillsammans")
    assert form_choice.CHOOSABLE_CATEGORIES == ("dela-erfarenheter", "gora-tillsammans", "metod")
    with pytest.raises(AttributeError):
        form_choice.NO_SUCH_NAME  # noqa: B018


def test_question_texts_follow_the_language():
    market = form_choice.question(2)
    with translation.override("sv"):
        assert str(market.text) == "Finns det en marknad eller konkurrens för just det här arbetet?"
        assert str(market.option(form_choice.UNKNOWN).label) == "Vet inte än"
    with translation.override("en"):
        assert str(market.text) == "Is there a market or competition for this particular work?"
        assert str(market.option("ja").label) == "Yes, companies or others sell that service"
        assert str(market.option(form_choice.UNKNOWN).label) == "Don't know yet"


def test_every_quote_links_to_a_place_that_shows_it(client, people):
    _collaboration, users = people
    client.force_login(users["reader"])
    forms_page = client.get(reverse("guides:forms")).content.decode()
    for key, quote in form_choice.Q.items():
        kind, target = quote.anchor
        if kind == "forms":
            assert f'id="{target}"' in forms_page, key
        else:
            section = Section.objects.get(slug=target)
            assert section.guide.slug == quote.guide, key
            assert client.get(quote.url()).status_code == 200, key


def test_suggested_checklists_are_sections_with_questions():
    with_questions = set(sections_with_questions().values_list("slug", flat=True))
    choosable = {f.slug for f in form_choice.choosable_forms()}
    assert {f.slug for f in form_choice.ranked_forms()} <= set(form_choice.SUGGESTED_SECTIONS)
    for form_slug, slugs in form_choice.SUGGESTED_SECTIONS.items():
        assert form_slug in choosable, form_slug
        assert slugs, form_slug
        for slug in slugs:
            assert slug in with_questions, (form_slug, slug)
    for form_slug, slugs in form_choice.READING.items():
        assert form_slug in choosable
        for slug in slugs:
            assert Section.objects.current().filter(slug=slug).exists(), slug


def test_iop_suggests_forums_iop_process():
    suggested = form_choice.SUGGESTED_SECTIONS["iop"]
    assert {"forum-agendasattning", "forum-formulering", "forum-beslut", "forum-folja-upp"} <= set(suggested)
    assert "sjustegs-steg-3-upphandling" in form_choice.READING["uppdrag-upphandling"]


# The questionnaire ----------------------------------------------------------------------------------


def answers(collaboration):
    found = FormQuestionnaire.objects.filter(collaboration=collaboration).first()
    return found.answers if found else {}


def test_question_page_shows_one_question_with_its_options(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.get(url("form_question", collaboration, 2))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fråga 2 av 8" in content
    assert "Finns det en marknad eller konkurrens för just det här arbetet?" in content
    assert content.count('type="radio" name="answer"') == 3
    assert "Vet inte än" in content
    assert reverse("projects:form_answer", args=[collaboration.pk, 2]) in content


def test_answering_saves_and_goes_to_the_next_unanswered_question(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    FormQuestionnaireFactory(collaboration=collaboration, answers={"initiativ": "ideburen"})
    response = client.post(url("form_answer", collaboration, 2), {"answer": "nej"})
    assert response.status_code == 302
    assert response.url == url("form_question", collaboration, 4)  # 3 is answered already
    saved = FormQuestionnaire.objects.get(collaboration=collaboration)
    assert saved.answers == {"initiativ": "ideburen", "marknad": "nej"}
    assert saved.updated_by == users["editor"]


def test_answering_the_last_question_goes_to_the_result(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("form_answer", collaboration, 8), {"answer": "pagar"})
    assert response.url == url("form_result", collaboration)


def test_changing_an_answer_keeps_the_others(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    FormQuestionnaireFactory(collaboration=collaboration, answers=ALL_YES_IOP)
    client.post(url("form_answer", collaboration, 2), {"answer": "ja"})
    assert answers(collaboration) == ALL_YES_IOP | {"marknad": "ja"}


def test_the_main_page_resumes_at_the_first_unanswered_question(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    client.post(url("form_answer", collaboration, 1), {"answer": "gora"})
    client.post(url("form_answer", collaboration, 2), {"answer": "nej"})
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert "Fortsätt där ni slutade" in content
    assert f'href="{url("form_question", collaboration, 3)}"' in content
    assert "2 av 8 frågor besvarade" in content


def test_a_skipped_question_is_where_the_questionnaire_resumes(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    client.post(url("form_answer", collaboration, 1), {"answer": "gora"})
    client.post(url("form_answer", collaboration, 3), {"answer": "gemensamt"})
    assert form_choice.state(collaboration)["continue_at"] == 2


def test_back_and_next_links(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    content = client.get(url("form_question", collaboration, 3)).content.decode()
    assert f'href="{url("form_question", collaboration, 2)}"' in content
    assert f'href="{url("form_question", collaboration, 4)}"' in content
    last = client.get(url("form_question", collaboration, 8)).content.decode()
    assert f'href="{url("form_result", collaboration)}"' in last


def test_the_saved_answer_is_preselected(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    client.post(url("form_answer", collaboration, 4), {"answer": "tillfallig"})
    content = client.get(url("form_question", collaboration, 4)).content.decode()
    assert re.search(r'value="tillfallig" checked', content)


def test_start_over_clears_the_answers_but_not_the_recorded_choices(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    FormQuestionnaireFactory(collaboration=collaboration, answers=ALL_YES_IOP)
    client.post(url("form_choose", collaboration), {"form": "iop"})
    response = client.post(url("form_restart", collaboration))
    assert response.url == url("form_question", collaboration, 1)
    assert answers(collaboration) == {}
    assert FormChoice.objects.get(collaboration=collaboration).answers == ALL_YES_IOP


def test_start_over_is_not_done_by_get(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    FormQuestionnaireFactory(collaboration=collaboration, answers=ALL_YES_IOP)
    assert client.get(url("form_restart", collaboration)).status_code == 405
    assert client.get(url("form_answer", collaboration, 1), {"answer": "dela"}).status_code == 405
    assert answers(collaboration) == ALL_YES_IOP


# Bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["kanske", "", "ja' OR 1=1", "x" * 30_000, "\u202eä\x00ö", "<script>alert(1)</script>"]
)
def test_an_unknown_option_gets_a_swedish_message_and_loses_nothing(client, people, value):
    collaboration, users = people
    client.force_login(users["editor"])
    FormQuestionnaireFactory(collaboration=collaboration, answers={"syfte": "gora"})
    response = client.post(url("form_answer", collaboration, 3), {"answer": value})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Välj ett av alternativen." in content
    assert "<script>alert(1)</script>" not in content
    assert answers(collaboration) == {"syfte": "gora"}


def test_no_answer_at_all_gets_the_message(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("form_answer", collaboration, 3), {})
    assert "Välj ett av alternativen." in response.content.decode()
    assert answers(collaboration) == {}


def test_an_option_of_another_question_is_refused(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    client.post(url("form_answer", collaboration, 1), {"answer": "langsiktig"})
    assert answers(collaboration) == {}


@pytest.mark.parametrize("number", ["0", "9", "99", "9" * 30, "abc", "-1", "1.5"])
def test_question_numbers_out_of_range_are_404(client, people, number):
    collaboration, users = people
    client.force_login(users["editor"])
    base = reverse("projects:form_choice", args=[collaboration.pk])
    assert client.get(f"{base}fragor/{number}/").status_code == 404
    assert client.post(f"{base}fragor/{number}/svara/", {"answer": "ja"}).status_code == 404


def test_a_recorded_choice_of_another_collaboration_or_a_huge_id_is_404(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    other_user = make_user("Olle Annan")
    other = CollaborationFactory(title="Annan")

    party = collaboration.parties.first()
    MembershipFactory(collaboration=other, party=party, user=other_user, role="coordinator")
    choice = form_choice.choose(other, CollaborationForm.objects.get(slug="iop"), user=other_user)
    assert client.get(url("form_record", collaboration, choice.pk)).status_code == 404
    base = reverse("projects:form_choice", args=[collaboration.pk])
    assert client.get(f"{base}val/{'9' * 30}/").status_code == 404


# HTMX -----------------------------------------------------------------------------------------------


def test_htmx_get_returns_only_the_question_card(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.get(url("form_question", collaboration, 3), **HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="question-card"' in content
    assert 'id="question-heading" tabindex="-1" autofocus' in content
    assert 'id="form-question-status"' in content and 'hx-swap-oob="true"' in content
    assert "Fråga 3 av 8" in content
    assert "<title>" in content


def test_the_full_page_does_not_steal_focus(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    content = client.get(url("form_question", collaboration, 3)).content.decode()
    assert "autofocus" not in content
    assert "<html" in content


def test_htmx_answer_swaps_in_the_next_question_and_announces_it(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("form_answer", collaboration, 2), {"answer": "nej"}, **HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == url("form_question", collaboration, 3)
    assert "Vems initiativ är samverkan?" in content
    status = re.search(r'<div id="form-question-status"[^>]*>(.*?)</div>', content, re.S).group(1)
    assert "Svaret på fråga 2 är sparat." in status and "Fråga 3 av 8" in status
    assert answers(collaboration) == {"marknad": "nej"}


def test_htmx_answer_error_is_shown_in_the_card(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("form_answer", collaboration, 2), {"answer": "kanske"}, **HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in content and "Välj ett av alternativen." in content
    assert "<html" not in content


def test_htmx_last_answer_redirects_to_the_result(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    response = client.post(url("form_answer", collaboration, 8), {"answer": "ja"}, **HX)
    assert response["HX-Redirect"] == url("form_result", collaboration)


# Readers, editors, coordinators ------------------------------------------------------------------


def test_a_reader_sees_the_question_and_answer_but_no_controls(client, people):
    collaboration, users = people
    FormQuestionnaireFactory(collaboration=collaboration, answers={"tid": "langsiktig"})
    client.force_login(users["reader"])
    content = client.get(url("form_question", collaboration, 4)).content.decode()
    assert "Långsiktig: verksamheten ska drivas under en längre tid" in content
    assert 'type="radio"' not in content
    assert reverse("projects:form_answer", args=[collaboration.pk, 4]) not in content
    assert client.post(url("form_answer", collaboration, 4), {"answer": "tillfallig"}).status_code == 403
    main = client.get(url("form_choice", collaboration)).content.decode()
    assert "Börja om" not in main
    result = client.get(url("form_result", collaboration)).content.decode()
    assert url("form_choose", collaboration) not in result
    assert answers(collaboration) == {"tid": "langsiktig"}


def test_an_editor_answers_but_does_not_choose(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    result = client.get(url("form_result", collaboration)).content.decode()
    assert url("form_choose", collaboration) not in result
    assert client.post(url("form_choose", collaboration), {"form": "iop"}).status_code == 403
    assert not FormChoice.objects.exists()
    assert Collaboration.objects.get(pk=collaboration.pk).form is None


def test_an_archived_collaboration_can_be_read_but_not_answered(client, people):
    collaboration, users = people
    Collaboration.objects.filter(pk=collaboration.pk).update(archived=True)
    client.force_login(users["coordinator"])
    assert client.get(url("form_question", collaboration, 1)).status_code == 200
    assert client.post(url("form_answer", collaboration, 1), {"answer": "dela"}).status_code == 403
    assert client.post(url("form_choose", collaboration), {"form": "iop"}).status_code == 403
    assert client.post(url("form_restart", collaboration)).status_code == 403


def test_an_outsider_gets_404(client, people):
    collaboration, _users = people
    client.force_login(make_user("Olle Utomstående"))
    assert client.get(url("form_result", collaboration)).status_code == 404
    assert client.post(url("form_answer", collaboration, 1), {"answer": "dela"}).status_code == 404


# The result and the choice ----------------------------------------------------------------------------


def test_the_result_page_shows_the_ranking_quotes_and_the_financing_table(client, people):
    collaboration, users = people
    FormQuestionnaireFactory(collaboration=collaboration, answers={"marknad": "ja", "syfte": "gora"})
    client.force_login(users["coordinator"])
    content = client.get(url("form_result", collaboration)).content.decode()
    assert content.index("Uppdrag eller upphandling") < content.index("Idéburet Offentligt Partnerskap")
    assert "<blockquote" in content and "<figcaption" in content and "<cite>" in content
    assert "IOP passar därför inte om det redan finns en marknad och därför ska upphandlas" in content
    assert "Halland, Idéburet Offentligt Partnerskap" in content
    assert "Passar bra" in content and "Passar sämre" in content
    assert "Några skillnader mellan finansieringsformer" in content
    assert "Verksamheten ersätts fullt ut från det offentliga" in content
    assert '<th scope="row">' in content
    assert "6 frågor är inte besvarade" in content
    # The recommendation is preselected in the choice, and the forms are offered in the ranked order.
    assert re.search(r'value="uppdrag-upphandling" checked', content)
    assert content.index('value="uppdrag-upphandling"') < content.index('value="samrad"')
    assert content.index('value="samrad"') < content.index('value="iop"')
    assert 'value="tjanstedesign"' in content  # MUCF's methods may be chosen too


def test_choosing_records_the_choice_the_snapshot_and_the_event(client, people):
    collaboration, users = people
    FormQuestionnaireFactory(collaboration=collaboration, answers=ALL_YES_IOP)
    client.force_login(users["coordinator"])
    response = client.post(url("form_choose", collaboration), {"form": "iop", "note": "Vi vill bygga långsiktigt."})
    assert response.url == url("form_choice", collaboration)
    collaboration.refresh_from_db()
    assert collaboration.form.slug == "iop"
    choice = FormChoice.objects.get(collaboration=collaboration)
    assert choice.form.slug == "iop"
    assert choice.answers == ALL_YES_IOP
    assert choice.note == "Vi vill bygga långsiktigt."
    assert choice.chosen_by == users["coordinator"]
    assert choice.recommendation[0]["slug"] == "iop"
    assert choice.recommendation[0]["reasons"][0]["source"]
    event = Event.objects.get(collaboration=collaboration, kind=Event.Kind.FORM_CHOSEN)
    assert event.subject == "Idéburet Offentligt Partnerskap"
    assert event.detail == "8 av 8 frågor besvarade"
    assert event.actor == users["coordinator"]


def test_choosing_with_an_incomplete_questionnaire_warns(client, people):
    collaboration, users = people
    FormQuestionnaireFactory(collaboration=collaboration, answers={"syfte": "dela"})
    client.force_login(users["coordinator"])
    response = client.post(url("form_choose", collaboration), {"form": "samrad"}, follow=True)
    content = response.content.decode()
    assert "7 av frågorna inte är besvarade" in content
    assert Collaboration.objects.get(pk=collaboration.pk).form.slug == "samrad"


@pytest.mark.parametrize("value", ["", "okänd-form", "9" * 30, "<script>alert(1)</script>", "\x00", "1"])
def test_an_unknown_form_is_refused_and_the_note_is_kept(client, people, value):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = client.post(url("form_choose", collaboration), {"form": value, "note": "Vår motivering här"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Välj en" in content
    assert "Vår motivering här" in content
    assert "<script>alert(1)</script>" not in content
    assert not FormChoice.objects.exists()


def test_a_too_long_note_is_refused_and_kept(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    note = "Lång motivering. " * 200
    response = client.post(url("form_choose", collaboration), {"form": "iop", "note": note})
    assert response.status_code == 400
    assert "högst 2000 tecken" in response.content.decode()
    assert "Lång motivering. Lång motivering." in response.content.decode()
    assert not FormChoice.objects.exists()


@pytest.mark.parametrize("note", ["\x00", "ä\x00ö", "x" * 30_000])
def test_a_hostile_note_is_refused_without_a_server_error(client, people, note):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = client.post(url("form_choose", collaboration), {"form": "iop", "note": note})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not FormChoice.objects.exists()


def test_the_note_is_escaped(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    client.post(url("form_choose", collaboration), {"form": "iop", "note": "<script>alert(1)</script>"})
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_the_main_page_shows_the_choice_its_reasons_and_the_history(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    FormQuestionnaireFactory(collaboration=collaboration, answers={"syfte": "dela"})
    client.post(url("form_choose", collaboration), {"form": "samrad", "note": "Först samråd."})
    FormQuestionnaire.objects.filter(collaboration=collaboration).update(answers=ALL_YES_IOP)
    client.post(url("form_choose", collaboration), {"form": "iop", "note": "Nu IOP."})
    content = client.get(url("form_choice", collaboration)).content.decode()
    current, earlier = FormChoice.objects.filter(collaboration=collaboration).order_by("-chosen_at", "-pk")
    assert "Vald av Anna Andersson" in content
    assert "Nu IOP." in content
    assert form_choice.Q["iop-initiativ"].text in content  # a reason recorded then
    assert "Tidigare val" in content
    assert url("form_record", collaboration, earlier.pk) in content
    assert url("form_record", collaboration, current.pk) in content


def test_an_earlier_choice_shows_its_answers_and_ranking_as_recorded(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    FormQuestionnaireFactory(collaboration=collaboration, answers={"syfte": "dela", "initiativ": "offentlig"})
    client.post(url("form_choose", collaboration), {"form": "samrad"})
    earlier = FormChoice.objects.get()
    client.post(url("form_restart", collaboration))
    client.post(url("form_answer", collaboration, 1), {"answer": "gora"})
    client.post(url("form_choose", collaboration), {"form": "projektmedel"})
    content = client.get(url("form_record", collaboration, earlier.pk)).content.decode()
    assert "Tidigare val" in content
    assert "Dela erfarenheter, träffas och skapa samsyn" in content  # the answer then
    assert "Den offentliga partens" in content
    assert form_choice.Q["mucf-samrad"].text in content  # the reason then
    assert content.index("Samråd") < content.index("Projektmedel")


def test_after_choosing_the_agreement_template_and_checklists_are_suggested(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    client.post(url("form_choose", collaboration), {"form": "iop"})
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert "Föreslagna checklistor för Idéburet Offentligt Partnerskap" in content
    from projects.agreements.services import template_for

    template = template_for(CollaborationForm.objects.get(slug="iop"))
    assert template.title in content
    formulering = Section.objects.get(slug="forum-formulering")
    assert f'name="section" value="{formulering.pk}"' in content
    assert reverse("projects:checklist_add", args=[collaboration.pk]) in content
    # The button works with the checklists' own view.
    response = client.post(reverse("projects:checklist_add", args=[collaboration.pk]), {"section": formulering.pk})
    assert response.status_code == 302
    assert ChecklistSection.objects.filter(collaboration=collaboration, section=formulering, active=True).exists()
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert f'name="section" value="{formulering.pk}"' not in content
    assert "Redan med" in content


def test_samrad_gives_the_short_agreement(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    client.post(url("form_choose", collaboration), {"form": "samrad"})
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert "En kort överenskommelse: syfte, deltagare och mötesformer." in content


def test_a_reader_sees_suggestions_without_buttons(client, people):
    collaboration, users = people
    form_choice.choose(collaboration, CollaborationForm.objects.get(slug="iop"), user=users["coordinator"])
    client.force_login(users["reader"])
    content = client.get(url("form_choice", collaboration)).content.decode()
    assert "Föreslagna checklistor" in content
    assert reverse("projects:checklist_add", args=[collaboration.pk]) not in content


# The overview card -----------------------------------------------------------------------------------


def test_overview_without_a_choice_links_to_the_questions(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    content = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "Ingen samverkansform vald" in content
    assert url("form_question", collaboration, 1) in content


def test_overview_continues_a_started_questionnaire(client, people):
    collaboration, users = people
    FormQuestionnaireFactory(collaboration=collaboration, answers={"syfte": "gora", "marknad": "nej"})
    client.force_login(users["editor"])
    content = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert url("form_question", collaboration, 3) in content
    assert "2 av 8 besvarade" in content


def test_overview_names_the_form_an_agreement_was_started_from(client, people):
    from projects.agreements import services as agreements

    collaboration, users = people
    agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="iop")
    )
    client.force_login(users["editor"])
    content = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "Ingen samverkansform vald" not in content
    assert "skrivs efter mallen för den här formen" in content
    assert url("form_question", collaboration, 1) not in content


def test_overview_shows_the_chosen_form(client, people):
    collaboration, users = people
    form_choice.choose(collaboration, CollaborationForm.objects.get(slug="projektmedel"), user=users["coordinator"])
    client.force_login(users["editor"])
    content = client.get(reverse("projects:overview", args=[collaboration.pk])).content.decode()
    assert "Projektmedel" in content
    assert "Ingen samverkansform vald" not in content
