"""Choosing a form of collaboration: the guided questionnaire, its recommendation rules (each
reason quoting a guide) and the recorded choice.

The questions and the rules are data, in fixtures/rules/form_choice.yaml (read once per process by
``load_rules``; ``manage.py load_guides`` checks it against the guides): for an answer to a question,
a form gets points, and a reason or a warning that quotes a guide word for word and names the guide
and the section. The quotes are checked against the guides' own text by tests/form_choice/test_form_choice.py,
so they cannot drift from the guides. The score puts the seven forms of Halland's "Olika
samverkansformer" in order; ties keep the guide's order. Views validate; the functions here apply.

``QUESTIONS``, ``QUESTION_NUMBERS``, ``BY_KEY``, ``Q``, ``RULES``, ``RANKED_CATEGORIES``,
``CHOOSABLE_CATEGORIES``, ``SUGGESTED_SECTIONS`` and ``READING`` are module attributes read from
that file on first use (``__getattr__`` below), so importing the module reads nothing.
"""

import functools
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guides.loader import read_form_choice
from guides.models import SHORT_NAMES, CollaborationForm, ReferenceList, Section
from projects.agreements import services as agreements
from projects.checklists.models import ChecklistSection
from projects.common.i18n import localised
from projects.core.models import Collaboration, Event, EventText
from projects.form_choice.models import FormChoice, FormQuestionnaire

UNKNOWN = "vet_inte"  # the answer "Vet inte än" (guides.loader.UNKNOWN_ANSWER)
REASON, WARNING = "reason", "warning"


@dataclass(frozen=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    options: tuple
    hint: str  # what to find out when the answer is not known ("ta reda på")

    @property
    def number(self):
        return load_rules().question_numbers[self.key]

    def option(self, key):
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class Quote:
    """Words of a guide, verbatim, with the guide (slug) and the section as the guide names it.
    ``anchor`` says where the app shows them: ("forms", id) on the forms page of the guide
    library, or ("section", section slug) for a guide section's page."""

    text: str
    guide: str
    section: str
    anchor: tuple

    @property
    def source(self):
        return f"{SHORT_NAMES.get(self.guide, self.guide)}, {self.section}"

    def url(self):
        kind, target = self.anchor
        if kind == "section":
            return reverse("guides:section", args=[self.guide, target])
        return f"{reverse('guides:forms')}#{target}"


@dataclass(frozen=True)
class Rule:
    """For ``answer`` to ``question``: ``points`` to ``form``, with the quote as a reason (for, or
    against when the points are negative) or as a warning."""

    question: str
    answer: str
    form: str
    points: int
    quote: str  # key in Q
    kind: str = REASON
    decisive: bool = False  # a warning where the guide says the form does not fit: never above "Passar sämre"


@dataclass(frozen=True)
class Rules:
    questions: tuple
    question_numbers: dict
    by_key: dict
    quotes: dict
    rules: tuple
    ranked_categories: tuple  # the seven forms of Halland's "Olika samverkansformer" are what is ranked
    choosable_categories: tuple  # MUCF's methods may be chosen too, but the guides give no criteria to rank them by
    suggested_sections: dict  # form -> guide sections with questions, offered as checklists once it is chosen
    reading: dict  # form -> guide sections to read about the form


@functools.cache
def load_rules():
    """The questionnaire and its rules from fixtures/rules/form_choice.yaml, read once per process
    (a changed file is read after a restart). Raises guides.loader.FixtureError if it is broken."""
    data = read_form_choice()
    questions, rules = [], []
    for entry in data["questions"]:
        options = tuple(Option(answer["key"], localised(answer["label"])) for answer in entry["answers"])
        if entry.get("allow_unknown"):
            options += (Option(UNKNOWN, _("Vet inte än")),)
        text, help_text, hint = (localised(entry[name]) for name in ("text", "help", "hint"))
        questions.append(Question(entry["key"], text, help_text, options, hint))
        for answer in entry["answers"]:
            for effect in answer.get("forms") or []:
                kind = WARNING if "warning" in effect else REASON
                decisive = effect.get("decisive", False)
                points = effect["points"]
                rules.append(Rule(entry["key"], answer["key"], effect["form"], points, effect[kind], kind, decisive))
    return Rules(
        questions=tuple(questions),
        question_numbers={question.key: number for number, question in enumerate(questions, start=1)},
        by_key={question.key: question for question in questions},
        quotes={
            quote["key"]: Quote(
                quote["text"],
                quote["guide"],
                quote["section"],
                ("forms", quote["shown_at"]["forms_page"])
                if "forms_page" in quote["shown_at"]
                else ("section", quote["shown_at"]["section_page"]),
            )
            for quote in data["quotes"]
        },
        rules=tuple(rules),
        ranked_categories=tuple(data["ranked_categories"]),
        choosable_categories=tuple(data["choosable_categories"]),
        suggested_sections={entry["form"]: list(entry["sections"]) for entry in data["checklists"]},
        reading={entry["form"]: list(entry["sections"]) for entry in data["reading"]},
    )


_FROM_RULES = {
    "QUESTIONS": "questions",
    "QUESTION_NUMBERS": "question_numbers",
    "BY_KEY": "by_key",
    "Q": "quotes",
    "RULES": "rules",
    "RANKED_CATEGORIES": "ranked_categories",
    "CHOOSABLE_CATEGORIES": "choosable_categories",
    "SUGGESTED_SECTIONS": "suggested_sections",
    "READING": "reading",
}


def __getattr__(name):
    if name in _FROM_RULES:
        return getattr(load_rules(), _FROM_RULES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The questions ----------------------------------------------------------------------------------


def question(number):
    """Question ``number`` (1–8), or None."""
    questions = load_rules().questions
    if isinstance(number, int) and 1 <= number <= len(questions):
        return questions[number - 1]
    return None


def clean_answers(raw):
    """Only answers to known questions with known options (the stored JSON is not trusted)."""
    if not isinstance(raw, dict):
        return {}
    by_key = load_rules().by_key
    return {
        key: value
        for key, value in raw.items()
        if key in by_key and isinstance(value, str) and by_key[key].option(value) is not None
    }


# The ranking ------------------------------------------------------------------------------------

# Fit labels from the score (shown as words, never by colour alone).
GOOD, MAYBE, POOR = "good", "maybe", "poor"
GOOD_FROM, MAYBE_FROM = 5, 0
FIT_LABELS = {GOOD: _("Passar bra"), MAYBE: _("Kan passa"), POOR: _("Passar sämre")}


def fit_for(score):
    if score >= GOOD_FROM:
        return GOOD
    return MAYBE if score >= MAYBE_FROM else POOR


def ranked_forms():
    """The seven forms in the guide's order."""
    return list(
        CollaborationForm.objects.current()
        .filter(category__slug__in=load_rules().ranked_categories)
        .order_by("category__order", "order", "pk")
    )


def rank(answers, forms=None):
    """The forms ranked for ``answers``: a list of plain dicts (stored as the choice's snapshot),
    best first, ties in the guide's order. Each has its score, fit, reasons and warnings; a reason
    or warning has the quote, its source and link, and the answer it follows from. A form the guides
    say does not fit (a decisive warning) comes after all the others and "passar sämre"."""
    answers = clean_answers(answers)
    forms = ranked_forms() if forms is None else forms
    data = load_rules()
    results = []
    for order, form in enumerate(forms):
        reasons, warnings, score, excluded = [], [], 0, False
        for rule in data.rules:
            if rule.form != form.slug or answers.get(rule.question) != rule.answer:
                continue
            score += rule.points
            excluded = excluded or rule.decisive
            quote = data.quotes[rule.quote]
            entry = {
                "question": rule.question,
                "answer": rule.answer,
                "points": rule.points,
                "text": quote.text,
                "guide": quote.guide,
                "section": quote.section,
                "source": quote.source,
                "url": quote.url(),
            }
            (warnings if rule.kind == WARNING else reasons).append(entry)
        reasons.sort(key=lambda entry: -entry["points"])
        results.append(
            {
                "slug": form.slug,
                "name": form.name,
                "short_name": form.short_name,
                "score": score,
                "fit": POOR if excluded else fit_for(score),
                "excluded": excluded,
                "reasons": reasons,
                "warnings": warnings,
                "url": f"{reverse('guides:forms')}#{form.slug}",
                "_order": order,
            }
        )
    results.sort(key=lambda result: (result["excluded"], -result["score"], result["_order"]))
    for position, result in enumerate(results, start=1):
        del result["_order"]
        result["position"] = position
    return results


def hints(answers):
    """What to find out: one hint per question unanswered or answered "vet inte"."""
    answers = clean_answers(answers)
    return [
        {"number": question.number, "question": question, "hint": question.hint}
        for question in load_rules().questions
        if answers.get(question.key, UNKNOWN) == UNKNOWN
    ]


def describe(ranking):
    """The ranking with the wording of the questions and answers added (for showing a snapshot)."""
    by_key = load_rules().by_key
    described = []
    for result in ranking if isinstance(ranking, list) else []:
        if not isinstance(result, dict):
            continue
        result = dict(result)
        for key in ("reasons", "warnings"):
            entries = []
            for entry in result.get(key) or []:
                if isinstance(entry, dict):
                    q = by_key.get(entry.get("question"))
                    option = q.option(entry.get("answer")) if q else None
                    entry = entry | {
                        "question_text": q.text if q else "",
                        "answer_label": option.label if option else entry.get("answer", ""),
                        "number": q.number if q else None,
                    }
                    entries.append(entry)
            result[key] = entries
        result["reasons_for"] = [entry for entry in result["reasons"] if entry.get("points", 0) >= 0]
        result["reasons_against"] = [entry for entry in result["reasons"] if entry.get("points", 0) < 0]
        described.append(result)
    return described


def answer_rows(answers):
    """[(question, option or None)] for every question, for showing the answers."""
    answers = clean_answers(answers)
    return [(question, question.option(answers.get(question.key, ""))) for question in load_rules().questions]


# The questionnaire's state ----------------------------------------------------------------------


def questionnaire(collaboration):
    return FormQuestionnaire.objects.filter(collaboration=collaboration).first()


def answers_of(collaboration):
    found = questionnaire(collaboration)
    return clean_answers(found.answers) if found else {}


def unanswered(answers):
    answers = clean_answers(answers)
    return [question for question in load_rules().questions if question.key not in answers]


def next_unanswered(answers, after=0):
    """The number of the first unanswered question after ``after``, or None."""
    answers = clean_answers(answers)
    return next((q.number for q in load_rules().questions if q.number > after and q.key not in answers), None)


@transaction.atomic
def save_answer(collaboration, question, option_key, user):
    """Save one answer (the questionnaire is saved after every question, so it resumes)."""
    if question.option(option_key) is None:
        raise ValueError(f"unknown option {option_key!r} for {question.key}")
    found, _created = FormQuestionnaire.objects.get_or_create(collaboration=collaboration)
    found = FormQuestionnaire.objects.select_for_update().get(pk=found.pk)
    found.answers = clean_answers(found.answers) | {question.key: option_key}
    found.updated_by = user
    found.updated_at = timezone.now()
    found.save(update_fields=["answers", "updated_by", "updated_at"])
    return found


@transaction.atomic
def restart(collaboration, user):
    """Start over: the answers are cleared (recorded choices keep their own copy)."""
    FormQuestionnaire.objects.filter(collaboration=collaboration).update(
        answers={}, updated_by=user, updated_at=timezone.now()
    )


def state(collaboration, answers=None):
    """Where the questionnaire stands: how many answered, where to continue."""
    answers = answers_of(collaboration) if answers is None else answers
    left = unanswered(answers)
    total = len(load_rules().questions)
    return {
        "answered": total - len(left),
        "total": total,
        "unanswered": left,
        "continue_at": left[0].number if left else None,
        "started": bool(answers),
        "complete": not left,
    }


# The choice -------------------------------------------------------------------------------------


def choosable_forms():
    """The forms that may be chosen: the seven, then MUCF's methods."""
    return list(
        CollaborationForm.objects.current()
        .filter(category__slug__in=load_rules().choosable_categories)
        .select_related("category")
        .order_by("category__order", "order", "pk")
    )


@transaction.atomic
def choose(collaboration, form, *, user, note=""):
    """Record the parties' choice with the answers and the ranking as they are now, set it as the
    collaboration's form and put it in the activity list."""
    answers = answers_of(collaboration)
    ranking = rank(answers)
    choice = FormChoice.objects.create(
        collaboration=collaboration,
        form=form,
        answers=answers,
        recommendation=ranking,
        note=note,
        chosen_by=user,
        chosen_at=timezone.now(),
    )
    Collaboration.objects.filter(pk=collaboration.pk).update(form=form)
    collaboration.form = form
    total = len(load_rules().questions)
    answered = total - len(unanswered(answers))
    Event.record(
        collaboration,
        user,
        Event.Kind.FORM_CHOSEN,
        form.name,
        EventText(gettext_noop("%(answered)s av %(total)s frågor besvarade"), answered=answered, total=total),
    )
    return choice


def recorded_result(choice, slug=None):
    """The chosen form's entry in the ranking recorded with the choice (its reasons then)."""
    slug = slug or choice.form.slug
    return next((r for r in describe(choice.recommendation) if r.get("slug") == slug), None)


# Consequences: the agreement template and the suggested checklists ------------------------------


def suggested_checklists(collaboration, form):
    """[{section, active (ChecklistSection or None)}] for the form's suggested sections that
    exist and have questions, in the mapping's order."""
    if form is None:
        return []
    from projects.checklists.services import sections_with_questions

    slugs = load_rules().suggested_sections.get(form.slug, [])
    sections = {s.slug: s for s in sections_with_questions().filter(slug__in=slugs).select_related("guide")}
    active = {
        cs.section_id: cs
        for cs in ChecklistSection.objects.filter(collaboration=collaboration, active=True, section__slug__in=slugs)
    }
    return [{"section": sections[slug], "active": active.get(sections[slug].pk)} for slug in slugs if slug in sections]


def reading_for(form):
    if form is None:
        return []
    slugs = load_rules().reading.get(form.slug, [])
    found = {s.slug: s for s in Section.objects.current().filter(slug__in=slugs).select_related("guide")}
    return [found[slug] for slug in slugs if slug in found]


def agreement_template(form):
    """What the agreement's template will be for ``form`` (projects.agreements.template_for):
    a guide's template, or None for the short agreement of samråd and dialogue."""
    return agreements.template_for(form)


def financing_table():
    return ReferenceList.objects.current().filter(slug="finansiering-jamforelse").prefetch_related("entries").first()


# The overview -----------------------------------------------------------------------------------


def overview_context(collaboration):
    """What the collaboration overview shows of the form choice."""
    latest = (
        FormChoice.objects.filter(collaboration=collaboration).select_related("form", "chosen_by").first()
        if collaboration.form_id
        else None
    )
    # An agreement started from a form's template without the questions: the card names that form
    # instead of offering the questions for a choice already made in practice.
    agreement = None
    if not collaboration.form_id:
        agreement = (
            collaboration.agreements.filter(period=collaboration.period, form__isnull=False)
            .select_related("form")
            .first()
        )
    return {
        "form_choice_card": {
            "form": collaboration.form,
            "latest": latest,
            "state": state(collaboration),
            "agreement_form": agreement.form if agreement else None,
        }
    }
