"""The official's decision memo (tjänsteskrivelse) a municipal official takes to the committee:
what the official writes (``save_memo``: the committee, the record number, the official, the
proposal's wording) and the rest made from the collaboration when it is shown or downloaded
(``content``): the matter, the background (the challenge, the target group, the parties), the chosen
form with its reasons and the guides' words, the legal screening with its warnings, the budget per
party and year, the de minimis totals of the civil-society parties, the proposal and the attachments.

``content`` is plain data, in Swedish (the memo goes to a Swedish committee), read by both the Word
file (projects/memo/documents.py) and the PDF's template (templates/projects/memo/memo_pdf.html)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.agreements import services as agreements
from projects.agreements.models import Agreement, PartyRecord
from projects.budget import queries as budget
from projects.core.models import Event
from projects.form_choice import services as form_choice
from projects.form_choice.models import FormChoice
from projects.memo.models import DecisionMemo, MemoEvent
from projects.screening import services as screening
from projects.state_aid import queries as state_aid

IOP = "iop"
FIELDS = ("committee", "record_number", "official_name", "official_title", "proposal")


def _names(names):
    """ "A", "A och B", "A, B och C"."""
    names = [name for name in names if name]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} och {names[-1]}"


def _agreement(collaboration):
    return (
        Agreement.objects.filter(collaboration=collaboration, period=collaboration.period)
        .select_related("form")
        .first()
    )


def _form(collaboration, agreement):
    """The chosen form: the agreement's, else the collaboration's (as the screening reads it)."""
    return agreement.form if agreement and agreement.form_id else collaboration.form


def _civil_names(parties):
    return _names(party.organisation.name for party in parties if not party.organisation.is_public) or "[parter]"


def _what(form, others):
    """What is entered into, said after "att ingå" (the proposal) or as the matter's name."""
    if form is not None and form.slug == IOP:
        return f"idéburet offentligt partnerskap med {others}"
    if form is not None:
        return f"en överenskommelse om samverkan i formen {form.name.lower()} med {others}"
    return f"en överenskommelse om samverkan med {others}"


def default_proposal(collaboration, committee="", agreement=None, form=None):
    """The proposal's wording before anyone has changed it, adapted to the chosen form."""
    agreement = agreement if agreement is not None else _agreement(collaboration)
    form = form if form is not None else _form(collaboration, agreement)
    others = _civil_names(collaboration.parties.select_related("organisation").order_by("pk"))
    who = committee.strip() or "[Nämnden]"
    return f"{who} beslutar att ingå {_what(form, others)} enligt bilaga 1."


def memo_of(collaboration, party):
    """The saved memo of ``party`` in ``collaboration``, or an unsaved one with the defaults: the party's
    record number from the agreement, the proposal's default wording."""
    memo = DecisionMemo.objects.filter(collaboration=collaboration, party=party).select_related("updated_by").first()
    if memo is not None:
        return memo
    agreement = _agreement(collaboration)
    record = PartyRecord.objects.filter(agreement=agreement, party=party).first() if agreement else None
    return DecisionMemo(
        collaboration=collaboration,
        party=party,
        record_number=record.record_number if record else "",
        proposal=default_proposal(collaboration, agreement=agreement),
    )


@transaction.atomic
def save_memo(collaboration, party, *, user, base_version, **values):
    """Save what the official wrote. ``base_version``: the version the person's form was made from; a
    newer one means someone else saved in between, and nothing is saved (ValidationError)."""
    memo = DecisionMemo.objects.select_for_update().filter(collaboration=collaboration, party=party).first()
    current = memo.version if memo else 0
    if base_version != current:
        who = memo.updated_by.get_full_name() if memo and memo.updated_by else _("någon annan")
        raise ValidationError(
            _(
                "%(name)s har ändrat tjänsteskrivelsen medan du skrev. Din text finns kvar i formuläret. "
                "Läs den sparade versionen i ett nytt fönster och spara sedan igen."
            )
            % {"name": who},
            code="conflict",
        )
    if memo is None:
        memo = DecisionMemo(collaboration=collaboration, party=party)
    changed = [name for name in FIELDS if getattr(memo, name) != values.get(name, "")]
    if memo.pk and not changed:
        return memo, False
    for name in FIELDS:
        setattr(memo, name, values.get(name, ""))
    memo.version = current + 1
    memo.updated_by = user
    memo.updated_at = timezone.now()
    memo.save()
    Event.record(collaboration, user, MemoEvent.SAVED, party.organisation.name, memo.committee)
    return memo, True


# The memo's content --------------------------------------------------------------------------------


def _form_part(collaboration, form):
    """The chosen form, the parties' own reasons (the note) and, from the recorded choice, the reasons
    for and against and the warnings with the guides' words."""
    if form is None:
        return None
    choice = FormChoice.objects.filter(collaboration=collaboration, form=form).select_related("form").first()
    result = form_choice.recorded_result(choice) if choice else None

    def quotes(entries):
        return [
            {
                "question": entry.get("question_text", ""),
                "answer": entry.get("answer_label", ""),
                "text": entry.get("text", ""),
                "source": entry.get("source", ""),
            }
            for entry in entries or []
        ]

    return {
        "name": form.name,
        "chosen_on": timezone.localtime(choice.chosen_at).date().isoformat() if choice else "",
        "note": choice.note if choice else "",
        "fit": str(form_choice.FIT_LABELS.get(result.get("fit"), "")) if result else "",
        "reasons_for": quotes(result.get("reasons_for")) if result else [],
        "reasons_against": quotes(result.get("reasons_against")) if result else [],
        "warnings": quotes(result.get("warnings")) if result else [],
    }


def _screening_part(collaboration):
    described = screening.describe(screening.screening_snapshot(collaboration)) or {}
    return {
        "questions": [
            {
                "key": q.get("key", ""),
                "number": q.get("number", ""),
                "question": q.get("question", ""),
                "answer": q.get("answer_label") or "Inte besvarad",
                "reason": q.get("reason", ""),
                "ground": q.get("ground_label") or q.get("ground_other") or "",
            }
            for q in described.get("questions", [])
        ],
        "registrations": [
            {"name": r.get("name", ""), "status": r.get("status_label", "")} for r in described.get("registrations", [])
        ],
        "warnings": [w.get("text", "") for w in described.get("warnings", [])],
    }


def _aid_part(civil):
    """The de minimis totals (three years to today) of each civil-society party: totals only."""
    found = state_aid.totals_for([party.organisation.org_number for party in civil if party.organisation.org_number])
    rows = []
    for party in civil:
        number = party.organisation.org_number or ""
        totals = found.get(number)
        rows.append(
            {
                "name": party.organisation.name,
                "org_number": number,
                "start": totals.start.isoformat() if totals else "",
                "until": totals.until.isoformat() if totals else "",
                "lines": [
                    {
                        "label": "Allmänt de minimis-stöd" if line.key == "general" else "Allmänt och SGEI tillsammans",
                        "total": str(line.total),
                        "ceiling": str(line.ceiling),
                        "percent": line.percent,
                        "level": line.level,
                    }
                    for line in totals.lines
                ]
                if totals
                else [],
            }
        )
    return rows


def content(collaboration, memo):
    """Everything the memo shows, as plain data in Swedish (see the module)."""
    with translation.override("sv"):
        agreement = _agreement(collaboration)
        form = _form(collaboration, agreement)
        parties = list(collaboration.parties.select_related("organisation").order_by("pk"))
        civil = [party for party in parties if not party.organisation.is_public]
        version = agreements.current_version(agreement) if agreement else None
        if agreement is None:
            attachment = "Överenskommelse (inte påbörjad i Samverkan)"
        elif version is not None and agreement.state != Agreement.State.DRAFT:
            frozen = timezone.localtime(version.frozen_at).date().isoformat()
            attachment = f"{agreement.title}, version {version.number} (låst för beslut {frozen})"
        else:
            attachment = f"{agreement.title} (utkast)"
        proposal = memo.proposal.strip() or default_proposal(collaboration, memo.committee, agreement, form)
        matter = _what(form, _civil_names(civil))
        matter = matter[0].upper() + matter[1:]
        return {
            "title": f"Tjänsteskrivelse: {collaboration.title}",
            "collaboration": collaboration.title,
            "party": memo.party.organisation.name,
            "committee": memo.committee,
            "record_number": memo.record_number,
            "official_name": memo.official_name,
            "official_title": memo.official_title,
            "date": timezone.localdate().isoformat(),
            "matter": matter,
            "proposal": proposal,
            "challenge": collaboration.challenge,
            "target_group": collaboration.target_group,
            "description": collaboration.description,
            "period": {
                "start": collaboration.start_date.isoformat() if collaboration.start_date else "",
                "end": collaboration.end_date.isoformat() if collaboration.end_date else "",
            },
            "parties": [
                {
                    "name": p.organisation.name,
                    "sector": p.organisation.get_sector_display(),
                    "org_number": p.organisation.org_number or "",
                    "contribution": p.contribution,
                }
                for p in parties
            ],
            "form": _form_part(collaboration, form),
            "screening": _screening_part(collaboration),
            "budget": budget.budget_snapshot(collaboration),
            "state_aid": _aid_part(civil),
            "attachments": [f"Bilaga 1: {attachment}"],
        }
