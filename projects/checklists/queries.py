"""Reads of the checklists that other features use (Väntar på dig, the reminders, the next step) and
the checklist's own progress: how many questions a guide section has, and how many a collaboration
has answered (agreed or not relevant), jointly or per party. Flat query counts across many
collaborations."""

from django.db.models import Count

from guides import cache as guide_cache
from guides.models import Item
from projects.checklists.models import Answer, AnswerStatus

# A question is done when it is agreed or not relevant (the progress shown on the checklist pages).
DONE = (AnswerStatus.AGREED, AnswerStatus.NOT_RELEVANT)


def question_counts(section_ids):
    """{guide section id: its current questions} in one statement."""
    return dict(
        Item.objects.current()
        .filter(section_id__in=section_ids, kind=Item.Kind.QUESTION)
        .values_list("section_id")
        .annotate(n=Count("pk"))
    )


def _done_answers(collaboration_ids, section_ids):
    """The answers that are done, to the current questions of these guide sections."""
    return Answer.objects.filter(
        collaboration_id__in=collaboration_ids,
        item__section_id__in=section_ids,
        item__retired=False,
        item__kind=Item.Kind.QUESTION,
        status__in=DONE,
    )


def done_counts(collaboration_ids, section_ids, party_ids=None):
    """{(collaboration id, party id or None for joint answers, guide section id): questions done} in
    one statement; ``party_ids`` limits it to those parties' own answers."""
    answers = _done_answers(collaboration_ids, section_ids)
    if party_ids is not None:
        answers = answers.filter(party_id__in=party_ids)
    rows = answers.values_list("collaboration_id", "party_id", "item__section_id").annotate(n=Count("pk"))
    return {(collaboration_id, party_id, section_id): n for collaboration_id, party_id, section_id, n in rows}


def done_by_question(collaboration_id, section_ids):
    """{guide section id: {question id: the parties whose answer is done (None: the joint answer)}}
    of one collaboration, in one statement. A question of a section each party answers is counted
    once, however many parties answer it (projects.checklists.services.progress)."""
    done = {}
    rows = _done_answers([collaboration_id], section_ids).values_list("item__section_id", "item_id", "party_id")
    for section_id, item_id, party_id in rows:
        done.setdefault(section_id, {}).setdefault(item_id, set()).add(party_id)
    return done


def question_ids(section_id):
    """The current questions of a guide section, in the guide's order: [(id, text)] (kept in the
    guide cache: guide content changes only when the guides are loaded or edited)."""
    return guide_cache.cached(
        "section-questions",
        lambda: list(
            Item.objects.current().filter(section_id=section_id, kind=Item.Kind.QUESTION).values_list("pk", "text")
        ),
        section_id,
    )
