"""Stakeholders (intressentkartläggning) and risks (riskmatris).

The rules of both registers, the actions that change them (each records its event), the geometry of
the two pictures (the templates draw server-side SVG from the numbers computed here, so they can be
tested), the CSV exports and the overview card.

The four fields follow 7 steg's model (Reach for Change, "Börja – Exempel på intressentkartläggning"):
stakeholders are sorted "i fyra fält beroende på hur mycket inflytande de har över ett möjligt
samarbete och hur intresserade de är av ett samarbete". The guide's figure is not in its text, so
the fields are named by exactly those two axes. MUCF leaves the risk matrix's scale to the parties
("Välj den metod som passar er samverkan bäst"); the levels below are the app's own.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from projects.common.csv_export import safe_text as csv_cell
from projects.core.models import Event, EventText
from projects.stakeholders.models import Risk, Stakeholder

SCALE = (1, 2, 3, 4, 5)
HIGH_FROM = 3  # on both axes: 1–2 is low, 3–5 is high

# Sources named on the pages (guides.templatetags source_label reads this shape).
STAKEHOLDER_SOURCE = [{"guide": "sjustegs", "section": "Börja – Exempel på intressentkartläggning"}]
STAKEHOLDER_REFERENCE = "intressentkartlaggning"  # guides.ReferenceList slug
RISK_REFERENCE = "riskmatris"  # guides.ReferenceEntry slug (MUCF's tools)


# The four fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quadrant:
    key: str
    label: str
    high_influence: bool
    high_interest: bool
    fill: str

    @property
    def lines(self):
        """The label on two lines for the picture ("Stort inflytande," / "stort intresse")."""
        first, _sep, second = str(self.label).partition(", ")
        return [first + ",", second] if second else [first]


QUADRANTS = [
    Quadrant("high-high", gettext_lazy("Stort inflytande, stort intresse"), True, True, "#d6e6f5"),
    Quadrant("high-low", gettext_lazy("Stort inflytande, litet intresse"), True, False, "#e9eff6"),
    Quadrant("low-high", gettext_lazy("Litet inflytande, stort intresse"), False, True, "#e8f1e3"),
    Quadrant("low-low", gettext_lazy("Litet inflytande, litet intresse"), False, False, "#f2f2f2"),
]
_QUADRANT = {(q.high_influence, q.high_interest): q for q in QUADRANTS}


def quadrant(influence, interest) -> Quadrant:
    return _QUADRANT[(influence >= HIGH_FROM, interest >= HIGH_FROM)]


def stakeholder_list(collaboration):
    """The collaboration's stakeholders, each with its field (``.quadrant``): one query."""
    stakeholders = list(Stakeholder.objects.filter(collaboration=collaboration))
    for stakeholder in stakeholders:
        stakeholder.quadrant = quadrant(stakeholder.influence, stakeholder.interest)
    return stakeholders


def with_quadrant(stakeholder):
    stakeholder.quadrant = quadrant(stakeholder.influence, stakeholder.interest)
    return stakeholder


# The stakeholder map (x = interest, y = influence) -------------------------------------------------

MAP_LEFT = 46  # room for the rotated axis title and the tick numbers
MAP_CELL_WIDTH = 116
MAP_LINE = 17  # a stakeholder's first line inside a cell: ones in the same cell are stacked, never drawn on top
MAP_TEXT_LINE = 13  # each further line of a wrapped name
MAP_PAD = 8
MAP_ROW_MIN = 46
MAP_LABEL_BAND = 34  # the quadrant's name, at the top of its first row
MAP_TOP = 8
MAP_LABEL_CHARS = 15  # at font size 10 a line of the label stays inside its cell
MAP_LABEL_LINES = 3  # a longer name ends with "…" (the table and the dot's title have it whole)


@dataclass
class Dot:
    stakeholder: Stakeholder
    cx: float
    cy: float
    label_x: float
    label_y: float
    label: str
    title: str
    lines: list = field(default_factory=list)  # the label wrapped: [{"text", "dy"}]


@dataclass
class MapPicture:
    width: int
    height: int
    grid_left: int
    grid_top: int
    grid_right: int
    grid_bottom: int
    columns: list = field(default_factory=list)  # {"value", "x", "center"}
    rows: list = field(default_factory=list)  # {"value", "y", "height", "tick_y"}
    quadrants: list = field(default_factory=list)  # {"quadrant", "x", "y", "width", "height", "lines"}
    dots: list = field(default_factory=list)
    divider_x: int = 0
    divider_y: int = 0
    x_title_y: int = 0
    tick_y: int = 0
    y_title_x: int = 14
    y_title_y: int = 0
    count: int = 0
    by_quadrant: list = field(default_factory=list)  # [(quadrant, [stakeholders])] for the text beside

    @property
    def grid_width(self):
        return self.grid_right - self.grid_left

    @property
    def grid_height(self):
        return self.grid_bottom - self.grid_top

    @property
    def x_center(self):
        return (self.grid_left + self.grid_right) // 2


def _short(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text, limit=MAP_LABEL_CHARS, most=MAP_LABEL_LINES):
    """A name on lines of at most ``limit`` characters, broken between words (a longer word with a
    hyphen), at most ``most`` lines (the last one ending with "…" if the name goes on)."""
    lines, line = [], ""
    for word in str(text).split():
        while len(word) > limit:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[: limit - 1] + "-")
            word = word[limit - 1 :]
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    if len(lines) > most:
        last = lines[most - 1].rstrip("-")
        lines = lines[: most - 1] + [(last if len(last) < limit else last[: limit - 1]) + "…"]
    return lines


def _height(lines):
    return MAP_LINE + MAP_TEXT_LINE * (len(lines) - 1)


def stakeholder_title(stakeholder):
    return _("%(name)s (%(kind)s): inflytande %(influence)s, intresse %(interest)s – %(field)s") % {
        "name": stakeholder.name,
        "kind": stakeholder.get_kind_display(),
        "influence": stakeholder.influence,
        "interest": stakeholder.interest,
        "field": quadrant(stakeholder.influence, stakeholder.interest).label,
    }


def stakeholder_map(stakeholders) -> MapPicture:
    """Where everything goes. Each value 1–5 is a band; the stakeholders of one cell are stacked one
    per line, and a row is as tall as its fullest cell, so no label ever covers another."""
    cells, wrapped = {}, {}
    for stakeholder in sorted(stakeholders, key=lambda s: (str(s.name).casefold(), s.pk or 0)):
        cells.setdefault((stakeholder.influence, stakeholder.interest), []).append(stakeholder)
        wrapped[id(stakeholder)] = _wrap(stakeholder.name)
    label_rows = {5, HIGH_FROM - 1}  # the first (top) row of each quadrant carries its name

    picture = MapPicture(width=0, height=0, grid_left=MAP_LEFT, grid_top=MAP_TOP, grid_right=0, grid_bottom=0)
    picture.grid_right = MAP_LEFT + len(SCALE) * MAP_CELL_WIDTH
    picture.width = picture.grid_right + 10
    for value in SCALE:
        x = MAP_LEFT + (value - 1) * MAP_CELL_WIDTH
        picture.columns.append({"value": value, "x": x, "center": x + MAP_CELL_WIDTH // 2})

    y = MAP_TOP
    row_y = {}
    for value in reversed(SCALE):
        band = MAP_LABEL_BAND if value in label_rows else 0
        most = max(
            (sum(_height(wrapped[id(s)]) for s in cells.get((value, interest), [])) for interest in SCALE), default=0
        )
        height = band + max(MAP_ROW_MIN, 2 * MAP_PAD + most)
        row_y[value] = (y, band)
        picture.rows.append({"value": value, "y": y, "height": height, "tick_y": y + band + (height - band) // 2 + 4})
        y += height
    picture.grid_bottom = y
    picture.divider_x = MAP_LEFT + (HIGH_FROM - 1) * MAP_CELL_WIDTH
    picture.divider_y = row_y[HIGH_FROM - 1][0]
    picture.tick_y = y + 16
    picture.x_title_y = y + 36
    picture.height = y + 46
    picture.y_title_y = (MAP_TOP + y) // 2

    for q in QUADRANTS:
        x = MAP_LEFT if not q.high_interest else picture.divider_x
        right = picture.divider_x if not q.high_interest else picture.grid_right
        top = MAP_TOP if q.high_influence else picture.divider_y
        bottom = picture.divider_y if q.high_influence else picture.grid_bottom
        picture.quadrants.append(
            {
                "quadrant": q,
                "x": x,
                "y": top,
                "width": right - x,
                "height": bottom - top,
                "lines": [{"text": line, "x": x + 8, "y": top + 14 + 13 * i} for i, line in enumerate(q.lines)],
            }
        )

    for (influence, interest), group in cells.items():
        cell_x = MAP_LEFT + (interest - 1) * MAP_CELL_WIDTH
        top, band = row_y[influence]
        line_top = top + band + MAP_PAD
        for stakeholder in group:
            lines = wrapped[id(stakeholder)]
            cy = line_top + MAP_LINE // 2
            line_top += _height(lines)
            picture.dots.append(
                Dot(
                    stakeholder=stakeholder,
                    cx=cell_x + 12,
                    cy=cy,
                    label_x=cell_x + 20,
                    label_y=cy + 4,
                    label=" ".join(lines),
                    title=stakeholder_title(stakeholder),
                    lines=[{"text": line, "dy": 0 if i == 0 else MAP_TEXT_LINE} for i, line in enumerate(lines)],
                )
            )
    picture.count = len(picture.dots)
    picture.by_quadrant = [(q, [s for s in stakeholders if quadrant(s.influence, s.interest) == q]) for q in QUADRANTS]
    return picture


# Stakeholder actions ---------------------------------------------------------------------------


def save_stakeholder(form, *, collaboration, user):
    """Create or change a stakeholder from a valid StakeholderForm."""
    stakeholder = form.save(commit=False)
    created = stakeholder.pk is None
    stakeholder.collaboration = collaboration
    stakeholder.updated_by = user
    stakeholder.updated_at = timezone.now()
    with transaction.atomic():
        stakeholder.save()
        Event.record(
            collaboration,
            user,
            Event.Kind.STAKEHOLDER_CHANGED,
            stakeholder.name,
            EventText(
                gettext_noop("Tillagd: inflytande %(influence)s, intresse %(interest)s"),
                influence=stakeholder.influence,
                interest=stakeholder.interest,
            )
            if created
            else EventText(gettext_noop("Ändrad")),
        )
    return with_quadrant(stakeholder)


def move_stakeholder(stakeholder, *, influence, interest, user):
    stakeholder.influence = influence
    stakeholder.interest = interest
    stakeholder.updated_by = user
    stakeholder.updated_at = timezone.now()
    with transaction.atomic():
        stakeholder.save(update_fields=["influence", "interest", "updated_by", "updated_at"])
        Event.record(
            stakeholder.collaboration,
            user,
            Event.Kind.STAKEHOLDER_CHANGED,
            stakeholder.name,
            EventText(
                gettext_noop("Flyttad till inflytande %(influence)s, intresse %(interest)s"),
                influence=influence,
                interest=interest,
            ),
        )
    return with_quadrant(stakeholder)


def delete_stakeholder(stakeholder, *, user):
    with transaction.atomic():
        Event.record(
            stakeholder.collaboration,
            user,
            Event.Kind.STAKEHOLDER_CHANGED,
            stakeholder.name,
            EventText(gettext_noop("Borttagen")),
        )
        stakeholder.delete()


# Risks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    low: int
    high: int
    fill: str

    @property
    def pattern_id(self):
        return f"risk-pattern-{self.key}"


LEVELS = [
    Level("low", gettext_lazy("Låg"), 1, 4, "#dcefdc"),
    Level("medium", gettext_lazy("Medel"), 5, 9, "#fff0b8"),
    Level("high", gettext_lazy("Hög"), 10, 16, "#fdd2a8"),
    Level("very-high", gettext_lazy("Mycket hög"), 20, 25, "#f6b3b3"),
]


def level(score) -> Level:
    """The level of a score (probability × consequence; 17–19 cannot occur)."""
    return next(lvl for lvl in LEVELS if score <= lvl.high)


def is_overdue(risk, today=None):
    today = today or timezone.localdate()
    return risk.status != Risk.Status.CLOSED and risk.review_date is not None and risk.review_date < today


def _decorate(risks, today=None):
    """Number the risks in the order they were registered (a number never changes when risks are
    re-scored or closed), and give each its level and whether its review is overdue."""
    today = today or timezone.localdate()
    for number, risk in enumerate(sorted(risks, key=lambda r: r.pk), start=1):
        risk.number = number
        risk.level = level(risk.score)
        risk.overdue = is_overdue(risk, today)
        risk.is_closed = risk.status == Risk.Status.CLOSED
    return risks


def risk_list(collaboration, today=None):
    """All risks, highest score first, closed ones last: one query."""
    risks = _decorate(
        list(Risk.objects.filter(collaboration=collaboration).select_related("owner__organisation")), today
    )
    return sorted(risks, key=lambda r: (r.is_closed, -r.score, -r.consequence, r.number))


MATRIX_LEFT = 46
MATRIX_TOP = 8
MATRIX_CELL_WIDTH = 80  # small enough for the whole matrix to fit a phone
MATRIX_CELL_HEIGHT = 66
MATRIX_CHIP = 20  # a risk number's box
MATRIX_CHIP_GAP = 2
MATRIX_CHIPS_PER_LINE = 3
MATRIX_LINES = 2


@dataclass
class MatrixPicture:
    width: int
    height: int
    grid_left: int
    grid_top: int
    grid_right: int
    grid_bottom: int
    cells: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    legend: list = field(default_factory=list)
    tick_y: int = 0
    x_title_y: int = 0
    y_title_y: int = 0
    shown: list = field(default_factory=list)  # the risks drawn (not closed)
    cell_width: int = MATRIX_CELL_WIDTH
    cell_height: int = MATRIX_CELL_HEIGHT

    @property
    def x_center(self):
        return (self.grid_left + self.grid_right) // 2


def risk_matrix(risks) -> MatrixPicture:
    """The 5×5 matrix: x = sannolikhet, y = konsekvens; every cell shaded by its level (colour and
    pattern), the level written in it, and the numbers of the risks that are not closed."""
    shown = sorted((r for r in risks if r.status != Risk.Status.CLOSED), key=lambda r: r.number)
    by_cell = {}
    for risk in sorted(shown, key=lambda r: r.number):
        by_cell.setdefault((risk.probability, risk.consequence), []).append(risk)
    grid_right = MATRIX_LEFT + len(SCALE) * MATRIX_CELL_WIDTH
    grid_bottom = MATRIX_TOP + len(SCALE) * MATRIX_CELL_HEIGHT
    picture = MatrixPicture(
        width=grid_right + 10,
        height=0,
        grid_left=MATRIX_LEFT,
        grid_top=MATRIX_TOP,
        grid_right=grid_right,
        grid_bottom=grid_bottom,
        shown=shown,
    )
    for value in SCALE:
        x = MATRIX_LEFT + (value - 1) * MATRIX_CELL_WIDTH
        y = MATRIX_TOP + (len(SCALE) - value) * MATRIX_CELL_HEIGHT
        picture.columns.append({"value": value, "center": x + MATRIX_CELL_WIDTH // 2})
        picture.rows.append({"value": value, "tick_y": y + MATRIX_CELL_HEIGHT // 2 + 5})
    capacity = MATRIX_CHIPS_PER_LINE * MATRIX_LINES
    for consequence in reversed(SCALE):
        for probability in SCALE:
            x = MATRIX_LEFT + (probability - 1) * MATRIX_CELL_WIDTH
            y = MATRIX_TOP + (len(SCALE) - consequence) * MATRIX_CELL_HEIGHT
            here = by_cell.get((probability, consequence), [])
            drawn = here if len(here) <= capacity else here[: capacity - 1]
            chips = []
            for index, risk in enumerate(drawn):
                chip_x = x + 5 + (index % MATRIX_CHIPS_PER_LINE) * (MATRIX_CHIP + MATRIX_CHIP_GAP)
                chip_y = y + 21 + (index // MATRIX_CHIPS_PER_LINE) * (MATRIX_CHIP + MATRIX_CHIP_GAP)
                chips.append(
                    {
                        "risk": risk,
                        "x": chip_x,
                        "y": chip_y,
                        "text_x": chip_x + MATRIX_CHIP // 2,
                        "text_y": chip_y + 14.5,
                        "title": _("Risk %(number)s: %(title)s (sannolikhet %(p)s, konsekvens %(c)s)")
                        % {"number": risk.number, "title": risk.title, "p": risk.probability, "c": risk.consequence},
                    }
                )
            more = len(here) - len(drawn)
            cell_level = level(probability * consequence)
            picture.cells.append(
                {
                    "probability": probability,
                    "consequence": consequence,
                    "score": probability * consequence,
                    "level": cell_level,
                    "x": x,
                    "y": y,
                    "label_x": x + 5,
                    "label_y": y + 14,
                    "chips": chips,
                    "more": more,
                    "more_x": x + 5 + (capacity - 1) % MATRIX_CHIPS_PER_LINE * (MATRIX_CHIP + MATRIX_CHIP_GAP),
                    "more_y": y + 21 + (MATRIX_LINES - 1) * (MATRIX_CHIP + MATRIX_CHIP_GAP) + 14.5,
                }
            )
    picture.tick_y = grid_bottom + 18
    picture.x_title_y = grid_bottom + 38
    picture.y_title_y = (MATRIX_TOP + grid_bottom) // 2
    legend_top = grid_bottom + 52
    for index, lvl in enumerate(LEVELS):
        column, row = index % 2, index // 2
        picture.legend.append(
            {
                "level": lvl,
                "x": MATRIX_LEFT + column * 180,
                "y": legend_top + row * 26,
                "text_x": MATRIX_LEFT + column * 180 + 28,
                "text_y": legend_top + row * 26 + 15,
            }
        )
    picture.height = legend_top + 2 * 26 + 6
    return picture


def save_risk(form, *, collaboration, user):
    risk = form.save(commit=False)
    created = risk.pk is None
    risk.collaboration = collaboration
    risk.updated_by = user
    risk.updated_at = timezone.now()
    with transaction.atomic():
        risk.save()
        Event.record(
            collaboration,
            user,
            Event.Kind.RISK_CHANGED,
            risk.title,
            EventText(
                gettext_noop("Tillagd: sannolikhet %(p)s, konsekvens %(c)s"), p=risk.probability, c=risk.consequence
            )
            if created
            else EventText(
                gettext_noop("Ändrad: %(status)s, sannolikhet %(p)s, konsekvens %(c)s"),
                status=EventText.label(risk.get_status_display()),
                p=risk.probability,
                c=risk.consequence,
            ),
        )
    return risk


def close_risk(risk, *, user):
    """Close a risk (it stays in the table, out of the matrix). Closing a closed risk changes nothing."""
    if risk.status == Risk.Status.CLOSED:
        return False
    risk.status = Risk.Status.CLOSED
    risk.updated_by = user
    risk.updated_at = timezone.now()
    with transaction.atomic():
        risk.save(update_fields=["status", "updated_by", "updated_at"])
        Event.record(risk.collaboration, user, Event.Kind.RISK_CHANGED, risk.title, EventText(gettext_noop("Stängd")))
    return True


# CSV -------------------------------------------------------------------------------------------


def _csv(header, rows):
    """The header and rows with every cell guarded (for csv_export.response)."""
    return [csv_cell(h) for h in header], [[csv_cell(value) for value in row] for row in rows]


def csv_filename(prefix, collaboration):
    return f"{prefix}-{slugify(collaboration.title) or 'samverkan'}.csv"


def _date(value):
    return value.isoformat() if isinstance(value, date) else ""


def stakeholders_csv(collaboration):
    header = [
        _("Namn"),
        _("Slag"),
        _("Kategori"),
        _("Inflytande (1–5)"),
        _("Intresse (1–5)"),
        _("Fält"),
        _("Anteckningar"),
        _("Ändrad"),
    ]
    rows = (
        [
            s.name,
            s.get_kind_display(),
            s.category,
            s.influence,
            s.interest,
            s.quadrant.label,
            s.notes,
            _date(timezone.localtime(s.updated_at).date()),
        ]
        for s in stakeholder_list(collaboration)
    )
    return _csv(header, rows)


def risks_csv(collaboration, today=None):
    header = [
        _("Nr"),
        _("Risk"),
        _("Beskrivning"),
        _("Sannolikhet (1–5)"),
        _("Konsekvens (1–5)"),
        _("Riskvärde"),
        _("Nivå"),
        _("Ansvarig part"),
        _("Åtgärd"),
        _("Status"),
        _("Följs upp"),
        _("Uppföljning försenad"),
    ]
    rows = (
        [
            r.number,
            r.title,
            r.description,
            r.probability,
            r.consequence,
            r.score,
            r.level.name,
            r.owner.organisation.name if r.owner else "",
            r.mitigation,
            r.get_status_display(),
            _date(r.review_date),
            _("Ja") if r.overdue else _("Nej"),
        ]
        for r in risk_list(collaboration, today)
    )
    return _csv(header, rows)


# The overview card -------------------------------------------------------------------------------


def overview_context(collaboration):
    """What the collaboration overview shows of this part: the three highest risks that are not
    closed (one query; a second only when there are none, to tell "none registered" from "none open")."""
    top = list(
        Risk.objects.filter(collaboration=collaboration)
        .exclude(status=Risk.Status.CLOSED)
        .annotate(score_value=F("probability") * F("consequence"))
        .order_by("-score_value", "-consequence", "pk")[:3]
    )
    for risk in top:
        risk.level = level(risk.score)
    any_risks = bool(top) or Risk.objects.filter(collaboration=collaboration).exists()
    return {"risks_card": {"top": top, "any": any_risks}}
