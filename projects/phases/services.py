"""The collaboration's current phase (Council of Europe code), its timeline, the collaboration map
(levels × phases, planned and actual) and starting a new period.

Views and forms validate; the functions here apply a change atomically and record its event.
Rules that only the database state can decide raise :class:`PhaseError` with a message for the
person.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guides.models import DecisionPhase, Item, Level, Section
from projects.checklists import services as checklists
from projects.checklists.models import Answer, AnswerRevision, AnswerStatus, ChecklistSection
from projects.core.models import Collaboration, Event, EventText, Membership, Party, Phase
from projects.phases.models import MapEntry, PhaseChange
from projects.transfer import schema

PHASES = [phase.value for phase in Phase]
DONE_STATUSES = {AnswerStatus.AGREED, AnswerStatus.NOT_RELEVANT}


class PhaseError(Exception):
    """A change that the collaboration's state does not allow; the message is for the person."""


def phase_label(value):
    return Phase(value).label if value in PHASES else value


def next_phase(phase):
    index = PHASES.index(phase) if phase in PHASES else -1
    return PHASES[index + 1] if 0 <= index < len(PHASES) - 1 else None


def previous_phase(phase):
    index = PHASES.index(phase) if phase in PHASES else 0
    return PHASES[index - 1] if index > 0 else None


# Which guide sections belong to which phase ------------------------------------------------------
#
# The guide fixtures set ``Section.decision_phase`` where a guide itself ties a section to a phase of
# the code (Forum's six phases, Halland's first conversation and forms, MUCF's phases Identifiera …
# Utvärdera, 7 steg's steps 6 and 7). Sections the fixtures leave without a phase are mapped here, by
# judgement, where the guide's own words make the phase clear; a section mapped nowhere does not
# count for any phase. A section may belong to more than one phase:
#
# * MUCF "Förutsättningar" (with its steps Status, Kunskap, Lagar och styrande dokument): MUCF says
#   the work on the prerequisites "kan med fördel göras innan samverkansprocessen startas", i.e.
#   while the question is being put on the agenda → agendasättning.
# * MUCF "Utvärdera och omformulera": the fixtures say uppföljning; its name and its last question
#   ("Har vi behov av att fortsätta samverka? Hur?", and the "Omformulera" tip) are also the work of
#   omformulering → also omformulering.
# * 7 steg, step 1 (why work with the municipality), step 2 (what to know about it) and step 5 (how
#   to make contact and build relations): the civil-society party's groundwork before a question is on
#   the municipality's agenda → agendasättning.
# * 7 steg, step 3 (financing) and step 4 (forms of collaboration, the level of collaboration, the
#   innovation process): choosing how to work together is formulating the collaboration → formulering.
# * 7 steg, step 7 ("Hur kan du utvärdera och gå vidare?"): the fixtures say uppföljning; "gå vidare"
#   is the renewal → also omformulering.
# Halland's sections all have a phase in the fixtures; its chapter "Varför samverka?" has no questions.
EXTRA_PHASE_SECTIONS = {
    "mucf-forutsattningar": ("agendasattning",),
    "mucf-status": ("agendasattning",),
    "mucf-kunskap": ("agendasattning",),
    "mucf-lagar": ("agendasattning",),
    "mucf-utvardera": ("omformulering",),
    "sjustegs-steg-1": ("agendasattning",),
    "sjustegs-steg-1-samarbetspartner": ("agendasattning",),
    "sjustegs-steg-1-paverka": ("agendasattning",),
    "sjustegs-steg-1-finansiering": ("agendasattning",),
    "sjustegs-steg-1-tillsammans": ("agendasattning",),
    "sjustegs-steg-2": ("agendasattning",),
    "sjustegs-steg-2-organisation": ("agendasattning",),
    "sjustegs-steg-2-budget": ("agendasattning",),
    "sjustegs-steg-2-demokrati": ("agendasattning",),
    "sjustegs-steg-2-landsting": ("agendasattning",),
    "sjustegs-steg-3": ("formulering",),
    "sjustegs-steg-3-skillnader": ("formulering",),
    "sjustegs-steg-3-bidrag": ("formulering",),
    "sjustegs-steg-3-upphandling": ("formulering",),
    "sjustegs-steg-3-iop": ("formulering",),
    "sjustegs-steg-4": ("formulering",),
    "sjustegs-steg-4-innovation": ("formulering",),
    "sjustegs-steg-4-exempel": ("formulering",),
    "sjustegs-steg-4-former": ("formulering",),
    "sjustegs-steg-5": ("agendasattning",),
    "sjustegs-steg-5-borja": ("agendasattning",),
    "sjustegs-steg-5-politiker": ("agendasattning",),
    "sjustegs-steg-5-kommunens-delar": ("agendasattning",),
    "sjustegs-steg-7": ("omformulering",),
    "sjustegs-steg-7-framgang": ("omformulering",),
    "sjustegs-steg-7-mal": ("omformulering",),
    "sjustegs-steg-7-metoder": ("omformulering",),
}

# The phases whose checklist answers are "about evaluating": carried into a new period.
EVALUATION_PHASES = (Phase.UPPFOLJNING, Phase.OMFORMULERING)


def phase_section_slugs(*phases):
    """The slugs of the guide sections that belong to any of ``phases``."""
    slugs = set(Section.objects.filter(decision_phase__slug__in=phases).values_list("slug", flat=True))
    slugs |= {slug for slug, mapped in EXTRA_PHASE_SECTIONS.items() if set(mapped) & set(phases)}
    return slugs


@dataclass
class OpenGroup:
    checklist_section: ChecklistSection
    rows: list = field(default_factory=list)  # [(item, party or None, status label)]


@dataclass
class OpenItems:
    groups: list
    total: int  # questions (× answering parties) in the phase's checklists

    @property
    def count(self):
        return sum(len(group.rows) for group in self.groups)


def open_items(collaboration, phase=None):
    """What is still open in the checklists of ``phase`` (the current one by default): every
    question, per answering party for per-party sections, whose answer is not "överens" or "ej
    aktuell" in the collaboration's active checklist sections that belong to the phase."""
    slugs = phase_section_slugs(phase or collaboration.phase)
    sections = [cs for cs in checklists.ordered_sections(collaboration) if cs.section.slug in slugs]
    questions = {}
    for item in (
        Item.objects.current()
        .filter(section_id__in=[cs.section_id for cs in sections], kind=Item.Kind.QUESTION)
        .order_by("order", "pk")
    ):
        questions.setdefault(item.section_id, []).append(item)
    statuses = {
        (item_id, party_id): status
        for item_id, party_id, status in Answer.objects.filter(
            collaboration=collaboration, item__section_id__in=[cs.section_id for cs in sections]
        ).values_list("item_id", "party_id", "status")
    }
    parties = list(collaboration.parties.select_related("organisation"))
    groups, total = [], 0
    for cs in sections:
        answering = checklists.answering_parties(cs, parties) if cs.per_party else [None]
        group = OpenGroup(cs)
        for item in questions.get(cs.section_id, []):
            for party in answering:
                total += 1
                status = statuses.get((item.pk, party.pk if party else None), AnswerStatus.NOT_STARTED)
                if status not in DONE_STATUSES:
                    group.rows.append((item, party, AnswerStatus(status).label))
        if group.rows:
            groups.append(group)
    return OpenItems(groups, total)


# The current phase and the timeline ----------------------------------------------------------


def decision_phases():
    return {phase.slug: phase for phase in DecisionPhase.objects.current()}


def phase_guidance(phase):
    """The guides' names for the phase and the guide sections that give advice on it."""
    from guides.models import Guide

    decision_phase = DecisionPhase.objects.filter(slug=phase).first()
    if decision_phase is None:
        return {"names": [], "sections": []}
    guides = {guide.slug: guide for guide in Guide.objects.current()}
    names = [(guides[slug].short_name, name) for slug, name in decision_phase.names.items() if slug in guides]
    section_slugs = list((decision_phase.extra.get("guide_sections") or {}).values())
    sections = list(Section.objects.current().filter(slug__in=section_slugs).select_related("guide"))
    return {"decision_phase": decision_phase, "names": names, "sections": sections}


def timeline(collaboration):
    """The phase's history: the collaboration's start (in the phase it started in), then every change."""
    changes = list(collaboration.phase_changes.select_related("changed_by"))
    first_phase = changes[0].from_phase if changes and changes[0].from_phase else collaboration.phase
    start = {
        "start": True,
        "at": collaboration.created_at,
        "by": collaboration.created_by,
        "to_phase": first_phase,
        "to_label": phase_label(first_phase),
    }
    entries = [start]
    for change in changes:
        forward = PHASES.index(change.to_phase) > PHASES.index(change.from_phase) if change.from_phase else True
        entries.append(
            {
                "start": False,
                "at": change.changed_at,
                "by": change.changed_by,
                "from_label": phase_label(change.from_phase),
                "to_phase": change.to_phase,
                "to_label": phase_label(change.to_phase),
                "forward": forward,
                "note": change.note,
                "open_items": change.open_items,
            }
        )
    return entries


@transaction.atomic
def change_phase(collaboration, *, user, to_phase, from_phase, note=""):
    """Move the current phase one step forward or back. ``from_phase`` is the phase the person saw:
    if it has changed meanwhile, nothing happens (a second click must not skip a phase). Going back
    needs a reason. Open questions are a warning, never a block: their number is recorded."""
    current = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if current.archived:
        raise PhaseError(_("Samverkan är arkiverad. Fasen kan inte ändras."))
    if current.phase != from_phase:
        raise PhaseError(
            _("Fasen har redan ändrats till %(phase)s. Se över sidan och försök igen.")
            % {"phase": phase_label(current.phase)}
        )
    if to_phase not in (next_phase(current.phase), previous_phase(current.phase)) or to_phase is None:
        raise PhaseError(_("Fasen kan bara flyttas ett steg i taget, framåt eller bakåt."))
    back = to_phase == previous_phase(current.phase)
    note = note.strip()
    if back and not note:
        raise PhaseError(_("Skriv varför ni går tillbaka till en tidigare fas."))
    return _move(collaboration, current, user=user, to_phase=to_phase, note=note, detail=note)


def _move(collaboration, current, *, user, to_phase, note, detail):
    """Record a move of ``current`` (the locked row) to ``to_phase``: on the timeline with the open
    questions' count, on the collaboration, and as an event whose detail is ``detail``."""
    change = PhaseChange.objects.create(
        collaboration=current,
        from_phase=current.phase,
        to_phase=to_phase,
        note=note,
        open_items=open_items(current, current.phase).count,
        changed_by=user,
        changed_at=timezone.now(),
    )
    Collaboration.objects.filter(pk=current.pk).update(phase=to_phase, updated_at=timezone.now())
    collaboration.phase = to_phase
    Event.record(current, user, Event.Kind.PHASE_CHANGED, _phase_step(change.from_phase, to_phase), detail)
    return change


def phase_text(phase):
    """A phase's name for an event, translated when shown (the labels' msgids are the Swedish names)."""
    return EventText.label(phase_label(phase))


def _phase_step(from_phase, to_phase):
    """ "Agendasättning → Formulering" as an event's subject, in the reader's language."""
    return EventText(gettext_noop("%(from)s → %(to)s"), **{"from": phase_text(from_phase), "to": phase_text(to_phase)})


DECIDED_NOTE = gettext_noop("Överenskommelsen är beslutad av alla parter: samverkan går in i genomförandet.")


@transaction.atomic
def follow_decided_agreement(collaboration, *, user):
    """The agreement decided by every party: the collaboration is in Genomförande from now on. A
    phase before it moves there (recorded on the timeline and as an event, like any change); a
    later phase stays. Returns the change or None."""
    current = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if current.phase in PHASES and PHASES.index(current.phase) >= PHASES.index(Phase.GENOMFORANDE):
        return None
    with translation.override("sv"):
        note = _(DECIDED_NOTE)
    return _move(
        collaboration, current, user=user, to_phase=Phase.GENOMFORANDE, note=note, detail=EventText(DECIDED_NOTE)
    )


def phase_done(open_):
    """Whether the phase's checklist work is done (nothing open): then going on is the next step."""
    return open_.count == 0


# The collaboration map -----------------------------------------------------------------------


def levels():
    """The four levels, Information first."""
    return list(Level.objects.current().order_by("order"))


def map_rows(collaboration):
    """All six phases with what is marked for each: [{phase, phase_name, planned, planned_name,
    actual, actual_name, note}] (empty strings where nothing is marked); the names in the reader's
    language."""
    entries = {
        entry.phase: entry for entry in collaboration.map_entries.select_related("planned_level", "actual_level")
    }
    names = {slug: phase.label for slug, phase in decision_phases().items()}
    rows = []
    for phase in PHASES:
        entry = entries.get(phase)
        planned = entry.planned_level if entry else None
        actual = entry.actual_level if entry else None
        rows.append(
            {
                "phase": phase,
                "phase_name": names.get(phase) or str(Phase(phase).label),
                "planned": planned.slug if planned else "",
                "planned_name": planned.label if planned else "",
                "actual": actual.slug if actual else "",
                "actual_name": actual.label if actual else "",
                "note": entry.note if entry else "",
            }
        )
    return rows


def map_snapshot(collaboration):
    """The collaboration map for the agreement's frozen content: the six rows of :func:`map_rows`,
    or [] when nothing is marked."""
    with translation.override("sv"):  # the agreement's content is Swedish, whoever locks it
        rows = map_rows(collaboration)
    if not any(row["planned"] or row["actual"] or row["note"] for row in rows):
        return []
    return rows


@transaction.atomic
def save_map(collaboration, *, user, values):
    """Save the map from ``values`` ({phase: {"planned": Level|None, "actual": Level|None, "note": str}})
    and record one event naming the phases that changed. Returns the list of changed phases."""
    if Collaboration.objects.filter(pk=collaboration.pk, archived=True).exists():
        raise PhaseError(_("Samverkan är arkiverad. Kartan kan inte ändras."))
    entries = {entry.phase: entry for entry in MapEntry.objects.select_for_update().filter(collaboration=collaboration)}
    changed = []
    now = timezone.now()
    for phase in PHASES:
        value = values.get(phase)
        if value is None:
            continue
        planned, actual, note = value.get("planned"), value.get("actual"), value.get("note", "").strip()
        entry = entries.get(phase)
        old = (entry.planned_level_id, entry.actual_level_id, entry.note) if entry else (None, None, "")
        new = (planned.pk if planned else None, actual.pk if actual else None, note)
        if old == new:
            continue
        changed.append(phase)
        if not (planned or actual or note):
            entry.delete()
            continue
        MapEntry.objects.update_or_create(
            collaboration=collaboration,
            phase=phase,
            defaults={
                "planned_level": planned,
                "actual_level": actual,
                "note": note,
                "updated_by": user,
                "updated_at": now,
            },
        )
    if changed:
        Event.record(collaboration, user, Event.Kind.MAP_CHANGED, _phase_list(changed))
    return changed


def _phase_list(phases):
    """ "Agendasättning, Beslut" as an event's subject, each name in the reader's language."""
    names = {f"p{index}": phase_text(phase) for index, phase in enumerate(phases)}
    return EventText(", ".join(f"%({name})s" for name in names), **names)


# The picture: geometry for the inline SVG ------------------------------------------------------

SVG = {
    "width": 444,
    "label_width": 104,
    "col_width": 56,
    "header": 122,
    "row_height": 46,
    "footer": 22,
    "legend": 64,
}


def map_picture(rows, *, current_phase=None, all_levels=None):
    """Coordinates for the SVG picture of the map (projects/includes/map_svg.html): the levels as
    rows with Partnerskap on top, as the guides draw it, the six phases as columns; a circle "P" for
    the planned level and a square "F" for the actual one."""
    all_levels = list(reversed(all_levels if all_levels is not None else levels()))
    s = SVG
    grid_top = s["header"]
    grid_bottom = grid_top + s["row_height"] * len(all_levels)
    level_y = {level.slug: grid_top + s["row_height"] * index for index, level in enumerate(all_levels)}
    level_rows = [
        {"name": level.label, "y": level_y[level.slug], "text_y": level_y[level.slug] + s["row_height"] // 2 + 5}
        for level in all_levels
    ]
    columns = []
    for index, row in enumerate(rows):
        x = s["label_width"] + s["col_width"] * index
        column = {
            "name": row["phase_name"],
            "x": x,
            "text_x": x + s["col_width"] // 2 + 5,
            "current": row["phase"] == current_phase,
            "planned": None,
            "actual": None,
        }
        if row["planned"] in level_y:
            y = level_y[row["planned"]] + s["row_height"] // 2
            column["planned"] = {"cx": x + 15, "cy": y, "text_y": y + 5, "name": row["planned_name"]}
        if row["actual"] in level_y:
            y = level_y[row["actual"]] + s["row_height"] // 2
            column["actual"] = {"x": x + 30, "y": y - 11, "cx": x + 41, "text_y": y + 5, "name": row["actual_name"]}
        columns.append(column)
    legend_y = grid_bottom + (s["footer"] if current_phase else 0) + 14
    return {
        "width": s["width"],
        "height": legend_y + (s["legend"] if current_phase else s["legend"] // 2),
        "grid_top": grid_top,
        "grid_bottom": grid_bottom,
        "grid_height": grid_bottom - grid_top,
        "grid_left": s["label_width"],
        "grid_right": s["label_width"] + s["col_width"] * len(rows),
        "col_width": s["col_width"],
        "row_height": s["row_height"],
        "header_y": grid_top - 8,
        "footer_y": grid_bottom + 17,
        "current_height": grid_bottom - grid_top + 26,
        "current_top": grid_top - 4,
        "levels": level_rows,
        "columns": columns,
        "legend_y": legend_y,
        "rows": rows,
        "marked": any(row["planned"] or row["actual"] for row in rows),
    }


# New period ----------------------------------------------------------------------------------


def period_links(collaboration):
    """The previous and the next period of the collaboration (either may be None)."""
    try:
        following = collaboration.next_period
    except Collaboration.DoesNotExist:
        following = None
    return {"previous": collaboration.previous_period, "next": following}


def can_start_period(collaboration):
    """None when a new period may start, otherwise the reason (for the person)."""
    if Collaboration.objects.filter(previous_period=collaboration).exists():
        return _("Period %(n)s av samverkan är redan påbörjad. Varje period kan följas av bara en ny period.") % {
            "n": collaboration.period + 1
        }
    if collaboration.archived:
        return _("Samverkan är arkiverad. En ny period kan bara påbörjas från en pågående period.")
    return None


def period_due(collaboration, today=None):
    """Whether it is time to prepare the next period: the collaboration is being followed up or
    reformulated, or its planned end is near or passed (as "Väntar på dig" says it)."""
    from projects.todo.queries import RENEWAL_DAYS  # todo reads this feature's permissions

    if collaboration.phase in EVALUATION_PHASES:
        return True
    today = today or timezone.localdate()
    end = collaboration.end_date
    return end is not None and end <= today + timedelta(days=RENEWAL_DAYS)


def evaluation_section_slugs():
    """The guide sections about evaluating: their answers are the new period's starting point."""
    return phase_section_slugs(*EVALUATION_PHASES)


@transaction.atomic
def start_new_period(collaboration, *, user):
    """Start the next period: a new collaboration row linked to this one, carrying over what the
    schema's Carry declarations name (projects.transfer.schema): the parties, the people, the active
    checklist sections, the agreement text as the first draft, the principle formulations, the map's
    planned levels and the evaluation answers. This period is archived and otherwise left exactly as
    it is. Dates are left empty: the parties agree on the new term when they renegotiate the agreement."""
    old = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    reason = can_start_period(old)
    if reason:
        raise PhaseError(reason)
    copies = {Party: {}, Membership: {}, Answer: {}}
    try:
        with transaction.atomic():
            new = schema.copy_row(
                schema.DOCUMENT, old, user=user, copies=copies, period=old.period + 1, previous_period=old
            )
    except IntegrityError:  # started meanwhile by someone else
        raise PhaseError(can_start_period(old) or _("En ny period är redan påbörjad.")) from None
    schema.carry_over(schema.DOCUMENT, old, new, user=user, copies=copies, rows={"evaluation": _evaluation_answers})
    # A carried answer starts its history again: version 1, with its revision (the history page works).
    AnswerRevision.objects.bulk_create(
        AnswerRevision(
            answer=a, version=1, text=a.text, status=a.status, author_id=a.updated_by_id, created_at=a.updated_at
        )
        for a in copies[Answer].values()
    )
    Collaboration.objects.filter(pk=old.pk).update(archived=True)
    old.archived = True
    started = EventText(gettext_noop("Period %(n)s påbörjad"), n=new.period)
    Event.record(old, user, Event.Kind.PERIOD_STARTED, started, new.title)
    continues = EventText(gettext_noop("Fortsätter period %(n)s"), n=old.period)
    Event.record(new, user, Event.Kind.PERIOD_STARTED, continues, old.title)
    return new


def _evaluation_answers(answers, old):
    """The answers in the active sections about evaluating: the new period's starting point."""
    active = old.checklist_sections.filter(active=True).values("section_id")
    slugs = evaluation_section_slugs()
    return answers.filter(item__section__in=active, item__section__slug__in=slugs).exclude(text="")


# The overview --------------------------------------------------------------------------------


def stepper(current):
    index = PHASES.index(current) if current in PHASES else 0
    return [
        {
            "phase": phase,
            "label": Phase(phase).label,
            "number": number,
            "state": "done" if number - 1 < index else "current" if number - 1 == index else "todo",
        }
        for number, phase in enumerate(PHASES, start=1)
    ]


def overview_context(collaboration):
    """What the collaboration overview shows of the phase and the periods."""
    return {
        "phase_number": PHASES.index(collaboration.phase) + 1 if collaboration.phase in PHASES else 1,
        "phase_periods": period_links(collaboration),
    }
