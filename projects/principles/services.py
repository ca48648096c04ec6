"""The six principles as a collaboration formulates them, concerns ("det gnisslar") and the
principles lens on the agreement. Views validate; these functions apply, each write with its event.

* A formulation (PrincipleCommitment) is versioned text, saved as checklist answers are
  (projects.common.versioned): a save based on an older version changes nothing and reports a
  conflict; the same text is a no-op.
* A concern (PrincipleConcern) is raised by any member and stays open until a coordinator resolves
  it with a note; resolved concerns stay as history.
* The lens: each agreement section is tagged with the principles it serves (while the agreement is a
  draft); the principles no section addresses are shown as a gap.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guides.models import Principle, PrincipleText
from projects.agreements.models import Agreement, AgreementSection
from projects.common import versioned
from projects.core.models import Event, EventText
from projects.principles.models import PrincipleCommitment, PrincipleConcern


class PrincipleError(Exception):
    """An action that the state does not allow; the message is for the person."""


def _short(text, length=200):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def current_principles():
    """The six principles, in the guides' order."""
    return list(Principle.objects.current().order_by("order", "pk"))


def principle_by_slug(slug):
    """The current principle with this slug, or None."""
    return Principle.objects.current().filter(slug=slug).first()


def latest_agreement(collaboration):
    """The agreement of the collaboration's latest period (as the agreement page shows it)."""
    return Agreement.objects.filter(collaboration=collaboration).order_by("-period").first()


# The principles page ----------------------------------------------------------------------------


@dataclass
class PrincipleRow:
    """Everything the page shows for one principle."""

    principle: Principle
    commitment: PrincipleCommitment | None
    open_concerns: list = field(default_factory=list)
    resolved_concerns: list = field(default_factory=list)
    # A formulation that was not saved, shown again: {"text", "version", "error", "theirs"} (views).
    pending: dict | None = None

    @property
    def slug(self):
        return self.principle.slug

    @property
    def text(self):
        return self.commitment.text if self.commitment else ""

    @property
    def version(self):
        return self.commitment.version if self.commitment else 0

    @property
    def shown_text(self):
        """The text in the field: the person's unsaved text, or else the saved one."""
        return self.pending["text"] if self.pending and "text" in self.pending else self.text

    @property
    def shown_version(self):
        """The version the text in the field is based on (a later save is checked against it)."""
        return self.pending["version"] if self.pending and "version" in self.pending else self.version


def _concerns(collaboration):
    return PrincipleConcern.objects.filter(collaboration=collaboration).select_related(
        "principle", "party__organisation", "raised_by", "resolved_by"
    )


def rows(collaboration):
    """Per principle (in order): its guide texts (prefetched as ``principle.texts``), the
    collaboration's formulation, and its open and resolved concerns. Four queries."""
    principles = Principle.objects.current().prefetch_related(
        Prefetch("texts", queryset=PrincipleText.objects.select_related("guide").order_by("order", "pk"))
    )
    commitments = {
        c.principle_id: c
        for c in PrincipleCommitment.objects.filter(collaboration=collaboration).select_related("updated_by")
    }
    result = {p.pk: PrincipleRow(p, commitments.get(p.pk)) for p in principles}
    for concern in _concerns(collaboration):
        row = result.get(concern.principle_id)
        if row is not None:
            (row.open_concerns if concern.is_open else row.resolved_concerns).append(concern)
    return list(result.values())


def row(collaboration, principle):
    """One principle's row (for a fragment), without its guide texts."""
    commitment = (
        PrincipleCommitment.objects.filter(collaboration=collaboration, principle=principle)
        .select_related("updated_by")
        .first()
    )
    result = PrincipleRow(principle, commitment)
    for concern in _concerns(collaboration).filter(principle=principle):
        (result.open_concerns if concern.is_open else result.resolved_concerns).append(concern)
    return result


def open_concerns(collaboration):
    """The open concerns, newest first, with their principles."""
    return list(_concerns(collaboration).filter(resolved_at__isnull=True))


def formulations(collaboration, principle_ids):
    """{principle id: formulated text} for the given principles (one query): for the stepper."""
    return dict(
        PrincipleCommitment.objects.filter(collaboration=collaboration, principle_id__in=principle_ids)
        .exclude(text="")
        .values_list("principle_id", "text")
    )


# Writing the formulation ------------------------------------------------------------------------


@transaction.atomic
def save_commitment(*, collaboration, principle, user, text, base_version):
    """Save the formulation if it is still at ``base_version`` (projects.common.versioned). The same
    text as stored is a no-op (no event, no new version), whatever the version; an empty text is
    no row."""
    lookup = {"collaboration": collaboration, "principle": principle}
    current = versioned.lock(PrincipleCommitment.objects, create=text != "", **lookup) or PrincipleCommitment(**lookup)
    result = versioned.save(current, user=user, text=text, base_version=base_version)
    if result.saved:
        Event.record(
            collaboration,
            user,
            Event.Kind.PRINCIPLE_CHANGED,
            principle.name,
            _short(text) or EventText(gettext_noop("texten togs bort")),
        )
    return result


# Concerns ("det gnisslar") ----------------------------------------------------------------------


def raise_concern(*, collaboration, principle, membership, text):
    concern = PrincipleConcern.objects.create(
        collaboration=collaboration, principle=principle, party=membership.party, raised_by=membership.user, text=text
    )
    Event.record(collaboration, membership.user, Event.Kind.CONCERN_RAISED, principle.name, _short(text))
    return concern


@transaction.atomic
def resolve_concern(concern, *, user, resolution):
    """A coordinator resolves an open concern with a note. Resolving it again is refused."""
    concern = (
        PrincipleConcern.objects.select_for_update(of=("self",))
        .select_related("principle", "collaboration", "resolved_by")
        .get(pk=concern.pk)
    )
    if not concern.is_open:
        who = concern.resolved_by.get_full_name() if concern.resolved_by else _("någon")
        raise PrincipleError(
            _("Problemet är redan löst (av %(name)s %(date)s). Läs lösningen nedan.")
            % {"name": who, "date": timezone.localtime(concern.resolved_at).strftime("%Y-%m-%d %H:%M")}
        )
    concern.resolved_by, concern.resolved_at, concern.resolution = user, timezone.now(), resolution
    concern.save(update_fields=["resolved_by", "resolved_at", "resolution"])
    Event.record(concern.collaboration, user, Event.Kind.CONCERN_RESOLVED, concern.principle.name, _short(resolution))
    return concern


# The lens on the agreement ----------------------------------------------------------------------


@transaction.atomic
def set_section_principles(section, *, user, principles):
    """Tag an agreement section with the principles it serves. Only while the agreement is a draft:
    freezing locks the tags as it locks the text. Returns True when the tags changed."""
    agreement = Agreement.objects.select_for_update().get(pk=section.agreement_id)  # beside freeze()
    if agreement.state != Agreement.State.DRAFT:
        raise PrincipleError(_("Överenskommelsen är inte ett utkast. Starta ett nytt utkast för att ändra den."))
    chosen = {p.pk: p for p in principles}
    before = set(section.principles.values_list("pk", flat=True))
    if before == set(chosen):
        return False
    section.principles.set(chosen.values())
    names = [p.name for p in sorted(chosen.values(), key=lambda p: (p.order, p.pk))]
    Event.record(
        agreement.collaboration,
        user,
        Event.Kind.AGREEMENT_PRINCIPLES,
        section.title,
        ", ".join(names) or EventText(gettext_noop("inga principer")),
    )
    return True


class Gaps(list):
    """The principles no section of an agreement addresses, and whether that can still be helped
    in this agreement (``draft``: its sections can be tagged). Once it is locked for decision or
    decided, the gaps are a note for the next draft or period, not a warning."""

    def __init__(self, principles, state):
        super().__init__(principles)
        self.state = state
        self.draft = state == Agreement.State.DRAFT
        self.decided = state == Agreement.State.DECIDED


def gaps(sections, principles):
    """The principles that no section addresses (sections with ``principles`` prefetched)."""
    addressed = {p.pk for s in sections for p in s.principles.all()}
    return [p for p in principles if p.pk not in addressed]


def lens_context(agreement, sections):
    """For the agreement page: the six principles (the tag choices) and the gaps."""
    principles = current_principles()
    return {
        "all_principles": principles,
        "principle_gaps": Gaps(gaps(sections, principles), agreement.state) if agreement is not None else None,
    }


def agreement_gaps(collaboration, principles=None):
    """The gaps of the latest agreement; None when there is no agreement yet (then nothing is
    said: there is nothing to address a principle in)."""
    agreement = latest_agreement(collaboration)
    if agreement is None:
        return None
    principles = current_principles() if principles is None else principles
    sections = AgreementSection.objects.filter(agreement=agreement).prefetch_related("principles")
    return Gaps(gaps(sections, principles), agreement.state)


# The overview and the agreement's content -------------------------------------------------------


def overview_context(collaboration):
    """What the collaboration overview shows of the principles: how many are formulated, the open
    concerns, and the principles no agreement section addresses."""
    principles = current_principles()
    formulated = (
        PrincipleCommitment.objects.filter(collaboration=collaboration, principle__in=principles)
        .exclude(text="")
        .count()
    )
    return {
        "principles_card": {
            "total": len(principles),
            "formulated": formulated,
            "open_concerns": open_concerns(collaboration),
            "gaps": agreement_gaps(collaboration, principles),
        }
    }


def snapshot(collaboration, agreement=None):
    """The principles as formulated, for the agreement's frozen content, in principle order:
    [{slug, name, text, sections}] where ``sections`` are the numbered titles of the agreement
    sections tagged with the principle (of ``agreement``, or else the latest agreement)."""
    commitments = {
        c.principle_id: c.text
        for c in PrincipleCommitment.objects.filter(collaboration=collaboration)
        .exclude(text="")
        .only("principle_id", "text")
    }
    if not commitments:
        return []
    agreement = agreement or latest_agreement(collaboration)
    tagged = {}
    if agreement is not None:
        # Numbered as the agreement numbers its sections (in order): "3. Metod".
        sections = agreement.sections.order_by("order", "pk").prefetch_related("principles")
        for number, section in enumerate(sections, start=1):
            for p in section.principles.all():
                tagged.setdefault(p.pk, []).append(f"{number}. {section.title}")
    return [
        {"slug": p.slug, "name": p.name, "text": commitments[p.pk], "sections": tagged.get(p.pk, [])}
        for p in current_principles()
        if p.pk in commitments
    ]
