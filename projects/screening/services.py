"""The legal screening ("Rättslig genomgång"): the questions, the warnings where an answer
contradicts the chosen form of collaboration, the saves, and the snapshot kept with each version of
the agreement.

The screening informs; it gives no legal advice (the page says so). Every legal reference in the
texts below was checked against the law's or the regulation's text (riksdagen.se, EUR-Lex,
Upphandlingsmyndigheten, Kammarkollegiet); what could not be checked is left out.

``warnings`` is a pure function of the data (the form's slug, the answers, the registrations), so
that the same rules give the live page, the agreement page's summary and the frozen snapshot.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from projects.agreements.models import AgreementVersion
from projects.core.models import Event, EventText, Party
from projects.screening.models import (
    AidGround,
    Answer,
    Question,
    RegistrationStatus,
    ScreeningAnswer,
    ScreeningEvent,
    ScreeningRegistration,
)

# The forms of collaboration (guides.CollaborationForm slugs, fixtures/rules/form_choice.yaml).
IOP = "iop"
PROCUREMENT_FORMS = frozenset({"uppdrag-upphandling", "reserverad-upphandling"})
RESERVED_FORM = "reserverad-upphandling"
GRANT_FORMS = frozenset({"projektmedel", "verksamhetsstod", "organisationsstod"})


@dataclass(frozen=True)
class QuestionText:
    key: str
    number: int
    text: str
    help: str


QUESTIONS = (
    QuestionText(
        Question.COMPETENCE,
        1,
        _("Ligger samverkan inom kommunens befogenheter?"),
        _(
            "Enligt kommunallagen (2017:725) 2 kap. 1 § får kommunen själv ha hand om angelägenheter av allmänt "
            "intresse som har anknytning till kommunens område eller dess medlemmar. Skriv varför det här är ett "
            "allmänt intresse och hur det hänger ihop med kommunen eller invånarna."
        ),
    ),
    QuestionText(
        Question.MARKET,
        2,
        _("Finns det en marknad för det som ska göras?"),
        _(
            "Säljer företag eller andra redan just den här tjänsten? Skriv vad ni har tagit reda på och hur, till "
            "exempel vilka ni har frågat."
        ),
    ),
    QuestionText(
        Question.PROCUREMENT,
        3,
        _("Skulle lagen om offentlig upphandling kräva upphandling?"),
        _(
            "Lagen (2016:1145) om offentlig upphandling (LOU) gäller när kommunen köper: betalar kommunen för en "
            "tjänst som kommunen beställer? Skriv vad kommunen får, vad den betalar för och vem som bestämmer vad "
            "som ska göras."
        ),
    ),
    QuestionText(
        Question.RESERVED,
        4,
        _("Skulle reserverad upphandling för idéburna organisationer passa?"),
        _(
            "Sedan 1 januari 2023 får kommunen reservera en upphandling av vissa sociala tjänster och andra "
            "särskilda tjänster för idéburna organisationer (19 kap. 25 a § LOU). Då får bara idéburna "
            "organisationer delta. Svara Nej om ni inte överväger det."
        ),
    ),
    QuestionText(
        Question.AID,
        5,
        _("Är kommunens stöd statligt stöd?"),
        _(
            "Enligt artikel 107.1 i EUF-fördraget är stöd från det allmänna som gynnar vissa företag och "
            "snedvrider eller hotar att snedvrida konkurrensen förbjudet, om det påverkar handeln mellan "
            "EU-länderna. Svarar ni Ja: välj den grund stödet ges enligt."
        ),
    ),
)
BY_KEY = {question.key: question for question in QUESTIONS}

GROUND_HELP = _(
    "Stöd av mindre betydelse får vara högst 300 000 euro under tre år till ett och samma företag "
    "(förordning (EU) 2023/2831), och högst 750 000 euro för tjänster av allmänt ekonomiskt intresse "
    "(förordning (EU) 2023/2832). En annan grund kan till exempel vara kommissionens beslut 2012/21/EU "
    "eller den allmänna gruppundantagsförordningen (EU) nr 651/2014: skriv vilken."
)
REGISTRATION_HELP = _(
    "Kammarkollegiet för ett register över idéburna organisationer enligt lagen (2022:900) om registrering "
    "av idéburna organisationer. Det är frivilligt att registrera sig. Sök på organisationen i registret och "
    "skriv vad du såg och när. Inget hämtas automatiskt."
)


# The warnings -----------------------------------------------------------------------------------

# Each warning's text, Swedish msgid with its parameters; kept by key in the snapshot so that a
# version's warnings are shown in the reader's language.
WARNING_TEXTS = {
    "iop_market": gettext_noop(
        "Ni har valt IOP men svarat att det finns en marknad. Ett IOP förutsätter att ingen annan säljer "
        "tjänsten. Se över svaret eller samverkansformen."
    ),
    "iop_procurement": gettext_noop(
        "Ni har valt IOP men svarat att LOU skulle kräva upphandling. Ett IOP förutsätter att kommunen inte "
        "köper en tjänst. Se över svaret eller samverkansformen."
    ),
    "grant_procurement": gettext_noop(
        "Ni har valt %(form)s men svarat att LOU skulle kräva upphandling. Ett bidrag är inte betalning för en "
        "tjänst som kommunen beställer. Se över svaret eller samverkansformen."
    ),
    "procurement_no_market": gettext_noop(
        "Ni har valt %(form)s men svarat att det inte finns någon marknad. Se över svaret eller samverkansformen."
    ),
    "reserved_not_registered": gettext_noop(
        "Ni överväger reserverad upphandling, men %(party)s finns inte i Kammarkollegiets register över "
        "idéburna organisationer. Fråga kommunens upphandlare om organisationen kan delta."
    ),
    "reserved_not_checked": gettext_noop(
        "Ni överväger reserverad upphandling, men ingen har kontrollerat om %(party)s finns i Kammarkollegiets "
        "register. Kontrollera det och skriv in datumet."
    ),
    "aid_no_ground": gettext_noop(
        "Ni har svarat att stödet är statligt stöd men inte valt någon grund. Välj den grund stödet ges enligt."
    ),
    "no_competence": gettext_noop(
        "Ni har svarat att samverkan inte ligger inom kommunens befogenheter. Prata med kommunens jurist innan "
        "ni går vidare."
    ),
}
# The warnings whose answer contradicts the chosen form: they link to the form choice, where the
# guides' reasons are.
ABOUT_FORM = frozenset({"iop_market", "iop_procurement", "grant_procurement", "procurement_no_market"})


@dataclass(frozen=True)
class Warning:
    key: str
    params: dict = field(default_factory=dict)
    question: str = ""  # the question it is about (its card's anchor on the page)

    @property
    def about_form(self):
        return self.key in ABOUT_FORM

    @property
    def text(self):
        return render_warning(self.key, self.params)

    def as_data(self):
        with translation.override("sv"):
            return {"key": self.key, "params": dict(self.params), "question": self.question, "text": self.text}


def render_warning(key, params, fallback=""):
    """A warning's text in the active language (a stored one by its key; an unknown key: as stored)."""
    msgid = WARNING_TEXTS.get(key)
    if msgid is None:
        return fallback
    try:
        return gettext(msgid) % params if params else gettext(msgid)
    except (KeyError, TypeError, ValueError):
        return fallback or msgid


def warnings(form, answers, registrations):
    """The warnings for the chosen form ``form`` (a dict with ``slug`` and ``name``, or None), the
    ``answers`` ({question key: {"answer", "ground", ...}}) and the civil-society parties'
    ``registrations`` ([{"name", "status"}]). Pure: nothing is read from the database."""
    slug = (form or {}).get("slug", "")
    name = (form or {}).get("name", "")

    def answer(key):
        return ((answers or {}).get(key) or {}).get("answer", "")

    found = []
    if answer(Question.COMPETENCE) == Answer.NO:
        found.append(Warning("no_competence", question=Question.COMPETENCE))
    if slug == IOP and answer(Question.MARKET) == Answer.YES:
        found.append(Warning("iop_market", question=Question.MARKET))
    if slug == IOP and answer(Question.PROCUREMENT) == Answer.YES:
        found.append(Warning("iop_procurement", question=Question.PROCUREMENT))
    if slug in GRANT_FORMS and answer(Question.PROCUREMENT) == Answer.YES:
        found.append(Warning("grant_procurement", {"form": name}, question=Question.PROCUREMENT))
    if slug in PROCUREMENT_FORMS and answer(Question.MARKET) == Answer.NO:
        found.append(Warning("procurement_no_market", {"form": name}, question=Question.MARKET))
    if slug == RESERVED_FORM or answer(Question.RESERVED) == Answer.YES:
        for registration in registrations or []:
            status = registration.get("status") or RegistrationStatus.NOT_CHECKED
            if status == RegistrationStatus.NOT_REGISTERED:
                found.append(Warning("reserved_not_registered", {"party": registration["name"]}, "registration"))
            elif status == RegistrationStatus.NOT_CHECKED:
                found.append(Warning("reserved_not_checked", {"party": registration["name"]}, "registration"))
    aid = (answers or {}).get(Question.AID) or {}
    if aid.get("answer") == Answer.YES and not aid.get("ground"):
        found.append(Warning("aid_no_ground", question=Question.AID))
    return found


# Reading the live screening -----------------------------------------------------------------------


def answers_of(collaboration):
    """{question key: ScreeningAnswer} of the collaboration."""
    return {
        a.question: a for a in ScreeningAnswer.objects.filter(collaboration=collaboration).select_related("updated_by")
    }


def civil_parties(collaboration):
    """The civil-society parties (not public) with their registration (``party.registration``, or
    None), in one query."""
    parties = collaboration.parties.select_related(
        "organisation", "screening_registration", "screening_registration__updated_by"
    ).order_by("pk")
    found = [party for party in parties if not party.organisation.is_public]
    for party in found:
        try:
            party.registration = party.screening_registration
        except ScreeningRegistration.DoesNotExist:
            party.registration = None
    return found


def chosen_form(collaboration, agreement=None):
    """The form the screening is read against: the current agreement's form (``agreement`` when the
    caller has it), else the collaboration's chosen form; as {"slug", "name"}, or None."""
    if agreement is None:
        agreement = collaboration.agreements.filter(period=collaboration.period).select_related("form").first()
    form = agreement.form if agreement and agreement.form_id else collaboration.form
    return {"slug": form.slug, "name": form.name} if form else None


def _answer_data(answers):
    return {key: {"answer": a.answer, "ground": a.ground, "ground_other": a.ground_other} for key, a in answers.items()}


def _registration_data(parties):
    return [
        {
            "name": party.organisation.name,
            "status": party.registration.status if party.registration else RegistrationStatus.NOT_CHECKED,
        }
        for party in parties
    ]


def current_warnings(collaboration, answers=None, parties=None, agreement=None):
    answers = answers_of(collaboration) if answers is None else answers
    parties = civil_parties(collaboration) if parties is None else parties
    return warnings(chosen_form(collaboration, agreement), _answer_data(answers), _registration_data(parties))


def summary(collaboration, agreement=None):
    """What the agreement page shows while the agreement is a draft: how many questions are answered
    and the warnings (two queries)."""
    answers = answers_of(collaboration)
    return {
        "answered": sum(1 for a in answers.values() if a.answer != Answer.UNKNOWN),
        "total": len(QUESTIONS),
        "warnings": current_warnings(collaboration, answers, agreement=agreement),
    }


def versions(collaboration):
    """The agreement's locked versions of every period (each carries the screening as it was), newest first."""
    return list(
        AgreementVersion.objects.filter(agreement__collaboration=collaboration)
        .select_related("agreement")
        .defer("content", "pdf")
        .order_by("-agreement__period", "-number")
    )


# The snapshot kept with each version ------------------------------------------------------------


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def screening_snapshot(collaboration):
    """The screening as it is now, as plain data for an agreement version's content (hashed with it):
    every question with its answer, reason, ground, who changed it last and when; every civil-society
    party's registration; and the warnings. Texts are kept in Swedish beside the keys (the keys show
    them in the reader's language later)."""
    answers = answers_of(collaboration)
    parties = civil_parties(collaboration)
    found = current_warnings(collaboration, answers, parties)
    with translation.override("sv"):
        questions = []
        for question in QUESTIONS:
            a = answers.get(question.key)
            questions.append(
                {
                    "key": str(question.key),
                    "question": str(question.text),
                    "answer": a.answer if a else "",
                    "answer_label": a.get_answer_display() if a else "",
                    "reason": a.reason if a else "",
                    "ground": a.ground if a else "",
                    "ground_label": a.get_ground_display() if a and a.ground else "",
                    "ground_other": a.ground_other if a else "",
                    "changed_by": a.updated_by.get_full_name() if a and a.updated_by else "",
                    "changed_at": _iso(a.updated_at) if a else "",
                }
            )
        registrations = [
            {
                "party": party.pk,
                "name": party.organisation.name,
                "org_number": party.organisation.org_number or "",
                "status": party.registration.status if party.registration else RegistrationStatus.NOT_CHECKED,
                "status_label": str(
                    RegistrationStatus(party.registration.status).label
                    if party.registration
                    else RegistrationStatus.NOT_CHECKED.label
                ),
                "checked_on": party.registration.checked_on.isoformat()
                if party.registration and party.registration.checked_on
                else "",
                "note": party.registration.note if party.registration else "",
                "changed_by": party.registration.updated_by.get_full_name()
                if party.registration and party.registration.updated_by
                else "",
                "changed_at": _iso(party.registration.updated_at) if party.registration else "",
            }
            for party in parties
        ]
    return {
        "questions": questions,
        "registrations": registrations,
        "warnings": [w.as_data() for w in found],
    }


def _label(choices, value, stored):
    try:
        return str(choices(value).label) if value else ""
    except ValueError:
        return stored


def describe(snapshot):
    """A version's stored screening for showing, in the reader's language where the keys are known
    (the stored Swedish texts otherwise). None for a version locked before the screening existed."""
    if not isinstance(snapshot, dict):
        return None
    questions = []
    for entry in snapshot.get("questions") or []:
        if not isinstance(entry, dict):
            continue
        known = BY_KEY.get(entry.get("key"))
        questions.append(
            entry
            | {
                "number": known.number if known else "",
                "question": str(known.text) if known else entry.get("question", ""),
                "answer_label": _label(Answer, entry.get("answer"), entry.get("answer_label", "")),
                "ground_label": _label(AidGround, entry.get("ground"), entry.get("ground_label", "")),
                "changed_at": _parse(entry.get("changed_at")),
            }
        )
    registrations = [
        entry
        | {
            "status_label": _label(RegistrationStatus, entry.get("status"), entry.get("status_label", "")),
            "checked_on": _parse_date(entry.get("checked_on")),
            "changed_at": _parse(entry.get("changed_at")),
        }
        for entry in snapshot.get("registrations") or []
        if isinstance(entry, dict)
    ]
    shown_warnings = [
        {
            "key": entry.get("key", ""),
            "question": entry.get("question", ""),
            "text": render_warning(entry.get("key"), entry.get("params") or {}, entry.get("text", "")),
            "about_form": entry.get("key") in ABOUT_FORM,
        }
        for entry in snapshot.get("warnings") or []
        if isinstance(entry, dict)
    ]
    return {"questions": questions, "registrations": registrations, "warnings": shown_warnings}


def _parse(value):
    from django.utils.dateparse import parse_datetime

    try:
        return parse_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _parse_date(value):
    from django.utils.dateparse import parse_date

    try:
        return parse_date(value) if value else None
    except (TypeError, ValueError):
        return None


def version_screening(version):
    """The screening a locked version carries (``describe`` of its content), or None."""
    return describe((version.content or {}).get("screening"))


# Writing ------------------------------------------------------------------------------------------


def _conflict(obj):
    name = obj.updated_by.get_full_name() if obj.updated_by else gettext("Någon annan")
    return ValidationError(
        gettext(
            "%(name)s ändrade det här medan du skrev. Det du skrev finns kvar i fälten. Jämför med det som är "
            "sparat och spara igen."
        )
        % {"name": name},
        code="conflict",
    )


def _write(model, found, values, *, user, base_version, create):
    """Save ``values`` on the locked row ``found`` (or create one with ``create``). Returns (the row,
    whether it changed); raises the conflict when the row changed since ``base_version``."""
    if found is not None:
        if all(getattr(found, name) == value for name, value in values.items()):
            return found, False
        if base_version != found.version:
            raise _conflict(found)
        for name, value in values.items():
            setattr(found, name, value)
        found.version += 1
        found.updated_by, found.updated_at = user, timezone.now()
        found.save()
        return found, True
    try:
        with transaction.atomic():  # two first saves at once: the second meets the unique constraint
            return model.objects.create(updated_by=user, updated_at=timezone.now(), **create, **values), True
    except IntegrityError:
        raise ValidationError(
            gettext("Någon annan sparade samtidigt. Det du skrev finns kvar i fälten. Spara igen."), code="conflict"
        ) from None


@transaction.atomic
def save_answer(collaboration, question, *, user, answer, reason="", ground="", ground_other="", base_version=0):
    """Save one question's answer and reason. Returns (the row, whether it changed). A ground is kept
    only for "statligt stöd: ja" (and its name only for "en annan grund"). Raises ValidationError
    (code "conflict") when the answer was changed since ``base_version`` was read."""
    question = Question(question)
    if question != Question.AID or answer != Answer.YES:
        ground = ""
    if ground != AidGround.OTHER:
        ground_other = ""
    values = {"answer": answer, "reason": reason.strip(), "ground": ground, "ground_other": ground_other.strip()}
    rows = ScreeningAnswer.objects.select_for_update(of=("self",)).select_related("updated_by")
    found = rows.filter(collaboration=collaboration, question=question).first()
    obj, changed = _write(
        ScreeningAnswer,
        found,
        values,
        user=user,
        base_version=base_version,
        create={"collaboration": collaboration, "question": question},
    )
    if changed:
        detail = EventText(
            gettext_noop("%(question)s: %(answer)s"),
            question=EventText.label(question.label),
            answer=EventText.label(Answer(answer).label),
        )
        subject = EventText(gettext_noop("Rättslig genomgång"))
        Event.record(collaboration, user, ScreeningEvent.ANSWERED, subject, detail)
    return obj, changed


@transaction.atomic
def save_registration(collaboration, party, *, user, status, checked_on=None, note="", base_version=0):
    """Record whether ``party`` (a civil-society party of the collaboration) is in Kammarkollegiet's
    register, as checked by hand on ``checked_on``. Returns (the row, whether it changed)."""
    if party.collaboration_id != collaboration.pk or party.organisation.is_public:
        raise ValidationError(gettext("Bara en idéburen part kan ha en registrering."), code="party")
    if status == RegistrationStatus.NOT_CHECKED:
        checked_on = None
    values = {"status": status, "checked_on": checked_on, "note": note.strip()}
    found = (
        ScreeningRegistration.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(party=party)
        .first()
    )
    obj, changed = _write(
        ScreeningRegistration,
        found,
        values,
        user=user,
        base_version=base_version,
        create={"collaboration": collaboration, "party": party},
    )
    if changed:
        label = EventText.label(RegistrationStatus(status).label)
        detail = (
            EventText(gettext_noop("%(status)s, kontrollerat %(date)s"), status=label, date=checked_on)
            if checked_on
            else label
        )
        Event.record(collaboration, user, ScreeningEvent.REGISTRATION, party.organisation.name, detail)
    return obj, changed


def history(collaboration, limit=10):
    """The latest changes of the screening (from the activity list): who changed what and when."""
    return list(
        Event.objects.filter(collaboration=collaboration, kind__in=[k.value for k in ScreeningEvent])
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def party_of(collaboration, party_pk):
    return Party.objects.select_related("organisation").filter(collaboration=collaboration, pk=party_pk).first()
