"""Goals with the SMART checklist, indicators with baseline and target, measurements.

Rules live here; the views validate and call these. "Accepterat" in SMART is not a tick: it is
every party's acceptance (GoalAcceptance), recorded by a writer of that party, and a change of the
goal's words withdraws the acceptances (they were of the old words), as confirmations of a
checklist answer are withdrawn when its text changes.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from guides.models import ReferenceEntry, ReferenceList
from projects.checklists import services as checklists
from projects.common import csv_export
from projects.common.csv_export import safe_text as csv_text
from projects.core.models import Event, EventText
from projects.goals import queries
from projects.goals.models import Goal, GoalAcceptance, GoalEvent, Indicator, Measurement

SMART_GUIDE_SLUG = "smarta-mal"


# Numbers --------------------------------------------------------------------------------------


def sv_number(value):
    """A Decimal as Swedes write it, without needless decimals: 30, 3,5, -1 250,75 (a narrow
    no-break space groups thousands from 10 000). The same in every language: the agreement and
    the CSV files are Swedish documents."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _sep, decimals = text.partition(".")
    if len(whole) > 4:
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = "\u00a0".join(groups)
    if sign and whole == "0" and not decimals:
        sign = ""
    return f"{sign}{whole},{decimals}" if decimals else f"{sign}{whole}"


def display_number(value):
    """A Decimal for the page, in the reader's language, without needless decimals."""
    if value is None:
        return ""
    value = Decimal(value)
    decimals = sv_number(value).partition(",")[2]
    return formats.number_format(value, decimal_pos=len(decimals), use_l10n=True, force_grouping=abs(value) >= 10000)


# SMART and acceptance -------------------------------------------------------------------------


def smart_guide():
    """The guide's SMART text (7 steg, "Om att formulera mål") with its letters, or None."""
    return (
        ReferenceList.objects.current()
        .filter(slug=SMART_GUIDE_SLUG)
        .prefetch_related(Prefetch("entries", queryset=ReferenceEntry.objects.current()))
        .first()
    )


def accepting_parties(collaboration):
    """The parties whose acceptance makes a goal "accepterat": those with someone who may write
    (a party with only readers could never accept, and would block the goal for ever)."""
    return checklists.confirming_parties(collaboration)


@dataclass
class Smart:
    specific: bool
    measurable: bool
    accepted: bool
    realistic: bool
    timed: bool

    @property
    def letters(self):
        return [
            ("S", _("specifikt"), self.specific),
            ("M", _("mätbart"), self.measurable),
            ("A", _("accepterat"), self.accepted),
            ("R", _("realistiskt"), self.realistic),
            ("T", _("tidsatt"), self.timed),
        ]

    @property
    def done(self):
        return sum(1 for _letter, _name, ok in self.letters if ok)

    @property
    def complete(self):
        return self.done == 5


def smart_status(goal, parties):
    """The five SMART letters of a goal. ``goal.acceptances`` should be prefetched."""
    accepted = {a.party_id for a in goal.acceptances.all()}
    return Smart(
        specific=goal.specific,
        measurable=goal.measurable,
        accepted=bool(parties) and all(p.pk in accepted for p in parties),
        realistic=goal.realistic,
        timed=goal.due_date is not None,
    )


def acceptance_rows(goal, parties):
    """Per party that is to accept: (party, its acceptance or None)."""
    by_party = {a.party_id: a for a in goal.acceptances.all()}
    return [(party, by_party.get(party.pk)) for party in parties]


@transaction.atomic
def create_goal(collaboration, *, user, form):
    goal = form.save(commit=False)
    goal.collaboration = collaboration
    goal.updated_by = user
    last = Goal.objects.filter(collaboration=collaboration).order_by("-order").values_list("order", flat=True).first()
    goal.order = (last or 0) + 1
    goal.save()
    Event.record(collaboration, user, Event.Kind.GOAL_CHANGED, goal.title, EventText(gettext_noop("Nytt mål")))
    return goal


@transaction.atomic
def update_goal(goal, *, user, form):
    """Save the form's changes. A change of the title or the description withdraws the parties'
    acceptances; returns the parties whose acceptance was withdrawn."""
    goal = form.save(commit=False)
    goal.updated_by = user
    goal.updated_at = timezone.now()
    goal.save()
    withdrawn = []
    if {"title", "description"} & set(form.changed_data):
        acceptances = list(GoalAcceptance.objects.filter(goal=goal).select_related("party__organisation"))
        if acceptances:
            withdrawn = [a.party for a in acceptances]
            GoalAcceptance.objects.filter(pk__in=[a.pk for a in acceptances]).delete()
    detail = EventText(gettext_noop("Målet ändrat"))
    if withdrawn:
        detail = EventText(
            gettext_noop("Målet ändrat; acceptanserna återkallade: %(parties)s"),
            parties=", ".join(str(p) for p in withdrawn),
        )
    if form.changed_data:
        Event.record(goal.collaboration, user, Event.Kind.GOAL_CHANGED, goal.title, detail)
    return withdrawn


@transaction.atomic
def delete_goal(goal, *, user):
    Event.record(
        goal.collaboration, user, Event.Kind.GOAL_CHANGED, goal.title, EventText(gettext_noop("Målet borttaget"))
    )
    goal.delete()


@transaction.atomic
def accept_goal(goal, *, party, user):
    """The party accepts the goal as it reads now. Returns False when it had already."""
    _acceptance, created = GoalAcceptance.objects.get_or_create(goal=goal, party=party, defaults={"accepted_by": user})
    if created:
        Event.record(goal.collaboration, user, Event.Kind.GOAL_ACCEPTED, goal.title, str(party))
    return created


@transaction.atomic
def withdraw_acceptance(goal, *, party, user):
    deleted, _rows = GoalAcceptance.objects.filter(goal=goal, party=party).delete()
    if deleted:
        Event.record(
            goal.collaboration,
            user,
            Event.Kind.GOAL_CHANGED,
            goal.title,
            EventText(gettext_noop("Acceptansen återkallad av %(party)s"), party=party),
        )
    return bool(deleted)


@transaction.atomic
def set_measure_by(goal, measure_by, *, user):
    """Ask for a round of measurements by ``measure_by`` ("mät senast"): every indicator of the goal
    is to get a measurement recorded after the round began (``measure_requested_at``). ``None``
    clears both. A new date for a round still under way only moves its date (the measurements
    already recorded for it still count); after a finished round (or the first time) it begins a
    new round now. Returns whether it changed."""
    current = Goal.objects.select_for_update().get(pk=goal.pk)
    if current.measure_by == measure_by:
        return False
    if measure_by is None:
        requested_at = None
    elif current.measure_by is None or current.measure_requested_at is None or queries.measurements_done(current):
        requested_at = timezone.now()
    else:
        requested_at = current.measure_requested_at
    Goal.objects.filter(pk=current.pk).update(measure_by=measure_by, measure_requested_at=requested_at)
    goal.measure_by, goal.measure_requested_at = measure_by, requested_at
    detail = (
        EventText(gettext_noop("Mät senast %(date)s"), date=measure_by)
        if measure_by
        else EventText(gettext_noop("Datumet för mätningen borttaget"))
    )
    Event.record(current.collaboration, user, GoalEvent.MEASURE_BY, current.title, detail)
    return True


# Indicators and measurements ------------------------------------------------------------------


@transaction.atomic
def save_indicator(goal, *, user, form):
    new = form.instance.pk is None
    indicator = form.save(commit=False)
    indicator.goal = goal
    if new:
        last = goal.indicators.order_by("-order").values_list("order", flat=True).first()
        indicator.order = (last or 0) + 1
    indicator.save()
    if new or form.changed_data:
        detail = gettext_noop("Ny indikator: %(name)s") if new else gettext_noop("Indikatorn ändrad: %(name)s")
        Event.record(
            goal.collaboration, user, Event.Kind.GOAL_CHANGED, goal.title, EventText(detail, name=indicator.name)
        )
    return indicator


@transaction.atomic
def delete_indicator(indicator, *, user):
    goal = indicator.goal
    Event.record(
        goal.collaboration,
        user,
        Event.Kind.GOAL_CHANGED,
        goal.title,
        EventText(gettext_noop("Indikatorn borttagen: %(name)s"), name=indicator.name),
    )
    indicator.delete()


@transaction.atomic
def add_measurement(indicator, *, membership, form):
    measurement = form.save(commit=False)
    measurement.indicator = indicator
    measurement.party = membership.party
    measurement.recorded_by = membership.user
    measurement.save()
    Event.record(
        indicator.goal.collaboration,
        membership.user,
        Event.Kind.MEASUREMENT_ADDED,
        indicator.name,
        f"{sv_number(measurement.value)} {indicator.unit} ({measurement.measured_on.isoformat()})",
    )
    return measurement


@transaction.atomic
def delete_measurement(measurement, *, user):
    indicator = measurement.indicator
    Event.record(
        indicator.goal.collaboration,
        user,
        Event.Kind.GOAL_CHANGED,
        indicator.goal.title,
        EventText(
            gettext_noop("Mätvärdet %(value)s %(unit)s (%(date)s) borttaget"),
            value=sv_number(measurement.value),
            unit=indicator.unit,
            date=measurement.measured_on.isoformat(),
        ),
    )
    measurement.delete()


# Progress -------------------------------------------------------------------------------------


@dataclass
class Progress:
    fraction: float | None  # 0..1 toward the target, None without measurements
    latest: Decimal | None
    latest_date: date | None
    expected: float | None = None  # how far the plan says it should be by latest_date
    zero_span: bool = False

    @property
    def percent(self):
        return None if self.fraction is None else round(self.fraction * 100)

    @property
    def reached(self):
        return self.fraction is not None and self.fraction >= 1

    @property
    def on_track(self):
        """None without measurements; otherwise whether the latest value is at least as far as a
        straight line from the baseline to the target says it should be by its date."""
        if self.fraction is None:
            return None
        return self.reached or self.fraction + 1e-9 >= (self.expected or 0)

    @property
    def expected_percent(self):
        return None if self.expected is None else round(self.expected * 100)


def progress_fraction(baseline, target, latest):
    """(latest − baseline) / (target − baseline), clamped to 0..1. Works for decreasing targets
    (fewer absences, lower costs) as for increasing ones. When the target equals the baseline
    (hold a level), it is reached (1) while the value is at the target and 0 otherwise."""
    if latest is None:
        return None
    baseline, target, latest = Decimal(baseline), Decimal(target), Decimal(latest)
    span = target - baseline
    if span == 0:
        return 1.0 if latest == target else 0.0
    return float(min(max((latest - baseline) / span, Decimal(0)), Decimal(1)))


def expected_fraction(baseline_date, target_date, on):
    """How far along the way from the baseline date to the target date ``on`` is, 0..1."""
    total = (target_date - baseline_date).days
    if total <= 0:
        return 1.0
    return min(max((on - baseline_date).days / total, 0.0), 1.0)


def progress(indicator, latest=None, latest_date=None):
    """The indicator's progress from its latest measurement (passed in, or taken from the
    ``latest_value``/``latest_date`` annotations, or from prefetched ``measurements``)."""
    if latest is None:
        if hasattr(indicator, "latest_value"):
            latest, latest_date = indicator.latest_value, indicator.latest_date
        else:
            measurements = list(indicator.measurements.all())
            if measurements:
                last = max(measurements, key=lambda m: (m.measured_on, m.pk))
                latest, latest_date = last.value, last.measured_on
    fraction = progress_fraction(indicator.baseline, indicator.target, latest)
    return Progress(
        fraction=fraction,
        latest=latest,
        latest_date=latest_date,
        expected=(
            expected_fraction(indicator.baseline_date, indicator.target_date, latest_date)
            if latest_date is not None
            else None
        ),
        zero_span=indicator.baseline == indicator.target,
    )


def with_latest(indicators):
    """Annotate indicators with their latest measurement's value and date (one query in all)."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-pk")
    return indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_date=Subquery(latest.values("measured_on")[:1])
    )


# The page -------------------------------------------------------------------------------------


def goals_for_page(collaboration, pk=None):
    """Goals with their acceptances, indicators and measurements, and where their round of
    measurements stands (projects.goals.queries.with_measurement_round): four queries whatever the
    number (``pk``: only that goal, for its card)."""
    acceptances = GoalAcceptance.objects.select_related("party__organisation", "accepted_by")
    indicators = Indicator.objects.prefetch_related(Prefetch("measurements", queryset=_measurements()))
    queryset = queries.with_measurement_round(Goal.objects.filter(collaboration=collaboration))
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    return list(
        queryset.prefetch_related(
            Prefetch("acceptances", queryset=acceptances), Prefetch("indicators", queryset=indicators)
        )
    )


def _measurements():
    return Measurement.objects.select_related("party__organisation", "recorded_by")


def indicator_for_card(pk):
    """One indicator with its goal and measurements (two queries)."""
    return (
        Indicator.objects.select_related("goal")
        .prefetch_related(Prefetch("measurements", queryset=_measurements()))
        .get(pk=pk)
    )


# The chart ------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 440, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 20, 28, 52


def _nice_step(span, count=4):
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that divides ``span`` into about ``count`` parts."""
    raw = Decimal(span) / count
    exponent = raw.adjusted()
    base = Decimal(10) ** exponent
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if base * multiple >= raw:
            return base * multiple
    return base * 10


def chart(indicator, measurements):
    """The geometry of an indicator's chart: a line from the baseline through the measurements in
    date order, a dashed line at the target value with a mark at the target date, and the axes.
    Coordinates are in a fixed viewBox (CHART_WIDTH × CHART_HEIGHT); the template draws them."""
    points_data = sorted(measurements, key=lambda m: (m.measured_on, m.pk))
    start = indicator.baseline_date
    end = max([indicator.target_date] + [m.measured_on for m in points_data])
    days = max((end - start).days, 1)
    values = [indicator.baseline, indicator.target] + [m.value for m in points_data]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    high = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    tick_values = []
    value = low
    while value <= high:
        tick_values.append(value)
        value += step
    # Room on the left for the longest tick label (about 9 units a character at the phone size).
    left = max(MARGIN_LEFT, 28 + 9 * max(len(display_number(v)) for v in tick_values))
    plot_w = CHART_WIDTH - left - MARGIN_RIGHT
    plot_h = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(day):
        return round(left + plot_w * (day - start).days / days, 1)

    def y(value):
        return round(MARGIN_TOP + plot_h * float((high - Decimal(value)) / (high - low)), 1)

    unit = indicator.unit
    baseline_point = {
        "x": x(start),
        "y": y(indicator.baseline),
        "rect_x": x(start) - 4.5,
        "rect_y": y(indicator.baseline) - 4.5,
        "title": _("Nuläge %(date)s: %(value)s %(unit)s")
        % {"date": start.isoformat(), "value": display_number(indicator.baseline), "unit": unit},
    }
    points = []
    for m in points_data:
        title = _("%(date)s: %(value)s %(unit)s") % {
            "date": m.measured_on.isoformat(),
            "value": display_number(m.value),
            "unit": unit,
        }
        if m.party_id:
            title += f" ({m.party})"
        points.append({"x": x(m.measured_on), "y": y(m.value), "title": title})
    ticks = [{"y": y(v), "text_y": y(v) + 4, "label": display_number(v)} for v in tick_values]
    target = {
        "x": x(indicator.target_date),
        "y": y(indicator.target),
        "title": _("Mål %(date)s: %(value)s %(unit)s")
        % {"date": indicator.target_date.isoformat(), "value": display_number(indicator.target), "unit": unit},
    }
    # The target's label sits above its line, or below it when the line is at the top; its date
    # goes on the second row of the x axis, anchored so that it stays inside the picture.
    target["label_y"] = target["y"] - 6 if target["y"] - 6 > MARGIN_TOP + 10 else target["y"] + 14
    right = CHART_WIDTH - MARGIN_RIGHT
    target["date_anchor"] = "start" if target["x"] < left + 60 else "end" if target["x"] > right - 60 else "middle"
    target["date_label"] = _("Mål: %(date)s") % {"date": indicator.target_date.isoformat()}
    target["value_label"] = _("Mål %(value)s") % {"value": display_number(indicator.target)}
    # A date in the middle of the x axis, unless the target's date label would sit on it.
    middle = start + (end - start) / 2
    show_middle = (end - start).days >= 60 and abs(x(middle) - target["x"]) > 90
    line = [baseline_point] + points
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": left,
        "tick_x": left - 6,
        "right": CHART_WIDTH - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "bottom": CHART_HEIGHT - MARGIN_BOTTOM,
        "tick_bottom": CHART_HEIGHT - MARGIN_BOTTOM + 5,
        "label_x": CHART_WIDTH - MARGIN_RIGHT - 14,
        "mid_y": MARGIN_TOP + plot_h / 2,
        "baseline": baseline_point,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in line),
        "target": target,
        "ticks": ticks,
        "start_label": start.isoformat(),
        "end_label": end.isoformat() if end != indicator.target_date else "",
        "end_x": x(end),
        "axis_y1": CHART_HEIGHT - MARGIN_BOTTOM + 20,
        "axis_y2": CHART_HEIGHT - MARGIN_BOTTOM + 42,
        "middle": {"x": x(middle), "label": middle.isoformat()} if show_middle else None,
        "unit": unit,
        "summary": _chart_summary(indicator, points_data),
    }


def _chart_summary(indicator, measurements):
    summary = _("%(name)s: nuläge %(baseline)s %(unit)s (%(bdate)s), mål %(target)s %(unit)s (%(tdate)s).") % {
        "name": indicator.name,
        "baseline": display_number(indicator.baseline),
        "bdate": indicator.baseline_date.isoformat(),
        "target": display_number(indicator.target),
        "tdate": indicator.target_date.isoformat(),
        "unit": indicator.unit,
    }
    if measurements:
        last = measurements[-1]
        summary += " " + ngettext(
            "Senaste mätvärde %(value)s %(unit)s (%(date)s), %(n)d mätvärde i allt.",
            "Senaste mätvärde %(value)s %(unit)s (%(date)s), %(n)d mätvärden i allt.",
            len(measurements),
        ) % {
            "value": display_number(last.value),
            "unit": indicator.unit,
            "date": last.measured_on.isoformat(),
            "n": len(measurements),
        }
    else:
        summary += " " + _("Inga mätvärden än.")
    return summary


# Overview, agreement, CSV ---------------------------------------------------------------------


def overview_context(collaboration):
    """What the collaboration overview shows of this part: goals, how many every party has
    accepted, and the indicators on track, behind, and without measurements (three queries)."""
    parties = accepting_parties(collaboration)
    goals = list(Goal.objects.filter(collaboration=collaboration).prefetch_related("acceptances"))
    indicators = list(with_latest(Indicator.objects.filter(goal__collaboration=collaboration)))
    on_track = behind = unmeasured = 0
    for indicator in indicators:
        state = progress(indicator).on_track
        if state is None:
            unmeasured += 1
        elif state:
            on_track += 1
        else:
            behind += 1
    return {
        "goal_summary": {
            "goals": len(goals),
            "accepted": sum(1 for g in goals if smart_status(g, parties).accepted),
            "indicators": len(indicators),
            "on_track": on_track,
            "behind": behind,
            "unmeasured": unmeasured,
        }
    }


def snapshot_indicators(collaboration):
    """The indicators for the agreement's frozen content (its follow-up section): plain strings,
    the same whatever the reader's language (the content is hashed)."""
    indicators = Indicator.objects.filter(goal__collaboration=collaboration).select_related("goal")
    return [
        {
            "goal": i.goal.title,
            "indicator": i.name,
            "unit": i.unit,
            "baseline": sv_number(i.baseline),
            "baseline_date": i.baseline_date.isoformat(),
            "target": sv_number(i.target),
            "target_date": i.target_date.isoformat(),
        }
        for i in indicators.order_by("goal__order", "goal__pk", "order", "pk")
    ]


def _csv_response(collaboration, name, header, rows):
    return csv_export.response(f"{slugify(collaboration.title) or 'samverkan'}-{name}.csv", header, rows)


def _csv_number(value):
    """Numbers with a decimal comma and no grouping (Excel in Sweden reads them as numbers)."""
    return "" if value is None else sv_number(value).replace("\u00a0", "")


def indicators_csv(collaboration):
    indicators = with_latest(Indicator.objects.filter(goal__collaboration=collaboration).select_related("goal"))
    rows = []
    for i in indicators.order_by("goal__order", "goal__pk", "order", "pk"):
        p = progress(i)
        rows.append(
            [
                csv_text(i.goal.title),
                csv_text(i.name),
                csv_text(i.unit),
                _csv_number(i.baseline),
                i.baseline_date.isoformat(),
                _csv_number(i.target),
                i.target_date.isoformat(),
                _csv_number(p.latest),
                p.latest_date.isoformat() if p.latest_date else "",
                "" if p.percent is None else str(p.percent),
            ]
        )
    header = [
        "Mål",
        "Indikator",
        "Enhet",
        "Nulägesvärde",
        "Nulägesbild per",
        "Målvärde",
        "Målvärdet nås senast",
        "Senaste värde",
        "Senast mätt",
        "Framsteg mot målet (%)",
    ]
    return _csv_response(collaboration, "indikatorer", header, rows)


def measurements_csv(collaboration):
    measurements = (
        Measurement.objects.filter(indicator__goal__collaboration=collaboration)
        .select_related("indicator__goal", "party__organisation", "recorded_by")
        .order_by("indicator__goal__order", "indicator__goal__pk", "indicator__order", "indicator__pk", "measured_on")
    )
    rows = [
        [
            csv_text(m.indicator.goal.title),
            csv_text(m.indicator.name),
            csv_text(m.indicator.unit),
            m.measured_on.isoformat(),
            _csv_number(m.value),
            csv_text(m.party.organisation.name if m.party else ""),
            csv_text(m.note),
            csv_text(m.recorded_by.get_full_name() if m.recorded_by else ""),
        ]
        for m in measurements
    ]
    header = ["Mål", "Indikator", "Enhet", "Mätdatum", "Värde", "Part", "Kommentar", "Registrerat av"]
    return _csv_response(collaboration, "matvarden", header, rows)
