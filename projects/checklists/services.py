"""The shared checklists: which guide sections a collaboration works through, and the writes on
answers (optimistic versioning, revisions, confirmations). Views validate; these functions apply.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from guides.models import Audience, Item, Section
from projects.checklists.models import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    ChecklistEvent,
    ChecklistSection,
    Comment,
    Confirmation,
)
from projects.checklists.permissions import CONFIRM_ANSWER
from projects.checklists.queries import DONE, done_by_question, question_counts, question_ids
from projects.common import comments, versioned
from projects.core.models import Event, EventText, Organisation, Party
from projects.core.permissions import policy
from projects.notifications import services as notices

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


# An answer nobody has confirmed (a condition of the save's update; built once, the save is frequent).
_UNCONFIRMED = ~Exists(Confirmation.objects.filter(answer=OuterRef("pk")))


@transaction.atomic
def save_answer(*, collaboration, item, party, user, text, status, base_version, restored_from=None):
    """Save text and status if the answer is still at ``base_version`` (projects.common.versioned);
    otherwise report a conflict and change nothing. ``status`` None keeps the current status. A
    text change withdraws the parties' confirmations of a joint answer."""
    current = versioned.lock(Answer.objects, create=True, collaboration=collaboration, item=item, party=party)
    old_status = current.status
    result = versioned.save(
        current,
        user=user,
        text=text,
        base_version=base_version,
        fields={"status": status or old_status},
        resent=current.version != base_version and _unchanged_since(current, base_version, text, status),
        write=partial(_write_answer, current, joint=party is None),
        restored_from=restored_from,
    )
    # Whether the question went from open to done or back (the page's progress then changes).
    result.progress_changed = result.saved and (old_status in DONE) != (current.status in DONE)
    if result.saved and current.status != old_status:
        # The lazy label (get_status_display() is already in the recorder's language): its msgid.
        status_text = EventText.label(AnswerStatus(current.status).label)
        Event.record(collaboration, user, Event.Kind.ANSWER_STATUS, _short(item.text), status_text)
    if result.saved and restored_from:
        restored = EventText(gettext_noop("v%(n)s"), n=restored_from)
        Event.record(collaboration, user, Event.Kind.ANSWER_RESTORED, _short(item.text), restored)
    return result


def _write_answer(answer, rows, change, *, joint):
    """Write a change of ``answer`` (as it was before): the status follows the text, and a joint
    answer's confirmations are of its text (a text change withdraws them)."""
    text_changed = answer.text != change["text"]
    if text_changed and joint and answer.status == change["status"] == AnswerStatus.AGREED:
        change["status"] = AnswerStatus.DISCUSSED  # agreed was on the old text
    if change["status"] == AnswerStatus.NOT_STARTED and change["text"].strip():
        change["status"] = AnswerStatus.DISCUSSED
    if not joint:
        rows.update(**change)
        return {}
    # A joint answer: most have no confirmations, so the update is made on the condition that it
    # has none, and they are looked at only when it has. (The condition is read by a statement
    # after the lock, so it sees a confirmation committed while this save waited for the lock;
    # confirming takes the same lock, so none are added until this save commits.)
    if rows.filter(_UNCONFIRMED).update(**change):
        return {"confirmations": []}
    if text_changed:
        confirmed = list(answer.confirmations.select_related("party__organisation"))
        Confirmation.objects.filter(pk__in=[c.pk for c in confirmed]).delete()
        rows.update(**change)
        return {"withdrawn": [c.party for c in confirmed], "confirmations": []}
    # A status change keeps them valid (the view reads them with their new version).
    answer.confirmations.update(version=answer.version + 1)
    rows.update(**change)
    return {}


def _unchanged_since(answer, base_version, text, status):
    """True when the posted text is what the answer said at ``base_version`` (and no status was
    asked for): the person only re-sent what they were shown, so there is no conflict."""
    if status is not None and status != answer.status:
        return False
    if base_version == 0:
        return text == ""
    return answer.revisions.filter(version=base_version, text=text).exists()


# Who may confirm (the policy: editors and coordinators; the save's SQL below has a placeholder for each).
CONFIRMING_ROLES = policy.roles_for(CONFIRM_ANSWER)


def confirming_parties(collaboration):
    """The parties whose confirmation makes a joint answer "överens": those with someone who may
    write (a party without such a person could never confirm, and would block agreement)."""
    return list(
        Party.objects.filter(collaboration=collaboration, memberships__role__in=CONFIRMING_ROLES)
        .select_related("organisation")
        .distinct()
        .order_by("-is_coordinating", "organisation__name")
    )


# What a save needs before it writes (the checklist section, its guide section, the question, and the
# collaboration's parties with their organisations and whether each may confirm), in one statement.
# Written out rather than built by the ORM: the autosave is the most frequent request there is, and
# building this query with the ORM (filtered relations, select_related of five models) took 15 to
# 20 times the CPU of running it (bench/README.md, "Autosave throughput"). Plain SQL that PostgreSQL
# and SQLite both run; tests/checklists/test_save_path.py compares what it gives with the ORM's reads.
_SAVE_TARGET_SQL = """
SELECT cs.section_id, cs.answer_mode, s.guide_id, s.parent_id, s.title, s.audience, s.answer_mode,
       i.kind, i.title, i.text, i.principle_id,
       p.id, p.organisation_id, p.is_coordinating, p.status, o.name, o.sector,
       EXISTS (SELECT 1 FROM projects_membership m WHERE m.party_id = p.id AND m.role IN (%s, %s))
FROM projects_checklistsection cs
JOIN guides_section s ON s.id = cs.section_id
JOIN guides_item i ON i.section_id = s.id
LEFT JOIN projects_party p ON p.collaboration_id = cs.collaboration_id
LEFT JOIN projects_organisation o ON o.id = p.organisation_id
WHERE cs.id = %s AND cs.collaboration_id = %s AND cs.active AND NOT s.retired
  AND i.id = %s AND i.kind = %s AND NOT i.retired
ORDER BY p.is_coordinating DESC, o.name
"""


def save_target(collaboration, cs_pk, item_pk):
    """(checklist section, question, parties) for saving an answer to question ``item_pk`` of the
    collaboration's active checklist section ``cs_pk``, or None when there is no such current
    question there. The parties are the collaboration's, in their order (Party.Meta.ordering),
    with their organisations and ``may_confirm`` (whether it is one of confirming_parties).

    The objects hold the fields a save and its answer fragment use (the section's title, audience
    and answer mode; the question's text; the parties' organisation names and sectors); any
    other field is read from the database when it is first used."""
    alias = router.db_for_read(ChecklistSection)
    with connections[alias].cursor() as cursor:
        cursor.execute(_SAVE_TARGET_SQL, [*CONFIRMING_ROLES, cs_pk, collaboration.pk, item_pk, Item.Kind.QUESTION])
        rows = cursor.fetchall()
    if not rows:
        return None
    section_id, cs_mode, guide_id, parent_id, title, audience, section_mode = rows[0][:7]
    kind, item_title, text, principle_id = rows[0][7:11]
    section = _loaded(
        Section,
        alias,
        id=section_id,
        guide_id=guide_id,
        parent_id=parent_id,
        title=title,
        audience=audience,
        answer_mode=section_mode,
        retired=False,
    )
    checklist_section = _loaded(
        ChecklistSection,
        alias,
        id=cs_pk,
        collaboration_id=collaboration.pk,
        section_id=section.pk,
        answer_mode=cs_mode,
        active=True,
    )
    checklist_section.collaboration, checklist_section.section = collaboration, section
    item = _loaded(
        Item,
        alias,
        id=item_pk,
        section_id=section.pk,
        kind=kind,
        title=item_title,
        text=text,
        principle_id=principle_id,
        retired=False,
    )
    item.section = section
    parties = []
    for party_id, organisation_id, is_coordinating, status, name, sector, may in (row[11:] for row in rows):
        if party_id is None:
            continue  # no parties (a member always has one)
        party = _loaded(
            Party,
            alias,
            id=party_id,
            collaboration_id=collaboration.pk,
            organisation_id=organisation_id,
            is_coordinating=bool(is_coordinating),
            status=status,
        )
        party.organisation = _loaded(Organisation, alias, id=organisation_id, name=name, sector=sector)
        party.collaboration = collaboration
        party.may_confirm = bool(may)
        parties.append(party)
    return checklist_section, item, parties


def _loaded(model, alias, **values):
    """An instance of ``model`` as read from the database with only these fields (the others are
    deferred: read when first used), as QuerySet.only() makes them."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


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
        discussed = EventText.label(AnswerStatus.DISCUSSED.label)
        Event.record(answer.collaboration, user, Event.Kind.ANSWER_STATUS, _short(answer.item.text), discussed)
    Answer.objects.filter(pk=answer.pk).update(**changes)


def reopen_agreed_answers(collaboration, user=None):
    """A new party has not confirmed anything: joint answers agreed so far are open again."""
    reopened = Answer.objects.filter(
        collaboration=collaboration, party__isnull=True, status=AnswerStatus.AGREED
    ).update(status=AnswerStatus.DISCUSSED, updated_at=timezone.now())
    return reopened


@transaction.atomic
def add_comment(*, collaboration, item, membership, text):
    """A comment on a question; the people it mentions and those who wrote the answers are told."""
    event = (collaboration, Event.Kind.COMMENT_ADDED, _short(item.text), _short(text, 200))
    comment = comments.add_comment(Comment, membership, text, event=event, collaboration=collaboration, item=item)
    cs = ChecklistSection.objects.filter(collaboration=collaboration, section_id=item.section_id).first()
    answers = Answer.objects.filter(collaboration=collaboration, item=item)
    writers = set(answers.values_list("updated_by", flat=True)) | set(
        AnswerRevision.objects.filter(answer__in=answers).values_list("author", flat=True)
    )
    notices.notify_comment(
        collaboration=collaboration,
        comment=comment,
        writers=list(get_user_model().objects.filter(pk__in=writers - {None})),
        about=_short(item.text, 80),
        path=reverse("projects:comments", args=[collaboration.pk, cs.pk, item.pk]) if cs else "",
        key=f"answer:{comment.pk}",
    )
    return comment


# Progress ------------------------------------------------------------------------------------


def progress(collaboration, checklist_sections, parties, party=None):
    """Per checklist section, counted in questions (never in answers: a section of three questions
    that two parties answer has three, not six), in the scope of ``party`` (None: everyone's):

    ``of`` its questions; ``done`` those done (agreed or not relevant): in a joint section, by the
    joint answer; in a section each party answers, by ``party``'s own answer when the section is
    meant for that party, or else by the answers of every party it is meant for; ``left``;
    ``done_items`` the ids of the questions done; ``mine`` whether the section is ``party``'s to
    work on (a joint section, or one meant for the party); ``per_party`` [(party, questions done)]
    in a section each party answers; ``complete`` when every question is done by everyone (a due
    date is met). Two statements for any number of sections."""
    sections = list(checklist_sections)
    section_ids = [cs.section_id for cs in sections]
    questions = question_counts(section_ids)
    done = done_by_question(collaboration.pk, section_ids)
    result = {}
    for cs in sections:
        total = questions.get(cs.section_id, 0)
        by_question = done.get(cs.section_id, {})
        if cs.per_party:
            answering = answering_parties(cs, parties)
            everyone = {item for item, who in by_question.items() if all(p.pk in who for p in answering)}
            mine = meant_for(cs, parties, party)
            items = {item for item, who in by_question.items() if party.pk in who} if mine else everyone
            per_party = [(p, sum(1 for who in by_question.values() if p.pk in who)) for p in answering]
        else:
            everyone = items = {item for item, who in by_question.items() if None in who}
            mine, per_party = True, []
        result[cs.pk] = {
            "of": total,
            "done": len(items),
            "left": max(total - len(items), 0),
            "done_items": items,
            "mine": mine,
            "per_party": per_party,
            "complete": bool(total) and len(everyone) >= total,
        }
    return result


def meant_for(checklist_section, parties, party):
    """Whether ``party`` works on the section: a joint one, or one it answers for itself."""
    if not checklist_section.per_party:
        return True
    return party is not None and any(p.pk == party.pk for p in answering_parties(checklist_section, parties))


def in_scope(sections, progress, everyone):
    """The sections a person works through: all of them (``everyone``), or the ones meant for
    their party (progress's ``mine``)."""
    return [cs for cs in sections if everyone or progress[cs.pk]["mine"]]


def next_open_question(sections, progress, start=None):
    """The first question not done (in progress's scope) of ``sections``: from ``start`` (a checklist
    section) on, then from the beginning; (checklist section, question id, question text) or None.
    One statement (the questions of the section found)."""
    index = next((i for i, cs in enumerate(sections) if cs.pk == getattr(start, "pk", None)), 0)
    for cs in sections[index:] + sections[:index]:
        p = progress[cs.pk]
        if p["left"]:
            for item_id, text in question_ids(cs.section_id):
                if item_id not in p["done_items"]:
                    return cs, item_id, text
    return None


# Which sections a collaboration works through ----------------------------------------------------


@transaction.atomic
def add_section(collaboration, section, *, user):
    """Add a guide section (or bring back one removed before, with its answers)."""
    checklist_section, created = ChecklistSection.objects.get_or_create(
        collaboration=collaboration, section=section, defaults={"answer_mode": section.answer_mode, "added_by": user}
    )
    if not created:
        checklist_section.active = True
        checklist_section.save(update_fields=["active"])
    Event.record(collaboration, user, Event.Kind.CHECKLIST_ADDED, section.title)
    return checklist_section


@transaction.atomic
def remove_section(checklist_section, *, user):
    """Take a section off the list; its answers stay for when it is added again."""
    checklist_section.active = False
    checklist_section.save(update_fields=["active"])
    Event.record(checklist_section.collaboration, user, Event.Kind.CHECKLIST_REMOVED, checklist_section.section.title)


@transaction.atomic
def set_answer_mode(checklist_section, mode, *, user):
    """Answered jointly or per party; returns whether it changed."""
    if mode == checklist_section.answer_mode:
        return False
    checklist_section.answer_mode = mode
    checklist_section.save(update_fields=["answer_mode"])
    Event.record(
        checklist_section.collaboration,
        user,
        Event.Kind.CHECKLIST_CHANGED,
        checklist_section.section.title,
        EventText.label(dict(ChecklistSection._meta.get_field("answer_mode").choices)[mode]),
    )
    return True


@transaction.atomic
def set_due_date(checklist_section, due_date, *, user):
    """Give the section the date by which it is to be done ("klart senast"), or none (``None``).
    Returns whether it changed."""
    current = ChecklistSection.objects.select_for_update().get(pk=checklist_section.pk)
    checklist_section.due_date = due_date
    if current.due_date == due_date:
        return False
    ChecklistSection.objects.filter(pk=current.pk).update(due_date=due_date)
    detail = (
        EventText(gettext_noop("Klart senast %(date)s"), date=due_date)
        if due_date
        else EventText(gettext_noop("Datumet borttaget"))
    )
    Event.record(
        checklist_section.collaboration, user, ChecklistEvent.DUE_DATE, checklist_section.section.title, detail
    )
    return True
