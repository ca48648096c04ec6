"""The shared checklists: which guide sections a collaboration works through, and the writes on
answers (optimistic versioning, revisions, confirmations). Views validate; these functions apply.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from guides.models import Audience, Item, Section

from .models import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    ChecklistSection,
    Comment,
    Confirmation,
    Event,
    Party,
)

# Guide sections every collaboration starts with, by who they are for (with all their sub-sections
# that have questions): Halland's first conversation for everyone, MUCF's Förutsättningar for public
# parties, MUCF's shared phases for everyone, and the 7 steg questions for civil-society parties.
DEFAULT_ROOTS = [
    ("halland-forutsattningar", "all"),
    ("mucf-forutsattningar", "public"),
    ("mucf-identifiera", "all"),
    ("mucf-planera", "all"),
    ("mucf-implementera", "all"),
    ("mucf-utvardera", "all"),
]
DEFAULT_GUIDES = [("sjustegs", "civil_society")]


def sections_with_questions():
    return Section.objects.current().filter(items__kind=Item.Kind.QUESTION, items__retired=False).distinct()


def _descendants(root, sections):
    by_parent = {}
    for section in sections:
        by_parent.setdefault(section.parent_id, []).append(section)
    found, stack = [root], [root.pk]
    while stack:
        for child in by_parent.get(stack.pop(), []):
            found.append(child)
            stack.append(child.pk)
    return found


def default_sections(collaboration, parties=None):
    parties = list(collaboration.parties.select_related("organisation")) if parties is None else parties
    sectors = {"all"}
    if any(p.organisation.is_public for p in parties):
        sectors.add("public")
    if any(not p.organisation.is_public for p in parties):
        sectors.add("civil_society")
    all_sections = list(Section.objects.current().select_related("guide"))
    with_questions = set(sections_with_questions().values_list("pk", flat=True))
    chosen = []
    by_slug = {s.slug: s for s in all_sections}
    for slug, who in DEFAULT_ROOTS:
        if who in sectors and slug in by_slug:
            chosen += [s for s in _descendants(by_slug[slug], all_sections) if s.pk in with_questions]
    for guide_slug, who in DEFAULT_GUIDES:
        if who in sectors:
            chosen += [s for s in all_sections if s.guide.slug == guide_slug and s.pk in with_questions]
    return chosen


def ensure_default_sections(collaboration, user=None):
    """Add the default sections the parties' sectors call for. A section a coordinator removed
    stays removed."""
    existing = set(ChecklistSection.objects.filter(collaboration=collaboration).values_list("section_id", flat=True))
    new = [
        ChecklistSection(collaboration=collaboration, section=section, answer_mode=section.answer_mode, added_by=user)
        for section in default_sections(collaboration)
        if section.pk not in existing
    ]
    ChecklistSection.objects.bulk_create(new, ignore_conflicts=True)
    return new


def ordered_sections(collaboration, active=True):
    """The collaboration's checklist sections in guide order."""
    return (
        ChecklistSection.objects.filter(collaboration=collaboration, active=active, section__retired=False)
        .select_related("section__guide", "section__decision_phase")
        .order_by("section__guide__order", "section__sequence")
    )


def answering_parties(checklist_section, parties):
    """For a per-party section: the parties the section is meant for (by its audience)."""
    audience = checklist_section.section.audience
    if audience == Audience.PUBLIC:
        chosen = [p for p in parties if p.organisation.is_public]
    elif audience == Audience.CIVIL_SOCIETY:
        chosen = [p for p in parties if not p.organisation.is_public]
    else:
        chosen = list(parties)
    return chosen or list(parties)


# Saving answers ------------------------------------------------------------------------------


@dataclass
class SaveResult:
    answer: Answer
    saved: bool
    conflict: bool = False
    withdrawn: list | None = None  # parties whose confirmation the change withdrew
    mine: str = ""


def save_answer(*, collaboration, item, party, user, text, status, base_version, restored_from=None):
    """Save text and status if the answer is still at ``base_version``; otherwise report a conflict
    and change nothing. ``status`` None keeps the current status. A text change withdraws the
    parties' confirmations of a joint answer."""
    lookup = {"collaboration": collaboration, "item": item, "party": party}
    with transaction.atomic():
        current = Answer.objects.select_for_update().filter(**lookup).first()
        if current is None:
            try:
                with transaction.atomic():
                    current = Answer.objects.create(**lookup)
            except IntegrityError:  # created meanwhile by someone else: lock theirs
                current = Answer.objects.select_for_update().get(**lookup)
        now = timezone.now()  # after the lock: saves are stamped in the order they commit
        if current.version != base_version:
            if _unchanged_since(current, base_version, text, status):
                return SaveResult(current, saved=False)  # the person did not change it: nothing to save
            return SaveResult(current, saved=False, conflict=True, mine=text)
        text_changed = current.text != text
        old_status = current.status
        status = status or old_status
        if not text_changed and old_status == status:
            return SaveResult(current, saved=False)
        withdrawn = []
        if text_changed and party is None:
            confirmations = list(current.confirmations.select_related("party__organisation"))
            if confirmations:
                withdrawn = [c.party for c in confirmations]
                Confirmation.objects.filter(pk__in=[c.pk for c in confirmations]).delete()
            if old_status == AnswerStatus.AGREED and status == AnswerStatus.AGREED:
                status = AnswerStatus.DISCUSSED
        if status == AnswerStatus.NOT_STARTED and text.strip():
            status = AnswerStatus.DISCUSSED
        if not text_changed and party is None:
            # The confirmations are of the text: a status change keeps them valid.
            current.confirmations.update(version=current.version + 1)
        # The row is locked, so the version cannot have moved since the check above.
        Answer.objects.filter(pk=current.pk).update(
            text=text, status=status, version=F("version") + 1, updated_by=user, updated_at=now
        )
        current.text, current.status, current.version = text, status, current.version + 1
        current.updated_by, current.updated_at = user, now
        AnswerRevision.objects.create(
            answer=current,
            version=current.version,
            text=text,
            status=status,
            author=user,
            created_at=now,
            restored_from=restored_from,
        )
        if status != old_status:
            Event.record(collaboration, user, Event.Kind.ANSWER_STATUS, _short(item.text), current.get_status_display())
        if restored_from:
            Event.record(collaboration, user, Event.Kind.ANSWER_RESTORED, _short(item.text), f"v{restored_from}")
        return SaveResult(current, saved=True, withdrawn=withdrawn)


def _unchanged_since(answer, base_version, text, status):
    """True when the posted text is what the answer said at ``base_version`` (and no status was
    asked for): the person only re-sent what they were shown, so there is no conflict."""
    if status is not None and status != answer.status:
        return False
    if base_version == 0:
        return text == ""
    return answer.revisions.filter(version=base_version, text=text).exists()


def confirming_parties(collaboration):
    """The parties whose confirmation makes a joint answer "överens": those with someone who may
    write (a party without such a person could never confirm, and would block agreement)."""
    return list(
        Party.objects.filter(collaboration=collaboration, memberships__role__in=["editor", "coordinator"])
        .select_related("organisation")
        .distinct()
        .order_by("-is_coordinating", "organisation__name")
    )


def _short(text, length=120):
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def confirm_answer(answer, *, party, user, version):
    """A party confirms the joint answer as it reads at ``version``. When every party has
    confirmed the same version, the answer is agreed."""
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.party_id is not None:
        raise ValueError("only joint answers are confirmed")
    if answer.version != version:
        return False
    if answer.confirmations.filter(party=party, version=version).exists():
        return True  # already confirmed: nothing new
    Confirmation.objects.update_or_create(
        answer=answer, party=party, defaults={"version": version, "confirmed_by": user, "created_at": timezone.now()}
    )
    Event.record(answer.collaboration, user, Event.Kind.ANSWER_CONFIRMED, _short(answer.item.text), str(party))
    parties = {p.pk for p in confirming_parties(answer.collaboration)}
    confirmed = set(answer.confirmations.filter(version=answer.version).values_list("party_id", flat=True))
    changes = {"updated_at": timezone.now()}  # the others' pages learn of it through the poll
    if parties and parties <= confirmed and answer.status != AnswerStatus.AGREED:
        changes["status"] = AnswerStatus.AGREED
        Event.record(answer.collaboration, user, Event.Kind.ANSWER_AGREED, _short(answer.item.text))
    Answer.objects.filter(pk=answer.pk).update(**changes)
    return True


@transaction.atomic
def withdraw_confirmation(answer, *, party, user):
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    deleted, _ = Confirmation.objects.filter(answer=answer, party=party).delete()
    if not deleted:
        return
    changes = {"updated_at": timezone.now()}
    if answer.status == AnswerStatus.AGREED:
        changes["status"] = AnswerStatus.DISCUSSED
        Event.record(
            answer.collaboration, user, Event.Kind.ANSWER_STATUS, _short(answer.item.text), AnswerStatus.DISCUSSED.label
        )
    Answer.objects.filter(pk=answer.pk).update(**changes)


def reopen_agreed_answers(collaboration, user=None):
    """A new party has not confirmed anything: joint answers agreed so far are open again."""
    reopened = Answer.objects.filter(
        collaboration=collaboration, party__isnull=True, status=AnswerStatus.AGREED
    ).update(status=AnswerStatus.DISCUSSED, updated_at=timezone.now())
    return reopened


def add_comment(*, collaboration, item, membership, text):
    comment = Comment.objects.create(
        collaboration=collaboration, item=item, party=membership.party, author=membership.user, text=text
    )
    Event.record(collaboration, membership.user, Event.Kind.COMMENT_ADDED, _short(item.text), _short(text, 200))
    return comment


# Progress ------------------------------------------------------------------------------------


def progress(collaboration, checklist_sections, parties):
    """Per checklist section: questions, and per status how many answers (joint) or per party."""
    sections = list(checklist_sections)
    section_ids = [cs.section_id for cs in sections]
    questions = dict(
        Item.objects.current()
        .filter(section_id__in=section_ids, kind=Item.Kind.QUESTION)
        .values_list("section_id")
        .annotate(n=Count("pk"))
    )
    rows = (
        Answer.objects.filter(collaboration=collaboration, item__section_id__in=section_ids, item__retired=False)
        .values("item__section_id", "party_id", "status")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for row in rows:
        key = (row["item__section_id"], row["party_id"])
        counts.setdefault(key, {})[row["status"]] = row["n"]
    result = {}
    for cs in sections:
        total = questions.get(cs.section_id, 0)
        if cs.per_party:
            per = []
            for party in answering_parties(cs, parties):
                c = counts.get((cs.section_id, party.pk), {})
                per.append((party, _summary(c, total)))
            answered = sum(s["done"] for _, s in per)
            result[cs.pk] = {"total": total, "per_party": per, "done": answered, "of": total * len(per)}
        else:
            summary = _summary(counts.get((cs.section_id, None), {}), total)
            result[cs.pk] = {"total": total, "joint": summary, "done": summary["done"], "of": total}
    return result


def _summary(counts, total):
    agreed = counts.get(AnswerStatus.AGREED, 0)
    discussed = counts.get(AnswerStatus.DISCUSSED, 0)
    not_relevant = counts.get(AnswerStatus.NOT_RELEVANT, 0)
    done = agreed + not_relevant
    return {
        "agreed": agreed,
        "discussed": discussed,
        "not_relevant": not_relevant,
        "left": max(total - done, 0),
        "done": done,
        "total": total,
    }
