"""Choosing a form of collaboration: the guided questionnaire, its recommendation rules (each
reason quoting a guide) and the recorded choice.

The rules are data (``RULES``): for an answer to a question, a form gets points, and a reason or a
warning that quotes a guide word for word and names the guide and the section. The quotes are
checked against the guides' own text by tests/test_form_choice.py, so they cannot drift from the
guides. The score puts the seven forms of Halland's "Olika samverkansformer" in order; ties keep
the guide's order. Views validate; the functions here apply.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guides.models import SHORT_NAMES, CollaborationForm, ReferenceList, Section

from . import agreements
from .models import ChecklistSection, Collaboration, Event, FormChoice, FormQuestionnaire

# The seven forms of Halland's "Olika samverkansformer", in the guide's order, are what is ranked.
RANKED_CATEGORIES = ("dela-erfarenheter", "gora-tillsammans")
# MUCF's methods may be chosen too, but the guides give no criteria to rank them by.
CHOOSABLE_CATEGORIES = (*RANKED_CATEGORIES, "metod")

UNKNOWN = "vet_inte"


# The questions ----------------------------------------------------------------------------------


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
        return QUESTION_NUMBERS[self.key]

    def option(self, key):
        return next((option for option in self.options if option.key == key), None)


def _unknown():
    return Option(UNKNOWN, _("Vet inte än"))


QUESTIONS = (
    Question(
        "syfte",
        _("Vill ni främst dela erfarenheter och skapa samsyn, eller göra något tillsammans?"),
        _(
            "Att träffas, bolla idéer och lära känna varandra är en sak; att driva eller finansiera en "
            "verksamhet en annan."
        ),
        (
            Option("dela", _("Dela erfarenheter, träffas och skapa samsyn")),
            Option("gora", _("Göra något tillsammans: driva, utveckla eller finansiera en verksamhet")),
            _unknown(),
        ),
        _("Prata igenom vad ni vill uppnå: räcker det att träffas och utbyta erfarenheter, eller ska något göras?"),
    ),
    Question(
        "marknad",
        _("Finns det en marknad eller konkurrens för just det här arbetet?"),
        _("Finns det företag eller andra som redan säljer tjänster som handlar om just det ni vill göra?"),
        (
            Option("ja", _("Ja, det finns företag eller andra som säljer den tjänsten")),
            Option("nej", _("Nej, det finns ingen marknad eller konkurrens för det här arbetet")),
            _unknown(),
        ),
        _(
            "Ta reda på om företag eller andra redan säljer just den här tjänsten. Finns det en marknad ska "
            "arbetet upphandlas, och då passar inte ett IOP."
        ),
    ),
    Question(
        "initiativ",
        _("Vems initiativ är samverkan?"),
        _("Vem tog upp frågan och vill driva den framåt?"),
        (
            Option("ideburen", _("Den idéburna partens")),
            Option("offentlig", _("Den offentliga partens")),
            Option("gemensamt", _("Gemensamt: vi kom fram till det tillsammans")),
        ),
        _("Prata om hur frågan kom upp och vem som vill driva den."),
    ),
    Question(
        "tid",
        _("Är verksamheten tillfällig och tydligt avgränsad, eller långsiktig?"),
        _("Till exempel att under en begränsad tid pröva något nytt, eller en verksamhet som ska finnas kvar."),
        (
            Option("tillfallig", _("Tillfällig och tydligt avgränsad")),
            Option("langsiktig", _("Långsiktig: verksamheten ska drivas under en längre tid")),
            _unknown(),
        ),
        _("Kom överens om hur länge verksamheten ska pågå och vad som händer om den lyckas."),
    ),
    Question(
        "definierar",
        _("Definierar den idéburna parten själv verksamheten?"),
        _("Vem bestämmer vad som ska göras och vad som är god kvalitet?"),
        (
            Option("ja", _("Ja, den idéburna parten definierar verksamheten själv")),
            Option("tillsammans", _("Vi definierar den tillsammans")),
            Option("nej", _("Nej, den offentliga parten definierar vad som ska göras")),
            _unknown(),
        ),
        _(
            "Ta reda på vem som bestämmer verksamhetens innehåll och kvalitet: organisationen, ni tillsammans "
            "eller den offentliga parten."
        ),
    ),
    Question(
        "resurser",
        _("Bidrar båda parter med resurser?"),
        _("Resurser kan vara pengar, personal, ideella krafter, expertis eller lokaler."),
        (
            Option("bada", _("Ja, båda parter bidrar med resurser")),
            Option("offentlig", _("Nej, den offentliga parten betalar allt")),
            _unknown(),
        ),
        _("Gör en lista över vad varje part kan bidra med: pengar, personal, ideella krafter, lokaler."),
    ),
    Question(
        "tillit",
        _("Finns det tillit mellan parterna och en tydlig roll- och ansvarsfördelning?"),
        _("Känner ni varandra, och vet ni vem som ska göra vad och vem som ansvarar för vad?"),
        (
            Option("ja", _("Ja")),
            Option("delvis", _("Delvis")),
            Option("nej", _("Nej, inte än")),
        ),
        _("Prata om roller och ansvar innan ni väljer en form som kräver mycket av er båda."),
    ),
    Question(
        "juridik",
        _("Har ni gått igenom de juridiska förutsättningarna?"),
        _("Till exempel kommunallagen, EU:s statsstödsregler och lagen om offentlig upphandling (LOU)."),
        (
            Option("ja", _("Ja")),
            Option("pagar", _("Det pågår")),
            Option("nej", _("Nej, inte än")),
        ),
        _("Gör en första juridisk analys: kommunallagen, EU:s statsstödsregler och LOU."),
    ),
)
QUESTION_NUMBERS = {question.key: number for number, question in enumerate(QUESTIONS, start=1)}
BY_KEY = {question.key: question for question in QUESTIONS}


def question(number):
    """Question ``number`` (1–8), or None."""
    if isinstance(number, int) and 1 <= number <= len(QUESTIONS):
        return QUESTIONS[number - 1]
    return None


def clean_answers(raw):
    """Only answers to known questions with known options (the stored JSON is not trusted)."""
    if not isinstance(raw, dict):
        return {}
    return {
        key: value
        for key, value in raw.items()
        if key in BY_KEY and isinstance(value, str) and BY_KEY[key].option(value) is not None
    }


# The guides' words ------------------------------------------------------------------------------


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


def _halland(text, section, anchor):
    return Quote(text, "halland", section, ("forms", anchor))


IOP_SECTION = "IOP – Ett IOP fungerar bäst när"
FINANCING_SECTION = "Några skillnader mellan finansieringsformer"


def _iop_condition(number, text, guide="sjustegs", section=IOP_SECTION):
    return Quote(text, guide, section, ("forms", f"iop-villkor-{number:02d}"))


def _financing(text):
    return Quote(text, "sjustegs", FINANCING_SECTION, ("forms", "finansiering-jamforelse"))


Q = {
    # Halland, "Olika samverkansformer"
    "traffas": _halland(
        "Genom att träffas skapas inte bara kunskap om varandra, utan också möjligheter att bolla idéer.",
        "Olika samverkansformer",
        "dela-erfarenheter",
    ),
    "samrad": _halland("Ett samråd innebär att deltagarna förväntas tycka till i en viss fråga.", "Samråd", "samrad"),
    "dialogmoten": _halland("Passar bra när ni vill utbyta erfarenheter med andra.", "Dialogmöten", "dialogmoten"),
    "dialogmoten-tillsammans": _halland(
        "Dialogmöten passar extra bra vid utvärderingar eller för att spåna om lösningar på ett samhällsproblem "
        "tillsammans.",
        "Dialogmöten",
        "dialogmoten",
    ),
    "projektmedel": _halland(
        "Används när man vill testa något nytt, tillfälligt eller utveckla någon verksamhet.",
        "Projektmedel",
        "projektmedel",
    ),
    "projektmedel-tillfallig": _halland(
        "Projektmedel ska bara användas för tillfälliga och tydligt avgränsad verksamhet.",
        "Projektmedel",
        "projektmedel",
    ),
    "projektmedel-undvik": _halland(
        "Undvik projektmedel som samverkansform när det redan finns en beprövad verksamhet som hittat sin form.",
        "Projektmedel",
        "projektmedel",
    ),
    "projektmedel-roller": _halland(
        "Var noga med att diskutera igenom rollfördelningen så att ni inte blir osams under projektets gång.",
        "Projektmedel",
        "projektmedel",
    ),
    "verksamhetsstod": _halland(
        "Syftet med ett verksamhetsstöd är att se till så att en viss aktivitet, arrangemang eller service finns "
        "tillgänglig.",
        "Verksamhetsstöd",
        "verksamhetsstod",
    ),
    "verksamhetsstod-langsiktig": _halland(
        "Generellt kan stödet beskrivas som mer långsiktigt än projektmedel.", "Verksamhetsstöd", "verksamhetsstod"
    ),
    "verksamhetsstod-oronmarkt": _halland(
        "Stödet är fortfarande öronmärkt för en särskild verksamhet.", "Verksamhetsstöd", "verksamhetsstod"
    ),
    "organisationsstod": _halland(
        "Idéburna organisationer kan få ett generellt organisationsstöd för att kunna bedriva sin ordinarie "
        "verksamhet.",
        "Generellt organisationsstöd",
        "organisationsstod",
    ),
    "organisationsstod-definierat": _halland(
        "Stödet beviljas vanligtvis för ett år i taget och möjliggör för den idéburna organisationen att bedriva "
        "verksamhet för att möta behov som organisationen själv har definierat.",
        "Generellt organisationsstöd",
        "organisationsstod",
    ),
    "organisationsstod-langsiktig": _halland(
        "Parterna bör sträva efter att komma överens om hur verksamheten ska bli långsiktigt hållbar och kan "
        "eventuellt ingå i en avsiktsförklaring för en flerårig finansiering.",
        "Generellt organisationsstöd",
        "organisationsstod",
    ),
    "organisationsstod-tillit": _halland(
        "Den offentliga parten behöver visa tillit till den idéburna partens förmåga att utföra sitt uppdrag och att "
        "organisera arbetet därefter.",
        "Generellt organisationsstöd",
        "organisationsstod",
    ),
    "uppdrag-upphandling": _halland(
        "Idéburna organisationer kan åta sig ett uppdrag eller delta i en upphandling för att utföra verksamhet.",
        "Uppdrag eller upphandling",
        "uppdrag-upphandling",
    ),
    "uppdrag-konkurrens": _halland(
        "Upphandling kan vinnas i konkurrens med företag eller andra idéburna aktörer.",
        "Uppdrag eller upphandling",
        "uppdrag-upphandling",
    ),
    "uppdrag-flera-ar": _halland(
        "Uppdragen kan vara stora, innehålla flera verksamheter och utföras över flera år.",
        "Uppdrag eller upphandling",
        "uppdrag-upphandling",
    ),
    "uppdrag-dialog": _halland(
        "Uppdrag kan inte skapas av en part, utan måste utvecklas i dialog mellan de tänkta parterna.",
        "Uppdrag eller upphandling",
        "uppdrag-upphandling",
    ),
    "iop": _halland(
        "I ett partnerskap driver parterna verksamhet tillsammans.", "Idéburet Offentligt Partnerskap", "iop"
    ),
    # When an IOP fits and when not (Halland and 7 steg: reference/iop_conditions.yaml)
    "iop-initiativ": _iop_condition(1, "Verksamheten sker på initiativ av den idéburna organisationen"),
    "iop-ingen-marknad": _iop_condition(4, "Det inte finns en marknad eller en konkurrenssituation att vårda"),
    "iop-bada-finansierar": _iop_condition(
        5, "Bägge parterna är med och finansierar verksamheten (via pengar eller andra insatser)"
    ),
    "iop-langre-tid": _iop_condition(6, "Verksamheten avses att drivas under en längre tid"),
    "iop-tillit-kapacitet": _iop_condition(
        7, "Ett IOP ställer krav på tillit och kapacitet. Det behövs en bra dialog mellan parterna.", section="IOP"
    ),
    "iop-hoga-krav": _iop_condition(
        8,
        "Ett IOP ställer höga krav på tillit, politisk vilja och ömsesidig förståelse för varandras olika uppdrag.",
        guide="halland",
        section="Idéburet Offentligt Partnerskap",
    ),
    "iop-juridik": _iop_condition(
        9,
        "Parterna behöver klargöra de juridiska förutsättningarna för att inte riskera överklaganden i efterhand.",
        guide="halland",
        section="Idéburet Offentligt Partnerskap",
    ),
    "iop-marknad-sjustegs": _iop_condition(
        10,
        "Om det finns företag eller någon som säljer tjänster som handlar om just det arbete som ska tas upp inom IOP "
        "så går det inte att genomföra IOP eftersom kommunen riskerar att snedvrida konkurrens på marknaden.",
        section="IOP",
    ),
    "iop-marknad": _iop_condition(
        11,
        "IOP passar därför inte om det redan finns en marknad och därför ska upphandlas",
        guide="halland",
        section="Idéburet Offentligt Partnerskap",
    ),
    "iop-saknas-tillit": _iop_condition(
        12,
        "IOP passar därför inte om det redan finns en marknad och därför ska upphandlas, eller om det saknas tillit, "
        "en tydlig rollfördelning och ansvarsfördelning.",
        guide="halland",
        section="Idéburet Offentligt Partnerskap",
    ),
    # Other guides on the forms
    "mucf-iop": Quote(
        "Ett IOP-avtal bygger på att en eller flera idéburna och offentliga aktörer, på den idéburna aktörens "
        "initiativ, gemensamt identifierar en samhällsutmaning där alla parter vill bidra till en lösning.",
        "mucf",
        "Metod – Kom vidare",
        ("forms", "iop"),
    ),
    "mucf-samrad": Quote(
        "Samråd bjuder den offentliga parten in till.", "mucf", "Metod – Kom vidare", ("forms", "samrad")
    ),
    "sjustegs-iop-tillsammans": Quote(
        "I centrum för partnerskapet står ett samhällsbehov som behöver lösas och det definieras av parterna "
        "tillsammans.",
        "sjustegs",
        "IOP",
        ("section", "sjustegs-steg-3-iop"),
    ),
    "sjustegs-projektmedel-utlyses": Quote(
        "Ofta utlyser kommunen projektmedel inom ett särskilt område, utifrån en specifik fråga eller ett tillfälligt "
        "behov.",
        "sjustegs",
        "Bidrag",
        ("forms", "bidrag-projektbidrag"),
    ),
    "sjustegs-projektmedel-syfte": Quote(
        "Kommunerna har alltså ofta ett tydligt syfte med de projektmedel som utlyses.",
        "sjustegs",
        "Bidrag",
        ("forms", "bidrag-projektbidrag"),
    ),
    "sjustegs-bestallare": Quote(
        "Kommunen som beställare bestämmer vad det är de behöver köpa in.",
        "sjustegs",
        "Upphandling/inköp",
        ("section", "sjustegs-steg-3-upphandling"),
    ),
    "sjustegs-lou": Quote(
        "Kommuner kan också köpa in en tjänst och behöver då följa lagen om offentlig upphandling.",
        "sjustegs",
        "Vad behöver du veta om finansiering?",
        ("section", "sjustegs-steg-3"),
    ),
    "sjustegs-nivaer": Quote(
        "Oftast är det lättast att börja i information och sedan fördjupa samverkan till samråd, dialog och "
        "partnerskap, men det är inget självändamål att komma till partnerskap beroende på er organisations syfte "
        "och förutsättningar.",
        "sjustegs",
        "Former för samverkan",
        ("section", "sjustegs-steg-4-former"),
    ),
    "forum-lagar": Quote(
        "Kommunalagen, EU:s statsstödsregler, Lagen om offentlig upphandling, är några lagstiftningar som kan vara "
        "relevanta.",
        "forum",
        "Formulering",
        ("section", "forum-formulering"),
    ),
    # The financing comparison (7 steg, after MUCF's Samla kraft!)
    "fin-upphandling-syfte": _financing("Låta en extern organisation utföra ett uppdrag åt det offentliga"),
    "fin-foreningsbidrag-ersattning": _financing(
        "Verksamheten ersätts inte fullt ut, andra resurser finns inom organisationen"
    ),
    "fin-upphandling-ersattning": _financing("Verksamheten ersätts fullt ut från det offentliga"),
    "fin-iop-ersattning": _financing(
        "Båda parter bidrar med resurser i form av exempelvis pengar, arbetstid, expertis, ideellt arbete och lokaler"
    ),
    "fin-foreningsbidrag-kvalitet": _financing("Organisationen definierar kvalitet"),
    "fin-upphandling-kvalitet": _financing("Den offentliga aktören definierar kvalitet"),
    "fin-iop-kvalitet": _financing("Parterna definierar kvalitet tillsammans"),
}


# The rules --------------------------------------------------------------------------------------

REASON, WARNING = "reason", "warning"


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


GORA = ("projektmedel", "verksamhetsstod", "organisationsstod", "uppdrag-upphandling", "iop")

RULES = (
    # 1. Share experience or do something together (Halland's two categories).
    Rule("syfte", "dela", "samrad", 5, "samrad"),
    Rule("syfte", "dela", "dialogmoten", 5, "dialogmoten"),
    *(Rule("syfte", "dela", form, -2, form) for form in GORA),
    *(Rule("syfte", "gora", form, 2, form) for form in GORA),
    Rule("syfte", "gora", "samrad", -2, "traffas"),
    Rule("syfte", "gora", "dialogmoten", -2, "traffas"),
    # 2. A market: then procurement, and an IOP does not fit.
    Rule("marknad", "ja", "iop", -6, "iop-marknad", WARNING, decisive=True),
    Rule("marknad", "ja", "iop", -2, "iop-marknad-sjustegs", WARNING),
    Rule("marknad", "ja", "uppdrag-upphandling", 5, "uppdrag-konkurrens"),
    Rule("marknad", "nej", "iop", 2, "iop-ingen-marknad"),
    # 3. Whose initiative.
    Rule("initiativ", "ideburen", "iop", 3, "iop-initiativ"),
    Rule("initiativ", "offentlig", "samrad", 2, "mucf-samrad"),
    Rule("initiativ", "offentlig", "uppdrag-upphandling", 2, "fin-upphandling-syfte"),
    Rule("initiativ", "offentlig", "projektmedel", 1, "sjustegs-projektmedel-utlyses"),
    Rule("initiativ", "offentlig", "iop", -1, "mucf-iop"),
    Rule("initiativ", "gemensamt", "iop", 2, "sjustegs-iop-tillsammans"),
    Rule("initiativ", "gemensamt", "dialogmoten", 1, "dialogmoten-tillsammans"),
    Rule("initiativ", "gemensamt", "uppdrag-upphandling", 1, "uppdrag-dialog"),
    # 4. Temporary and clearly bounded, or long-term.
    Rule("tid", "tillfallig", "projektmedel", 4, "projektmedel-tillfallig"),
    Rule("tid", "tillfallig", "verksamhetsstod", -1, "verksamhetsstod-langsiktig"),
    Rule("tid", "tillfallig", "iop", -3, "iop-langre-tid", WARNING),
    Rule("tid", "langsiktig", "projektmedel", -3, "projektmedel-undvik", WARNING),
    Rule("tid", "langsiktig", "projektmedel", -1, "projektmedel-tillfallig"),
    Rule("tid", "langsiktig", "iop", 2, "iop-langre-tid"),
    Rule("tid", "langsiktig", "verksamhetsstod", 2, "verksamhetsstod-langsiktig"),
    Rule("tid", "langsiktig", "organisationsstod", 1, "organisationsstod-langsiktig"),
    Rule("tid", "langsiktig", "uppdrag-upphandling", 1, "uppdrag-flera-ar"),
    # 5. Who defines the activity.
    Rule("definierar", "ja", "organisationsstod", 4, "organisationsstod-definierat"),
    Rule("definierar", "ja", "organisationsstod", 1, "fin-foreningsbidrag-kvalitet"),
    Rule("definierar", "ja", "uppdrag-upphandling", -2, "fin-upphandling-kvalitet"),
    Rule("definierar", "tillsammans", "iop", 3, "fin-iop-kvalitet"),
    Rule("definierar", "tillsammans", "organisationsstod", -1, "fin-foreningsbidrag-kvalitet"),
    Rule("definierar", "nej", "uppdrag-upphandling", 3, "sjustegs-bestallare"),
    Rule("definierar", "nej", "verksamhetsstod", 1, "verksamhetsstod-oronmarkt"),
    Rule("definierar", "nej", "projektmedel", 1, "sjustegs-projektmedel-syfte"),
    Rule("definierar", "nej", "organisationsstod", -3, "fin-foreningsbidrag-kvalitet"),
    Rule("definierar", "nej", "iop", -2, "fin-iop-kvalitet"),
    # 6. Do both parties contribute resources.
    Rule("resurser", "bada", "iop", 3, "iop-bada-finansierar"),
    Rule("resurser", "bada", "organisationsstod", 1, "fin-foreningsbidrag-ersattning"),
    Rule("resurser", "bada", "uppdrag-upphandling", -2, "fin-upphandling-ersattning"),
    Rule("resurser", "offentlig", "iop", -3, "iop-bada-finansierar", WARNING),
    Rule("resurser", "offentlig", "uppdrag-upphandling", 3, "fin-upphandling-ersattning"),
    Rule("resurser", "offentlig", "organisationsstod", -1, "fin-foreningsbidrag-ersattning"),
    # 7. Trust and a clear division of roles.
    Rule("tillit", "ja", "iop", 2, "iop-hoga-krav"),
    Rule("tillit", "ja", "organisationsstod", 1, "organisationsstod-tillit"),
    Rule("tillit", "delvis", "iop", -1, "iop-tillit-kapacitet", WARNING),
    Rule("tillit", "delvis", "projektmedel", 0, "projektmedel-roller", WARNING),
    Rule("tillit", "nej", "iop", -6, "iop-saknas-tillit", WARNING, decisive=True),
    Rule("tillit", "nej", "organisationsstod", -2, "organisationsstod-tillit", WARNING),
    Rule("tillit", "nej", "projektmedel", -1, "projektmedel-roller", WARNING),
    Rule("tillit", "nej", "samrad", 1, "sjustegs-nivaer"),
    Rule("tillit", "nej", "dialogmoten", 1, "sjustegs-nivaer"),
    # 8. The legal ground (kommunallagen, state aid, LOU).
    Rule("juridik", "ja", "iop", 1, "iop-juridik"),
    Rule("juridik", "pagar", "iop", 0, "forum-lagar", WARNING),
    Rule("juridik", "pagar", "uppdrag-upphandling", 0, "forum-lagar", WARNING),
    Rule("juridik", "nej", "iop", -2, "iop-juridik", WARNING),
    Rule("juridik", "nej", "uppdrag-upphandling", -1, "sjustegs-lou", WARNING),
)

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
        .filter(category__slug__in=RANKED_CATEGORIES)
        .order_by("category__order", "order", "pk")
    )


def rank(answers, forms=None):
    """The forms ranked for ``answers``: a list of plain dicts (stored as the choice's snapshot),
    best first, ties in the guide's order. Each has its score, fit, reasons and warnings; a reason
    or warning has the quote, its source and link, and the answer it follows from. A form the guides
    say does not fit (a decisive warning) comes after all the others and "passar sämre"."""
    answers = clean_answers(answers)
    forms = ranked_forms() if forms is None else forms
    results = []
    for order, form in enumerate(forms):
        reasons, warnings, score, excluded = [], [], 0, False
        for rule in RULES:
            if rule.form != form.slug or answers.get(rule.question) != rule.answer:
                continue
            score += rule.points
            excluded = excluded or rule.decisive
            quote = Q[rule.quote]
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
        for question in QUESTIONS
        if answers.get(question.key, UNKNOWN) == UNKNOWN
    ]


def describe(ranking):
    """The ranking with the wording of the questions and answers added (for showing a snapshot)."""
    described = []
    for result in ranking if isinstance(ranking, list) else []:
        if not isinstance(result, dict):
            continue
        result = dict(result)
        for key in ("reasons", "warnings"):
            entries = []
            for entry in result.get(key) or []:
                if isinstance(entry, dict):
                    q = BY_KEY.get(entry.get("question"))
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
    return [(question, question.option(answers.get(question.key, ""))) for question in QUESTIONS]


# The questionnaire's state ----------------------------------------------------------------------


def questionnaire(collaboration):
    return FormQuestionnaire.objects.filter(collaboration=collaboration).first()


def answers_of(collaboration):
    found = questionnaire(collaboration)
    return clean_answers(found.answers) if found else {}


def unanswered(answers):
    answers = clean_answers(answers)
    return [question for question in QUESTIONS if question.key not in answers]


def next_unanswered(answers, after=0):
    """The number of the first unanswered question after ``after``, or None."""
    answers = clean_answers(answers)
    return next((q.number for q in QUESTIONS if q.number > after and q.key not in answers), None)


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
    return {
        "answered": len(QUESTIONS) - len(left),
        "total": len(QUESTIONS),
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
        .filter(category__slug__in=CHOOSABLE_CATEGORIES)
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
    answered = len(QUESTIONS) - len(unanswered(answers))
    Event.record(
        collaboration,
        user,
        Event.Kind.FORM_CHOSEN,
        form.name,
        gettext("%(answered)s av %(total)s frågor besvarade") % {"answered": answered, "total": len(QUESTIONS)},
    )
    return choice


def recorded_result(choice, slug=None):
    """The chosen form's entry in the ranking recorded with the choice (its reasons then)."""
    slug = slug or choice.form.slug
    return next((r for r in describe(choice.recommendation) if r.get("slug") == slug), None)


# Consequences: the agreement template and the suggested checklists ------------------------------

# Guide sections with questions that suit each form, offered as checklists once it is chosen.
SUGGESTED_SECTIONS = {
    # Samråd and dialogue: the levels of collaboration (7 steg), who to involve and the problem (MUCF).
    "samrad": ["sjustegs-steg-4-former", "mucf-samverkanspartner"],
    "dialogmoten": ["sjustegs-steg-4-former", "mucf-problem", "mucf-utvardera"],
    "dialog": ["sjustegs-steg-4-former", "mucf-problem"],
    # Grants: trying something new, continuation, roles and following up.
    "projektmedel": ["sjustegs-steg-4-innovation", "sjustegs-steg-6-fortsattning", "mucf-rollfordelning"],
    "projekt": ["sjustegs-steg-4-innovation", "sjustegs-steg-6-fortsattning", "mucf-rollfordelning"],
    "verksamhetsstod": ["mucf-gemensam-bild", "sjustegs-steg-7-framgang"],
    "organisationsstod": ["sjustegs-steg-6-fortsattning", "halland-agandeskap"],
    # Procurement: laws and governing documents, roles.
    "uppdrag-upphandling": ["mucf-lagar", "mucf-rollfordelning"],
    "reserverad-upphandling": ["mucf-lagar", "mucf-rollfordelning"],
    # IOP: Forum's IOP process phase by phase, and the legal ground.
    "iop": ["forum-agendasattning", "forum-formulering", "forum-beslut", "forum-folja-upp", "mucf-lagar"],
    "tjanstedesign": ["sjustegs-steg-4-innovation", "mucf-metod"],
}

# Guide sections to read about the form (they have no questions to answer).
READING = {
    "samrad": ["forum-samverkanskarta"],
    "dialogmoten": ["forum-samverkanskarta"],
    "dialog": ["forum-samverkanskarta"],
    "projektmedel": ["sjustegs-steg-3-bidrag"],
    "verksamhetsstod": ["sjustegs-steg-3-bidrag"],
    "organisationsstod": ["sjustegs-steg-3-bidrag"],
    "uppdrag-upphandling": ["sjustegs-steg-3-upphandling"],
    "reserverad-upphandling": ["sjustegs-steg-3-upphandling"],
    "iop": ["sjustegs-steg-3-iop", "forum-omformulering"],
}


def suggested_checklists(collaboration, form):
    """[{section, active (ChecklistSection or None)}] for the form's suggested sections that
    exist and have questions, in the mapping's order."""
    if form is None:
        return []
    from .checklists import sections_with_questions

    slugs = SUGGESTED_SECTIONS.get(form.slug, [])
    sections = {s.slug: s for s in sections_with_questions().filter(slug__in=slugs).select_related("guide")}
    active = {
        cs.section_id: cs
        for cs in ChecklistSection.objects.filter(collaboration=collaboration, active=True, section__slug__in=slugs)
    }
    return [{"section": sections[slug], "active": active.get(sections[slug].pk)} for slug in slugs if slug in sections]


def reading_for(form):
    if form is None:
        return []
    slugs = READING.get(form.slug, [])
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
    return {
        "form_choice_card": {
            "form": collaboration.form,
            "latest": latest,
            "state": state(collaboration),
        }
    }
