"""A whole collaboration as one JSON document, and back into a new collaboration.

The document (``format`` "samverkan-export", ``version`` 1) holds the collaboration and everything
the parties wrote in it. Guide content (sections, questions, forms, templates, principles, levels)
is referenced by its stable slug, never copied; people by their e-mail address; parties and meetings
by a ``ref`` (a number local to the document). Decided agreement versions keep their content and
hash exactly (the hash is checked on import); their PDFs are not included (they are made again).

Import (:func:`import_collaboration`) first validates the whole document (:func:`validate`) and
reports every problem as "where: what" in Swedish; only a valid document is written, in one
transaction, as a NEW collaboration titled "<title> (importerad)".

People: only the person importing becomes a member: coordinator of the first party whose
organisation they are a member of (projects.organisations). The people in the file are NOT made
members and NOT sent invitations: a file anyone can upload must not give accounts access to a
collaboration, nor make the app send e-mail to addresses it names. They are returned
(``ImportResult.to_invite``) so the coordinator can invite them from the people page. Elsewhere
e-mail addresses only attribute history (who wrote an answer, who recorded a decision): an address
that belongs to an account here is linked to it, an unknown one is left empty.

Organisations: an import never grants anything in an organisation's name. Organisations are matched
by organisation number and left exactly as they are (name, number, members); one without a number,
or with a number not yet registered here, is created without members (nobody speaks for it yet). A
party is accepted only when the importer administers its organisation, or it is the party the
importer joins; every other party is pending, and a request goes to its organisation as when a
party is added by hand. An importer who is a member of none of the file's organisations is refused,
and nothing is created.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from guides.models import (
    AgreementTemplate,
    CollaborationForm,
    Item,
    Level,
    Principle,
    Section,
    TemplateHeading,
)

from .agreements import content_hash
from .models import (
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementSectionRevision,
    AgreementVersion,
    Answer,
    AnswerRevision,
    AnswerStatus,
    ChecklistSection,
    Collaboration,
    Comment,
    Confirmation,
    Decision,
    Event,
    FormChoice,
    FormQuestionnaire,
    Goal,
    GoalAcceptance,
    Indicator,
    LoggedDecision,
    MapEntry,
    Measurement,
    Meeting,
    MeetingParticipant,
    Membership,
    Organisation,
    Party,
    PartyRecord,
    PartyStatus,
    Phase,
    PhaseChange,
    PrincipleCommitment,
    PrincipleConcern,
    Risk,
    Role,
    Sector,
    Stakeholder,
)
from .organisations import services as organisations
from .organisations.permissions import policy
from .validators import normalise_org_number

FORMAT = "samverkan-export"
VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 50
IMPORTED_SUFFIX = " (importerad)"
FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates outside are typing errors (and overflow near year 1 and 9999)


# Export ----------------------------------------------------------------------------------------


class _User:
    """A user id in the document being built, replaced by the e-mail address at the end (one query
    for all of them)."""

    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


def _iso(value):
    return value.isoformat() if value is not None else None


def _dec(value):
    return str(value) if value is not None else None


def export_collaboration(collaboration):
    """The document for ``collaboration`` (a dict, ready for json.dumps). The number of queries
    does not depend on how much the collaboration holds."""
    user_ids = set()

    def user(pk):
        if pk is None:
            return None
        user_ids.add(pk)
        return _User(pk)

    parties = list(collaboration.parties.select_related("organisation").order_by("pk"))
    party_ref = {party.pk: number for number, party in enumerate(parties, 1)}

    def party(pk):
        return party_ref.get(pk)

    memberships = list(
        Membership.objects.filter(collaboration=collaboration).select_related("user").order_by("party_id", "pk")
    )
    membership_user = {m.pk: m.user_id for m in memberships}

    answers = (
        Answer.objects.filter(collaboration=collaboration)
        .select_related("item")
        .prefetch_related(
            Prefetch("revisions", queryset=AnswerRevision.objects.order_by("version")),
            Prefetch("confirmations", queryset=Confirmation.objects.order_by("pk")),
        )
        .order_by("pk")
    )
    agreements = (
        Agreement.objects.filter(collaboration=collaboration)
        .select_related("form", "template")
        .prefetch_related(
            "writers",
            Prefetch(
                "sections",
                queryset=AgreementSection.objects.select_related("heading")
                .prefetch_related(
                    Prefetch("principles", queryset=Principle.objects.order_by("slug")),
                    Prefetch("revisions", queryset=AgreementSectionRevision.objects.order_by("version")),
                    Prefetch("comments", queryset=AgreementComment.objects.order_by("created_at", "pk")),
                )
                .order_by("order", "pk"),
            ),
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.defer("pdf")
                .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("pk")))
                .order_by("number"),
            ),
            Prefetch("party_records", queryset=PartyRecord.objects.order_by("pk")),
        )
        .order_by("period")
    )
    goals = collaboration.goals.prefetch_related(
        Prefetch("acceptances", queryset=GoalAcceptance.objects.order_by("pk")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "pk"))
            ).order_by("order", "pk"),
        ),
    ).order_by("order", "pk")
    meetings = list(
        collaboration.meetings.prefetch_related(
            Prefetch("participants", queryset=MeetingParticipant.objects.order_by("pk"))
        ).order_by("starts_at", "pk")
    )
    meeting_ref = {meeting.pk: number for number, meeting in enumerate(meetings, 1)}
    questionnaire = FormQuestionnaire.objects.filter(collaboration=collaboration).first()

    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "collaboration": {
            "title": collaboration.title,
            "challenge": collaboration.challenge,
            "target_group": collaboration.target_group,
            "description": collaboration.description,
            "start_date": _iso(collaboration.start_date),
            "end_date": _iso(collaboration.end_date),
            "phase": collaboration.phase,
            "form": collaboration.form.slug if collaboration.form_id else None,
            "period": collaboration.period,
        },
        "parties": [
            {
                "ref": party_ref[p.pk],
                "organisation": {
                    "name": p.organisation.name,
                    "sector": p.organisation.sector,
                    "org_number": p.organisation.org_number,
                },
                "contribution": p.contribution,
                "is_coordinating": p.is_coordinating,
            }
            for p in parties
        ],
        "people": [
            {"name": m.user.get_full_name(), "email": m.user.email, "role": m.role, "party": party(m.party_id)}
            for m in memberships
        ],
        "checklists": [
            {"section": cs.section.slug, "answer_mode": cs.answer_mode, "active": cs.active}
            for cs in collaboration.checklist_sections.select_related("section").order_by("pk")
        ],
        "answers": [
            {
                "item": a.item.slug,
                "party": party(a.party_id),
                "text": a.text,
                "status": a.status,
                "version": a.version,
                "updated_by": user(a.updated_by_id),
                "updated_at": _iso(a.updated_at),
                "revisions": [
                    {
                        "version": r.version,
                        "text": r.text,
                        "status": r.status,
                        "author": user(r.author_id),
                        "created_at": _iso(r.created_at),
                        "restored_from": r.restored_from,
                    }
                    for r in a.revisions.all()
                ],
                "confirmations": [
                    {
                        "party": party(c.party_id),
                        "version": c.version,
                        "confirmed_by": user(c.confirmed_by_id),
                        "created_at": _iso(c.created_at),
                    }
                    for c in a.confirmations.all()
                ],
            }
            for a in answers
        ],
        "comments": [
            {
                "item": c.item.slug,
                "party": party(c.party_id),
                "author": user(c.author_id),
                "text": c.text,
                "created_at": _iso(c.created_at),
            }
            for c in collaboration.comments.select_related("item").order_by("created_at", "pk")
        ],
        "agreements": [_export_agreement(a, user, party, membership_user) for a in agreements],
        "form_questionnaire": (
            {
                "answers": questionnaire.answers,
                "updated_by": user(questionnaire.updated_by_id),
                "updated_at": _iso(questionnaire.updated_at),
            }
            if questionnaire
            else None
        ),
        "form_choices": [
            {
                "form": fc.form.slug,
                "answers": fc.answers,
                "recommendation": fc.recommendation,
                "note": fc.note,
                "chosen_by": user(fc.chosen_by_id),
                "chosen_at": _iso(fc.chosen_at),
            }
            for fc in collaboration.form_choices.select_related("form").order_by("chosen_at", "pk")
        ],
        "map": [
            {
                "phase": e.phase,
                "planned_level": e.planned_level.slug if e.planned_level_id else None,
                "actual_level": e.actual_level.slug if e.actual_level_id else None,
                "note": e.note,
                "updated_by": user(e.updated_by_id),
                "updated_at": _iso(e.updated_at),
            }
            for e in collaboration.map_entries.select_related("planned_level", "actual_level").order_by("pk")
        ],
        "principle_commitments": [
            {
                "principle": pc.principle.slug,
                "text": pc.text,
                "version": pc.version,
                "updated_by": user(pc.updated_by_id),
                "updated_at": _iso(pc.updated_at),
            }
            for pc in collaboration.principle_commitments.select_related("principle").order_by("pk")
        ],
        "principle_concerns": [
            {
                "principle": c.principle.slug,
                "party": party(c.party_id),
                "raised_by": user(c.raised_by_id),
                "text": c.text,
                "created_at": _iso(c.created_at),
                "resolved_by": user(c.resolved_by_id),
                "resolved_at": _iso(c.resolved_at),
                "resolution": c.resolution,
            }
            for c in collaboration.concerns.select_related("principle").order_by("created_at", "pk")
        ],
        "phase_changes": [
            {
                "from_phase": pc.from_phase,
                "to_phase": pc.to_phase,
                "note": pc.note,
                "open_items": pc.open_items,
                "changed_by": user(pc.changed_by_id),
                "changed_at": _iso(pc.changed_at),
            }
            for pc in collaboration.phase_changes.order_by("changed_at", "pk")
        ],
        "stakeholders": [
            {
                "name": s.name,
                "kind": s.kind,
                "category": s.category,
                "influence": s.influence,
                "interest": s.interest,
                "notes": s.notes,
                "updated_by": user(s.updated_by_id),
                "updated_at": _iso(s.updated_at),
            }
            for s in collaboration.stakeholders.order_by("pk")
        ],
        "risks": [
            {
                "title": r.title,
                "description": r.description,
                "probability": r.probability,
                "consequence": r.consequence,
                "owner": party(r.owner_id),
                "mitigation": r.mitigation,
                "status": r.status,
                "review_date": _iso(r.review_date),
                "updated_by": user(r.updated_by_id),
                "updated_at": _iso(r.updated_at),
            }
            for r in collaboration.risks.order_by("pk")
        ],
        "goals": [
            {
                "title": g.title,
                "description": g.description,
                "specific": g.specific,
                "measurable": g.measurable,
                "realistic": g.realistic,
                "due_date": _iso(g.due_date),
                "order": g.order,
                "updated_by": user(g.updated_by_id),
                "updated_at": _iso(g.updated_at),
                "acceptances": [
                    {
                        "party": party(a.party_id),
                        "accepted_by": user(a.accepted_by_id),
                        "accepted_at": _iso(a.accepted_at),
                    }
                    for a in g.acceptances.all()
                ],
                "indicators": [
                    {
                        "name": i.name,
                        "unit": i.unit,
                        "baseline": _dec(i.baseline),
                        "baseline_date": _iso(i.baseline_date),
                        "target": _dec(i.target),
                        "target_date": _iso(i.target_date),
                        "order": i.order,
                        "measurements": [
                            {
                                "value": _dec(m.value),
                                "measured_on": _iso(m.measured_on),
                                "party": party(m.party_id),
                                "note": m.note,
                                "recorded_by": user(m.recorded_by_id),
                                "recorded_at": _iso(m.recorded_at),
                            }
                            for m in i.measurements.all()
                        ],
                    }
                    for i in g.indicators.all()
                ],
            }
            for g in goals
        ],
        "meetings": [
            {
                "ref": meeting_ref[m.pk],
                "title": m.title,
                "kind": m.kind,
                "starts_at": _iso(m.starts_at),
                "ends_at": _iso(m.ends_at),
                "place": m.place,
                "link": m.link,
                "agenda": m.agenda,
                "minutes": m.minutes,
                "minutes_version": m.minutes_version,
                "minutes_locked_at": _iso(m.minutes_locked_at),
                "sequence": m.sequence,
                "created_by": user(m.created_by_id),
                "updated_at": _iso(m.updated_at),
                "participants": [
                    {
                        "party": party(p.party_id),
                        "user": user(p.user_id),
                        "name": p.name,
                        "approved_minutes_at": _iso(p.approved_minutes_at),
                        "approved_version": p.approved_version,
                    }
                    for p in m.participants.all()
                ],
            }
            for m in meetings
        ],
        "logged_decisions": [
            {
                "meeting": meeting_ref.get(d.meeting_id),
                "text": d.text,
                "decided_on": _iso(d.decided_on),
                "decided_by": d.decided_by,
                "mandate": d.mandate,
                "recorded_by": user(d.recorded_by_id),
                "recorded_at": _iso(d.recorded_at),
            }
            for d in collaboration.logged_decisions.order_by("decided_on", "pk")
        ],
    }
    emails = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email")) if user_ids else {}
    return _resolve_users(document, emails)


def _export_agreement(agreement, user, party, membership_user):
    return {
        "period": agreement.period,
        "title": agreement.title,
        "form": agreement.form.slug if agreement.form_id else None,
        "template": agreement.template.slug if agreement.template_id else None,
        "state": agreement.state,
        "writers": sorted(
            (user(membership_user.get(w.pk)) for w in agreement.writers.all() if membership_user.get(w.pk)),
            key=lambda u: u.pk,
        ),
        "sections": [
            {
                "heading": s.heading.slug if s.heading_id else None,
                "key": s.key,
                "title": s.title,
                "order": s.order,
                "text": s.text,
                "required": s.required,
                "prefilled": s.prefilled,
                "omitted_reason": s.omitted_reason,
                "principles": [p.slug for p in s.principles.all()],
                "version": s.version,
                "updated_by": user(s.updated_by_id),
                "updated_at": _iso(s.updated_at),
                "revisions": [
                    {
                        "version": r.version,
                        "text": r.text,
                        "author": user(r.author_id),
                        "created_at": _iso(r.created_at),
                        "restored_from": r.restored_from,
                    }
                    for r in s.revisions.all()
                ],
                "comments": [
                    {
                        "party": party(c.party_id),
                        "author": user(c.author_id),
                        "text": c.text,
                        "created_at": _iso(c.created_at),
                    }
                    for c in s.comments.all()
                ],
            }
            for s in agreement.sections.all()
        ],
        "versions": [
            {
                "number": v.number,
                "content": v.content,
                "content_hash": v.content_hash,
                "status": v.status,
                "frozen_by": user(v.frozen_by_id),
                "frozen_at": _iso(v.frozen_at),
                "decisions": [
                    {
                        "party": party(d.party_id),
                        "approved": d.approved,
                        "body": d.body,
                        "decided_on": _iso(d.decided_on),
                        "reference": d.reference,
                        "comment": d.comment,
                        "recorded_by": user(d.recorded_by_id),
                        "recorded_at": _iso(d.recorded_at),
                    }
                    for d in v.decisions.all()
                ],
            }
            for v in agreement.versions.all()
        ],
        "party_records": [
            {
                "party": party(r.party_id),
                "record_number": r.record_number,
                "signatory": r.signatory,
                "wet_ink": r.wet_ink,
            }
            for r in agreement.party_records.all()
        ],
    }


def _resolve_users(value, emails):
    if isinstance(value, _User):
        return emails.get(value.pk)
    if isinstance(value, dict):
        return {key: _resolve_users(item, emails) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_users(item, emails) for item in value]
    return value


def export_json(collaboration):
    return json.dumps(export_collaboration(collaboration), ensure_ascii=False, indent=2)


# Validation ------------------------------------------------------------------------------------


class InvalidImport(Exception):
    """The document cannot be imported; ``errors`` lists "where: what" in Swedish."""

    def __init__(self, errors):
        super().__init__("; ".join(errors[:3]))
        self.errors = errors


class _Missing:
    pass


MISSING = _Missing()


class _Checker:
    """Walks the document against a spec and collects errors; returns cleaned values."""

    def __init__(self):
        self.errors = []
        self.slugs = {}  # model -> {slug: [path]}
        self.party_refs = []  # (ref, path)
        self.meeting_refs = []

    def error(self, path, message):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path}: {message}")


# Field specs: each is a callable (checker, value, path) -> cleaned value (or MISSING on error);
# the ``default`` attribute is what a missing key means (MISSING: the key is required).


class Spec:
    default = MISSING

    def optional(self, default):
        self.default = default
        return self


class Str(Spec):
    def __init__(self, max_length, blank=True, null=False):
        self.max_length, self.blank, self.null = max_length, blank, null
        if blank:
            self.default = None if null else ""

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        if not isinstance(value, str):
            c.error(path, _("måste vara text."))
            return MISSING
        if "\x00" in value:
            c.error(path, _("innehåller ett otillåtet tecken (NUL)."))
            return MISSING
        if len(value) > self.max_length:
            c.error(path, _("får vara högst %(n)d tecken (är %(len)d).") % {"n": self.max_length, "len": len(value)})
            return MISSING
        if not self.blank and not value.strip():
            c.error(path, _("får inte vara tom."))
            return MISSING
        return value


class Int(Spec):
    def __init__(self, low=0, high=2_147_483_647, null=False):
        self.low, self.high, self.null = low, high, null
        if null:
            self.default = None

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            c.error(path, _("måste vara ett heltal."))
            return MISSING
        if not self.low <= value <= self.high:
            c.error(path, _("måste vara %(low)s–%(high)s.") % {"low": self.low, "high": self.high})
            return MISSING
        return value


class Bool(Spec):
    default = False

    def __call__(self, c, value, path):
        if not isinstance(value, bool):
            c.error(path, _("måste vara true eller false."))
            return MISSING
        return value


class Choice(Spec):
    def __init__(self, choices, default=MISSING):
        self.values = [value for value, _label in choices]
        self.default = default

    def __call__(self, c, value, path):
        if value not in self.values or not isinstance(value, str):
            shown = value if isinstance(value, str | int | float) else type(value).__name__
            c.error(
                path,
                _("okänt värde ”%(value)s”; tillåtna värden: %(values)s.")
                % {"value": str(shown)[:50], "values": ", ".join(v or '""' for v in self.values)},
            )
            return MISSING
        return value


class DateSpec(Spec):
    def __init__(self, null=False):
        self.null = null
        if null:
            self.default = None

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        parsed = None
        if isinstance(value, str) and len(value) <= 10:
            try:
                parsed = parse_date(value)
            except ValueError:
                parsed = None
        if parsed is None:
            c.error(path, _("måste vara ett datum som ÅÅÅÅ-MM-DD."))
            return MISSING
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            c.error(path, _("måste ligga mellan år %(first)d och %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
            return MISSING
        return parsed


class DateTimeSpec(Spec):
    def __init__(self, null=False):
        self.null = null
        self.default = None if null else MISSING

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        parsed = None
        if isinstance(value, str) and len(value) <= 40:
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
        if parsed is None:
            c.error(path, _("måste vara en tidpunkt som ÅÅÅÅ-MM-DDTtt:mm:ss+01:00."))
            return MISSING
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            c.error(path, _("måste ligga mellan år %(first)d och %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
            return MISSING
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


class Dec(Spec):
    """A decimal with at most 12 digits before the point and 2 after (the models' 14, 2)."""

    def __call__(self, c, value, path):
        number = None
        if isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) <= 30:
            try:
                number = Decimal(str(value).strip().replace(",", "."))
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            c.error(path, _("måste vara ett tal, till exempel ”12.5”."))
            return MISSING
        if abs(number) >= Decimal(10) ** 12 or number != number.quantize(Decimal("0.01")):
            c.error(path, _("får ha högst tolv siffror före och två efter decimaltecknet."))
            return MISSING
        return number.quantize(Decimal("0.01"))


class Email(Spec):
    """A person, by e-mail address (or null)."""

    default = None

    def __call__(self, c, value, path):
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 254:
            c.error(path, _("måste vara en e-postadress eller null."))
            return MISSING
        try:
            validate_email(value)
        except ValidationError:
            c.error(path, _("”%(value)s” är ingen giltig e-postadress.") % {"value": value[:80]})
            return MISSING
        return value.lower()


class Url(Str):
    def __call__(self, c, value, path):
        value = super().__call__(c, value, path)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                c.error(path, _("måste vara en webbadress som börjar med https://."))
                return MISSING
        return value


class Slug(Spec):
    """Guide content by slug: checked against the database for all of the document at once."""

    def __init__(self, model, null=False):
        self.model, self.null = model, null
        if null:
            self.default = None

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        if not isinstance(value, str) or not value or len(value) > 100:
            c.error(path, _("måste vara en slug ur guiderna (text)."))
            return MISSING
        c.slugs.setdefault(self.model, {}).setdefault(value, []).append(path)
        return value


class Ref(Spec):
    """A party or a meeting of the document, by its ``ref``."""

    def __init__(self, kind, null=False):
        self.kind, self.null = kind, null
        if null:
            self.default = None

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            c.error(path, _("måste vara ett ref-nummer (heltal)."))
            return MISSING
        getattr(c, f"{self.kind}_refs").append((value, path))
        return value


class Json(Spec):
    def __init__(self, kind):
        self.kind = kind
        self.default = kind()

    def __call__(self, c, value, path):
        if not isinstance(value, self.kind):
            c.error(path, _("måste vara ett objekt.") if self.kind is dict else _("måste vara en lista."))
            return MISSING
        if _has_nul(value):
            c.error(path, _("innehåller ett otillåtet tecken (NUL)."))
            return MISSING
        return value


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class ListOf(Spec):
    def __init__(self, item, unique=None):
        self.item, self.unique = item, unique
        self.default = list

    def __call__(self, c, value, path):
        if not isinstance(value, list):
            c.error(path, _("måste vara en lista."))
            return MISSING
        cleaned, seen = [], {}
        for index, element in enumerate(value):
            item_path = f"{path}[{index}]"
            result = self.item(c, element, item_path)
            cleaned.append(result)
            if self.unique and result is not MISSING:
                key = self.unique(result)
                if key in seen:
                    c.error(item_path, _("finns redan som %(other)s.") % {"other": seen[key]})
                else:
                    seen[key] = item_path
        return cleaned


class Obj(Spec):
    def __init__(self, fields, null=False, check=None):
        self.fields, self.null, self.check = fields, null, check
        if null:
            self.default = None

    def __call__(self, c, value, path):
        if value is None and self.null:
            return None
        if not isinstance(value, dict):
            c.error(path, _("måste vara ett objekt."))
            return MISSING
        cleaned, ok = {}, True
        for key, spec in self.fields.items():
            where = f"{path}.{key}" if path else key
            if key not in value:
                if spec.default is MISSING:
                    c.error(where, _("saknas."))
                    ok = False
                    continue
                cleaned[key] = spec.default() if callable(spec.default) else spec.default
                continue
            cleaned[key] = spec(c, value[key], where)
            ok = ok and cleaned[key] is not MISSING
        if ok and self.check:
            self.check(c, cleaned, path)
        return cleaned if ok else MISSING


def _after(first, second, message):
    def check(c, obj, path):
        if obj[first] is not None and obj[second] is not None and obj[second] <= obj[first]:
            c.error(f"{path}.{second}", message)

    return check


USER_TIME = {"updated_by": Email(), "updated_at": DateTimeSpec()}
PARTY = Ref("party")
PARTY_OR_NONE = Ref("party", null=True)

ORGANISATION = Obj(
    {
        "name": Str(200, blank=False),
        "sector": Choice(Sector.choices),
        "org_number": Str(13, null=True),
    }
)
SCHEMA = Obj(
    {
        "format": Str(50, blank=False),
        "version": Int(0),
        "exported_at": DateTimeSpec(null=True),
        "collaboration": Obj(
            {
                "title": Str(200, blank=False),
                "challenge": Str(5000),
                "target_group": Str(500),
                "description": Str(10_000),
                "start_date": DateSpec(null=True),
                "end_date": DateSpec(null=True),
                "phase": Choice(Phase.choices, default=Phase.AGENDASATTNING),
                "form": Slug(CollaborationForm, null=True),
                "period": Int(1, 32_767).optional(1),
            },
            check=_after("start_date", "end_date", _("måste vara efter startdatumet.")),
        ),
        "parties": ListOf(
            Obj(
                {
                    "ref": Int(0),
                    "organisation": ORGANISATION,
                    "contribution": Str(5000),
                    "is_coordinating": Bool(),
                }
            ),
            unique=lambda p: p["ref"],
        ),
        "people": ListOf(
            Obj(
                {
                    "name": Str(150),
                    "email": Email(),
                    "role": Choice(Role.choices, default=Role.EDITOR),
                    "party": PARTY,
                }
            )
        ),
        "checklists": ListOf(
            Obj(
                {
                    "section": Slug(Section),
                    "answer_mode": Choice([("joint", ""), ("per_party", "")], default="joint"),
                    "active": Bool().optional(True),
                }
            ),
            unique=lambda cs: cs["section"],
        ),
        "answers": ListOf(
            Obj(
                {
                    "item": Slug(Item),
                    "party": PARTY_OR_NONE,
                    "text": Str(Answer.MAX_LENGTH),
                    "status": Choice(AnswerStatus.choices, default=AnswerStatus.NOT_STARTED),
                    "version": Int(0).optional(0),
                    **USER_TIME,
                    "revisions": ListOf(
                        Obj(
                            {
                                "version": Int(0),
                                "text": Str(Answer.MAX_LENGTH),
                                "status": Choice(AnswerStatus.choices, default=AnswerStatus.NOT_STARTED),
                                "author": Email(),
                                "created_at": DateTimeSpec(),
                                "restored_from": Int(null=True),
                            }
                        ),
                        unique=lambda r: r["version"],
                    ),
                    "confirmations": ListOf(
                        Obj(
                            {
                                "party": PARTY,
                                "version": Int(0),
                                "confirmed_by": Email(),
                                "created_at": DateTimeSpec(),
                            }
                        ),
                        unique=lambda conf: conf["party"],
                    ),
                }
            ),
            unique=lambda a: (a["item"], a["party"]),
        ),
        "comments": ListOf(
            Obj(
                {
                    "item": Slug(Item),
                    "party": PARTY_OR_NONE,
                    "author": Email(),
                    "text": Str(Comment.MAX_LENGTH, blank=False),
                    "created_at": DateTimeSpec(),
                }
            )
        ),
        "agreements": ListOf(
            Obj(
                {
                    "period": Int(1, 32_767),
                    "title": Str(200, blank=False),
                    "form": Slug(CollaborationForm, null=True),
                    "template": Slug(AgreementTemplate, null=True),
                    "state": Choice(Agreement.State.choices, default=Agreement.State.DRAFT),
                    "writers": ListOf(Email()),
                    "sections": ListOf(
                        Obj(
                            {
                                "heading": Slug(TemplateHeading, null=True),
                                "key": Str(100, blank=False),
                                "title": Str(200, blank=False),
                                "order": Int(0).optional(0),
                                "text": Str(AgreementSection.MAX_LENGTH),
                                "required": Bool(),
                                "prefilled": Bool(),
                                "omitted_reason": Str(2000),
                                "principles": ListOf(Slug(Principle)),
                                "version": Int(0).optional(0),
                                **USER_TIME,
                                "revisions": ListOf(
                                    Obj(
                                        {
                                            "version": Int(0),
                                            "text": Str(AgreementSection.MAX_LENGTH),
                                            "author": Email(),
                                            "created_at": DateTimeSpec(),
                                            "restored_from": Int(null=True),
                                        }
                                    ),
                                    unique=lambda r: r["version"],
                                ),
                                "comments": ListOf(
                                    Obj(
                                        {
                                            "party": PARTY_OR_NONE,
                                            "author": Email(),
                                            "text": Str(AgreementComment.MAX_LENGTH, blank=False),
                                            "created_at": DateTimeSpec(),
                                        }
                                    )
                                ),
                            }
                        )
                    ),
                    "versions": ListOf(
                        Obj(
                            {
                                "number": Int(1),
                                "content": Json(dict),
                                "content_hash": Str(64, blank=False),
                                "status": Choice(AgreementVersion.Status.choices),
                                "frozen_by": Email(),
                                "frozen_at": DateTimeSpec(),
                                "decisions": ListOf(
                                    Obj(
                                        {
                                            "party": PARTY,
                                            "approved": Bool(),
                                            "body": Str(200, blank=False),
                                            "decided_on": DateSpec(),
                                            "reference": Str(200, blank=False),
                                            "comment": Str(2000),
                                            "recorded_by": Email(),
                                            "recorded_at": DateTimeSpec(),
                                        }
                                    ),
                                    unique=lambda d: d["party"],
                                ),
                            },
                            check=lambda c, v, path: _check_hash(c, v, path),
                        ),
                        unique=lambda v: v["number"],
                    ),
                    "party_records": ListOf(
                        Obj(
                            {
                                "party": PARTY,
                                "record_number": Str(100),
                                "signatory": Str(200),
                                "wet_ink": Bool(),
                            }
                        ),
                        unique=lambda r: r["party"],
                    ),
                }
            ),
            unique=lambda a: a["period"],
        ),
        "form_questionnaire": Obj(
            {"answers": Json(dict), "updated_by": Email(), "updated_at": DateTimeSpec()}, null=True
        ),
        "form_choices": ListOf(
            Obj(
                {
                    "form": Slug(CollaborationForm),
                    "answers": Json(dict),
                    "recommendation": Json(list),
                    "note": Str(2000),
                    "chosen_by": Email(),
                    "chosen_at": DateTimeSpec(),
                }
            )
        ),
        "map": ListOf(
            Obj(
                {
                    "phase": Choice(Phase.choices),
                    "planned_level": Slug(Level, null=True),
                    "actual_level": Slug(Level, null=True),
                    "note": Str(1000),
                    **USER_TIME,
                }
            ),
            unique=lambda e: e["phase"],
        ),
        "principle_commitments": ListOf(
            Obj(
                {
                    "principle": Slug(Principle),
                    "text": Str(PrincipleCommitment.MAX_LENGTH),
                    "version": Int(0).optional(0),
                    **USER_TIME,
                }
            ),
            unique=lambda pc: pc["principle"],
        ),
        "principle_concerns": ListOf(
            Obj(
                {
                    "principle": Slug(Principle),
                    "party": PARTY_OR_NONE,
                    "raised_by": Email(),
                    "text": Str(PrincipleConcern.MAX_LENGTH, blank=False),
                    "created_at": DateTimeSpec(),
                    "resolved_by": Email(),
                    "resolved_at": DateTimeSpec(null=True),
                    "resolution": Str(PrincipleConcern.MAX_LENGTH),
                }
            )
        ),
        "phase_changes": ListOf(
            Obj(
                {
                    "from_phase": Choice([("", ""), *Phase.choices], default=""),
                    "to_phase": Choice(Phase.choices),
                    "note": Str(2000),
                    "open_items": Int(0).optional(0),
                    "changed_by": Email(),
                    "changed_at": DateTimeSpec(),
                }
            )
        ),
        "stakeholders": ListOf(
            Obj(
                {
                    "name": Str(200, blank=False),
                    "kind": Choice(Stakeholder.Kind.choices, default=Stakeholder.Kind.ORGANISATION),
                    "category": Str(100),
                    "influence": Int(1, 5),
                    "interest": Int(1, 5),
                    "notes": Str(5000),
                    **USER_TIME,
                }
            )
        ),
        "risks": ListOf(
            Obj(
                {
                    "title": Str(200, blank=False),
                    "description": Str(5000),
                    "probability": Int(1, 5),
                    "consequence": Int(1, 5),
                    "owner": PARTY_OR_NONE,
                    "mitigation": Str(5000),
                    "status": Choice(Risk.Status.choices, default=Risk.Status.OPEN),
                    "review_date": DateSpec(null=True),
                    **USER_TIME,
                }
            )
        ),
        "goals": ListOf(
            Obj(
                {
                    "title": Str(300, blank=False),
                    "description": Str(5000),
                    "specific": Bool(),
                    "measurable": Bool(),
                    "realistic": Bool(),
                    "due_date": DateSpec(null=True),
                    "order": Int(0).optional(0),
                    **USER_TIME,
                    "acceptances": ListOf(
                        Obj({"party": PARTY, "accepted_by": Email(), "accepted_at": DateTimeSpec()}),
                        unique=lambda a: a["party"],
                    ),
                    "indicators": ListOf(
                        Obj(
                            {
                                "name": Str(300, blank=False),
                                "unit": Str(50, blank=False),
                                "baseline": Dec(),
                                "baseline_date": DateSpec(),
                                "target": Dec(),
                                "target_date": DateSpec(),
                                "order": Int(0).optional(0),
                                "measurements": ListOf(
                                    Obj(
                                        {
                                            "value": Dec(),
                                            "measured_on": DateSpec(),
                                            "party": PARTY_OR_NONE,
                                            "note": Str(500),
                                            "recorded_by": Email(),
                                            "recorded_at": DateTimeSpec(),
                                        }
                                    )
                                ),
                            },
                            check=_after("baseline_date", "target_date", _("måste vara efter nulägesdatumet.")),
                        )
                    ),
                }
            )
        ),
        "meetings": ListOf(
            Obj(
                {
                    "ref": Int(0),
                    "title": Str(200, blank=False),
                    "kind": Choice(Meeting.Kind.choices, default=Meeting.Kind.WORKING),
                    "starts_at": DateTimeSpec(),
                    "ends_at": DateTimeSpec(),
                    "place": Str(300),
                    "link": Url(500),
                    "agenda": Str(10_000),
                    "minutes": Str(50_000),
                    "minutes_version": Int(0).optional(0),
                    "minutes_locked_at": DateTimeSpec(null=True),
                    "sequence": Int(0).optional(0),
                    "created_by": Email(),
                    "updated_at": DateTimeSpec(),
                    "participants": ListOf(
                        Obj(
                            {
                                "party": PARTY,
                                "user": Email(),
                                "name": Str(200, blank=False),
                                "approved_minutes_at": DateTimeSpec(null=True),
                                "approved_version": Int(null=True),
                            }
                        )
                    ),
                },
                check=_after("starts_at", "ends_at", _("måste vara efter mötets början.")),
            ),
            unique=lambda m: m["ref"],
        ),
        "logged_decisions": ListOf(
            Obj(
                {
                    "meeting": Ref("meeting", null=True),
                    "text": Str(5000, blank=False),
                    "decided_on": DateSpec(),
                    "decided_by": Str(300, blank=False),
                    "mandate": Str(500),
                    "recorded_by": Email(),
                    "recorded_at": DateTimeSpec(),
                }
            )
        ),
    }
)


def _check_hash(c, version, path):
    if content_hash(version["content"]) != version["content_hash"]:
        c.error(f"{path}.content_hash", _("stämmer inte med innehållet (versionen har ändrats efter att den frystes)."))


def parse(data: bytes):
    """The bytes of an uploaded file as a JSON object, or InvalidImport."""
    if len(data) > MAX_BYTES:
        raise InvalidImport([_("Filen är större än 10 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidImport([_("Filen är inte text i UTF-8. Välj en JSON-fil som Samverkan har exporterat.")]) from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidImport([_("Filen är inte giltig JSON. Välj en JSON-fil som Samverkan har exporterat.")]) from None
    return document


def validate(document):
    """The cleaned document, or InvalidImport with every problem found (at most MAX_ERRORS)."""
    if not isinstance(document, dict):
        raise InvalidImport([_("Filen är inte en export från Samverkan (den ska vara ett JSON-objekt).")])
    if document.get("format") != FORMAT:
        raise InvalidImport(
            [_("format: ska vara ”%(format)s”; filen är inte en export av en samverkan.") % {"format": FORMAT}]
        )
    if document.get("version") != VERSION:
        raise InvalidImport(
            [
                _("version: filen har version %(found)s; den här versionen av Samverkan kan läsa version %(v)d.")
                % {"found": str(document.get("version"))[:20], "v": VERSION}
            ]
        )
    c = _Checker()
    cleaned = SCHEMA(c, document, "")
    _check_references(c, document)
    if cleaned is not MISSING:
        _check_organisations(c, cleaned)
    if c.errors:
        raise InvalidImport(c.errors)
    return cleaned


def _refs(document, key):
    """The refs of the parties or meetings that are well formed (checked even where other parts of
    the document are not, so that every problem is reported at once)."""
    rows = document.get(key) if isinstance(document, dict) else None
    if not isinstance(rows, list):
        return set()
    return {row["ref"] for row in rows if isinstance(row, dict) and isinstance(row.get("ref"), int)}


def _check_references(c, document):
    if isinstance(document.get("parties"), list) and not document["parties"]:
        c.error("parties", _("måste ha minst en part."))
    party_refs, meeting_refs = _refs(document, "parties"), _refs(document, "meetings")
    for ref, path in c.party_refs:
        if ref not in party_refs:
            c.error(path, _("pekar på part %(ref)s, som inte finns i parties.") % {"ref": ref})
    for ref, path in c.meeting_refs:
        if ref not in meeting_refs:
            c.error(path, _("pekar på möte %(ref)s, som inte finns i meetings.") % {"ref": ref})
    for model, slugs in c.slugs.items():
        found = set(model.objects.filter(slug__in=list(slugs)).values_list("slug", flat=True))
        for slug, paths in slugs.items():
            if slug not in found:
                for path in paths[:3]:
                    c.error(path, _("”%(slug)s” finns inte i guiderna.") % {"slug": slug[:100]})


def _check_organisations(c, doc):
    """Organisation numbers: valid (normalised as NNNNNN-NNNN), and one party per organisation."""
    numbers = {}
    for index, p in enumerate(doc["parties"]):
        where = f"parties[{index}].organisation.org_number"
        raw = p["organisation"]["org_number"]
        if not raw:
            p["organisation"]["org_number"] = None
            continue
        try:
            number = normalise_org_number(raw)
        except ValidationError as error:
            c.error(where, " ".join(error.messages))
            continue
        if number in numbers:
            c.error(where, _("samma organisation som %(other)s.") % {"other": numbers[number]})
        numbers[number] = where
        p["organisation"]["org_number"] = number


# Import ----------------------------------------------------------------------------------------


# The keys that name a person by e-mail address (attribution only: see the module's docstring).
PERSON_KEYS = frozenset(
    {
        "updated_by",
        "author",
        "confirmed_by",
        "frozen_by",
        "recorded_by",
        "chosen_by",
        "raised_by",
        "resolved_by",
        "changed_by",
        "accepted_by",
        "created_by",
        "user",
    }
)


@dataclass
class ImportResult:
    collaboration: Collaboration
    to_invite: list = field(default_factory=list)  # [{"name", "email", "role", "party"}] not made members


def import_collaboration(data: bytes, *, user):
    """Validate the file and restore it as a new collaboration; InvalidImport when it cannot be."""
    document = validate(parse(data))
    try:
        return _restore(document, user=user)
    except (IntegrityError, ValidationError):  # a rule the validation missed: nothing is kept
        raise InvalidImport([_("Filen kunde inte läsas in: uppgifterna i den hänger inte ihop.")]) from None


def _slug_map(model, slugs):
    return {obj.slug: obj for obj in model.objects.filter(slug__in=[s for s in slugs if s])}


def _collect(document, key_path):
    """Every value at ``key_path`` ("answers.*.item") in the document."""
    values = [document]
    for key in key_path.split("."):
        following = []
        for value in values:
            if key == "*":
                following.extend(value or [])
            elif value is not None:
                following.append(value.get(key))
        values = following
    return values


def _match_organisations(doc, user):
    """({party ref: the registered Organisation, or None where the import creates one}, the ref of
    the party the importer joins: the first whose organisation they are a member of). InvalidImport
    when they are a member of none of them: nobody imports in other organisations' names only."""
    numbers = [p["organisation"]["org_number"] for p in doc["parties"] if p["organisation"]["org_number"]]
    known = {o.org_number: o for o in Organisation.objects.filter(org_number__in=numbers)}
    matched = {
        p["ref"]: known.get(p["organisation"]["org_number"]) if p["organisation"]["org_number"] else None
        for p in doc["parties"]
    }
    home = next(
        (ref for ref, organisation in matched.items() if organisation and policy.is_member(user, organisation)),
        None,
    )
    if home is None:
        raise InvalidImport(
            [
                "parties: "
                + _(
                    "Du är inte medlem i någon av organisationerna i filen. Be att få gå med i din "
                    "organisation först, eller importera för en organisation du företräder."
                )
            ]
        )
    return matched, home


@transaction.atomic
def _restore(doc, *, user):
    matched, home = _match_organisations(doc, user)  # before anything is written
    User = get_user_model()
    emails = set()

    def gather(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in PERSON_KEYS and isinstance(item, str):
                    emails.add(item)
                elif key == "writers":
                    emails.update(item)
                elif key not in ("content", "answers", "recommendation") or isinstance(item, list):
                    gather(item)
        elif isinstance(value, list):
            for item in value:
                gather(item)

    gather({key: value for key, value in doc.items() if key != "people"})
    found = User.objects.annotate(address=Lower("email")).filter(address__in=emails) if emails else []
    users = {u.email.lower(): u for u in found}

    def who(email):
        return users.get(email) if email else None

    forms = _slug_map(CollaborationForm, [doc["collaboration"]["form"], *_collect(doc, "form_choices.*.form")])
    forms |= _slug_map(CollaborationForm, _collect(doc, "agreements.*.form"))
    info = doc["collaboration"]
    title = info["title"][: 200 - len(IMPORTED_SUFFIX)] + IMPORTED_SUFFIX
    collaboration = Collaboration.objects.create(
        title=title,
        challenge=info["challenge"],
        target_group=info["target_group"],
        description=info["description"],
        start_date=info["start_date"],
        end_date=info["end_date"],
        phase=info["phase"],
        form=forms.get(info["form"]),
        period=info["period"],
        created_by=user,
    )

    # Parties and their organisations: matched by organisation number (and left as they are), else
    # created without members. A party is pending unless the importer administers its organisation
    # or joins it (see the module's docstring).
    parties, pending = {}, []
    for p in doc["parties"]:
        org = p["organisation"]
        organisation = matched[p["ref"]]
        created = organisation is None
        if created:
            organisation = Organisation.objects.create(
                name=org["name"], sector=org["sector"], org_number=org["org_number"], created_by=user
            )
            organisations.record(organisation, user, "registered", organisation.name, _("Skapad vid import"))
        accepted = p["ref"] == home or (not created and policy.is_admin(user, organisation))
        parties[p["ref"]] = Party.objects.create(
            collaboration=collaboration,
            organisation=organisation,
            contribution=p["contribution"],
            is_coordinating=p["is_coordinating"],
            status=PartyStatus.ACCEPTED if accepted else PartyStatus.PENDING,
            requested_by=user,
        )
        if not accepted:
            pending.append(parties[p["ref"]])
    for pending_party in pending:
        organisations.request_party(pending_party, user=user)

    def party(ref):
        return parties.get(ref) if ref is not None else None

    membership = Membership.objects.create(
        collaboration=collaboration, party=parties[home], user=user, role=Role.COORDINATOR
    )
    to_invite = [
        {"name": p["name"], "email": p["email"], "role": p["role"], "party": str(party(p["party"]).organisation)}
        for p in doc["people"]
        if (p["email"] or "").lower() != user.email.lower()
    ]

    # Checklists, answers, comments.
    sections = _slug_map(Section, _collect(doc, "checklists.*.section"))
    ChecklistSection.objects.bulk_create(
        ChecklistSection(
            collaboration=collaboration,
            section=sections[cs["section"]],
            answer_mode=cs["answer_mode"],
            active=cs["active"],
            added_by=user,
        )
        for cs in doc["checklists"]
    )
    items = _slug_map(Item, [*_collect(doc, "answers.*.item"), *_collect(doc, "comments.*.item")])
    for a in doc["answers"]:
        answer = Answer.objects.create(
            collaboration=collaboration,
            item=items[a["item"]],
            party=party(a["party"]),
            text=a["text"],
            status=a["status"],
            version=a["version"],
            updated_by=who(a["updated_by"]),
            updated_at=a["updated_at"],
        )
        AnswerRevision.objects.bulk_create(
            AnswerRevision(
                answer=answer,
                version=r["version"],
                text=r["text"],
                status=r["status"],
                author=who(r["author"]),
                created_at=r["created_at"],
                restored_from=r["restored_from"],
            )
            for r in a["revisions"]
        )
        Confirmation.objects.bulk_create(
            Confirmation(
                answer=answer,
                party=party(conf["party"]),
                version=conf["version"],
                confirmed_by=who(conf["confirmed_by"]),
                created_at=conf["created_at"],
            )
            for conf in a["confirmations"]
        )
    Comment.objects.bulk_create(
        Comment(
            collaboration=collaboration,
            item=items[cm["item"]],
            party=party(cm["party"]),
            author=who(cm["author"]),
            text=cm["text"],
            created_at=cm["created_at"],
        )
        for cm in doc["comments"]
    )

    _restore_agreements(doc, collaboration, party=party, who=who, forms=forms, membership=membership)
    _restore_choices(doc, collaboration, party=party, who=who, forms=forms)
    _restore_followup(doc, collaboration, party=party, who=who, user=user)

    Event.record(
        collaboration,
        user,
        Event.Kind.COLLABORATION_IMPORTED,
        collaboration.title,
        _("%(n)d personer i filen att bjuda in") % {"n": len(to_invite)} if to_invite else "",
    )
    return ImportResult(collaboration=collaboration, to_invite=to_invite)


def _restore_agreements(doc, collaboration, *, party, who, forms, membership):
    templates = _slug_map(AgreementTemplate, _collect(doc, "agreements.*.template"))
    headings = _slug_map(TemplateHeading, _collect(doc, "agreements.*.sections.*.heading"))
    principles = _slug_map(Principle, [s for ps in _collect(doc, "agreements.*.sections.*.principles") for s in ps])
    for a in doc["agreements"]:
        agreement = Agreement.objects.create(
            collaboration=collaboration,
            period=a["period"],
            title=a["title"],
            form=forms.get(a["form"]),
            template=templates.get(a["template"]),
            state=a["state"],
            created_by=membership.user,
        )
        # Only members can be writers: of the file's writing group, the person importing.
        if membership.user.email.lower() in a["writers"]:
            agreement.writers.add(membership)
        for s in a["sections"]:
            section = AgreementSection.objects.create(
                agreement=agreement,
                heading=headings.get(s["heading"]),
                key=s["key"],
                title=s["title"],
                order=s["order"],
                text=s["text"],
                required=s["required"],
                prefilled=s["prefilled"],
                omitted_reason=s["omitted_reason"],
                version=s["version"],
                updated_by=who(s["updated_by"]),
                updated_at=s["updated_at"],
            )
            section.principles.set([principles[slug] for slug in s["principles"]])
            AgreementSectionRevision.objects.bulk_create(
                AgreementSectionRevision(
                    section=section,
                    version=r["version"],
                    text=r["text"],
                    author=who(r["author"]),
                    created_at=r["created_at"],
                    restored_from=r["restored_from"],
                )
                for r in s["revisions"]
            )
            AgreementComment.objects.bulk_create(
                AgreementComment(
                    section=section,
                    party=party(cm["party"]),
                    author=who(cm["author"]),
                    text=cm["text"],
                    created_at=cm["created_at"],
                )
                for cm in s["comments"]
            )
        for v in a["versions"]:
            version = AgreementVersion.objects.create(
                agreement=agreement,
                number=v["number"],
                content=v["content"],
                content_hash=v["content_hash"],
                status=v["status"],
                frozen_by=who(v["frozen_by"]),
                frozen_at=v["frozen_at"],
            )
            Decision.objects.bulk_create(
                Decision(
                    version=version,
                    party=party(d["party"]),
                    approved=d["approved"],
                    body=d["body"],
                    decided_on=d["decided_on"],
                    reference=d["reference"],
                    comment=d["comment"],
                    recorded_by=who(d["recorded_by"]),
                    recorded_at=d["recorded_at"],
                )
                for d in v["decisions"]
            )
        PartyRecord.objects.bulk_create(
            PartyRecord(
                agreement=agreement,
                party=party(r["party"]),
                record_number=r["record_number"],
                signatory=r["signatory"],
                wet_ink=r["wet_ink"],
            )
            for r in a["party_records"]
        )


def _restore_choices(doc, collaboration, *, party, who, forms):
    if q := doc["form_questionnaire"]:
        FormQuestionnaire.objects.create(
            collaboration=collaboration,
            answers=q["answers"],
            updated_by=who(q["updated_by"]),
            updated_at=q["updated_at"],
        )
    FormChoice.objects.bulk_create(
        FormChoice(
            collaboration=collaboration,
            form=forms[fc["form"]],
            answers=fc["answers"],
            recommendation=fc["recommendation"],
            note=fc["note"],
            chosen_by=who(fc["chosen_by"]),
            chosen_at=fc["chosen_at"],
        )
        for fc in doc["form_choices"]
    )
    levels = _slug_map(Level, [*_collect(doc, "map.*.planned_level"), *_collect(doc, "map.*.actual_level")])
    MapEntry.objects.bulk_create(
        MapEntry(
            collaboration=collaboration,
            phase=e["phase"],
            planned_level=levels.get(e["planned_level"]),
            actual_level=levels.get(e["actual_level"]),
            note=e["note"],
            updated_by=who(e["updated_by"]),
            updated_at=e["updated_at"],
        )
        for e in doc["map"]
    )
    principles = _slug_map(
        Principle,
        [*_collect(doc, "principle_commitments.*.principle"), *_collect(doc, "principle_concerns.*.principle")],
    )
    PrincipleCommitment.objects.bulk_create(
        PrincipleCommitment(
            collaboration=collaboration,
            principle=principles[pc["principle"]],
            text=pc["text"],
            version=pc["version"],
            updated_by=who(pc["updated_by"]),
            updated_at=pc["updated_at"],
        )
        for pc in doc["principle_commitments"]
    )
    PrincipleConcern.objects.bulk_create(
        PrincipleConcern(
            collaboration=collaboration,
            principle=principles[c["principle"]],
            party=party(c["party"]),
            raised_by=who(c["raised_by"]),
            text=c["text"],
            created_at=c["created_at"],
            resolved_by=who(c["resolved_by"]),
            resolved_at=c["resolved_at"],
            resolution=c["resolution"],
        )
        for c in doc["principle_concerns"]
    )
    PhaseChange.objects.bulk_create(
        PhaseChange(
            collaboration=collaboration,
            from_phase=pc["from_phase"],
            to_phase=pc["to_phase"],
            note=pc["note"],
            open_items=pc["open_items"],
            changed_by=who(pc["changed_by"]),
            changed_at=pc["changed_at"],
        )
        for pc in doc["phase_changes"]
    )


def _restore_followup(doc, collaboration, *, party, who, user):
    Stakeholder.objects.bulk_create(
        Stakeholder(
            collaboration=collaboration,
            name=s["name"],
            kind=s["kind"],
            category=s["category"],
            influence=s["influence"],
            interest=s["interest"],
            notes=s["notes"],
            updated_by=who(s["updated_by"]),
            updated_at=s["updated_at"],
        )
        for s in doc["stakeholders"]
    )
    Risk.objects.bulk_create(
        Risk(
            collaboration=collaboration,
            title=r["title"],
            description=r["description"],
            probability=r["probability"],
            consequence=r["consequence"],
            owner=party(r["owner"]),
            mitigation=r["mitigation"],
            status=r["status"],
            review_date=r["review_date"],
            updated_by=who(r["updated_by"]),
            updated_at=r["updated_at"],
        )
        for r in doc["risks"]
    )
    for g in doc["goals"]:
        goal = Goal.objects.create(
            collaboration=collaboration,
            title=g["title"],
            description=g["description"],
            specific=g["specific"],
            measurable=g["measurable"],
            realistic=g["realistic"],
            due_date=g["due_date"],
            order=g["order"],
            updated_by=who(g["updated_by"]),
            updated_at=g["updated_at"],
        )
        GoalAcceptance.objects.bulk_create(
            GoalAcceptance(
                goal=goal, party=party(a["party"]), accepted_by=who(a["accepted_by"]), accepted_at=a["accepted_at"]
            )
            for a in g["acceptances"]
        )
        for i in g["indicators"]:
            indicator = Indicator.objects.create(
                goal=goal,
                name=i["name"],
                unit=i["unit"],
                baseline=i["baseline"],
                baseline_date=i["baseline_date"],
                target=i["target"],
                target_date=i["target_date"],
                order=i["order"],
            )
            Measurement.objects.bulk_create(
                Measurement(
                    indicator=indicator,
                    value=m["value"],
                    measured_on=m["measured_on"],
                    party=party(m["party"]),
                    note=m["note"],
                    recorded_by=who(m["recorded_by"]),
                    recorded_at=m["recorded_at"],
                )
                for m in i["measurements"]
            )
    meetings = {}
    for m in doc["meetings"]:
        meeting = Meeting.objects.create(
            collaboration=collaboration,
            title=m["title"],
            kind=m["kind"],
            starts_at=m["starts_at"],
            ends_at=m["ends_at"],
            place=m["place"],
            link=m["link"],
            agenda=m["agenda"],
            minutes=m["minutes"],
            minutes_version=m["minutes_version"],
            minutes_locked_at=m["minutes_locked_at"],
            sequence=m["sequence"],
            created_by=who(m["created_by"]),
            updated_at=m["updated_at"],
        )
        meetings[m["ref"]] = meeting
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(
                meeting=meeting,
                party=party(p["party"]),
                user=who(p["user"]),
                name=p["name"],
                approved_minutes_at=p["approved_minutes_at"],
                approved_version=p["approved_version"],
            )
            for p in m["participants"]
        )
    LoggedDecision.objects.bulk_create(
        LoggedDecision(
            collaboration=collaboration,
            meeting=meetings.get(d["meeting"]) if d["meeting"] is not None else None,
            text=d["text"],
            decided_on=d["decided_on"],
            decided_by=d["decided_by"],
            mandate=d["mandate"],
            recorded_by=who(d["recorded_by"]),
            recorded_at=d["recorded_at"],
        )
        for d in doc["logged_decisions"]
    )
