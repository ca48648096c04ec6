"""Permission-matrix cases for the goals URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.

Members read goals, indicators and the CSV files; editors and coordinators write goals and
indicators and accept a goal for their own party; a measurement is removed by a writer of the
party that recorded it or by a coordinator.
"""

from datetime import date, timedelta

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def _indicator(ctx):
    """A goal with an indicator and a measurement by the editor's party (made once per context)."""
    if "goal_indicator" not in ctx:
        from tests.factories import GoalFactory, IndicatorFactory, MeasurementFactory

        goal = GoalFactory(collaboration=ctx["collaboration"], title="Fler unga i föreningslivet")
        indicator = IndicatorFactory(
            goal=goal,
            name="Deltagare per vecka",
            unit="deltagare",
            baseline=10,
            baseline_date=date(2026, 1, 1),
            target=20,
            target_date=date(2027, 1, 1),
        )
        ctx["goal_indicator"] = indicator
        ctx["goal_measurement"] = MeasurementFactory(
            indicator=indicator, value=12, measured_on=date(2026, 3, 1), party=ctx["civil_party"]
        )
    return ctx["goal_indicator"]


def goal_kwargs(ctx):
    return pk(ctx) | {"goal_pk": _indicator(ctx).goal_id}


def indicator_kwargs(ctx):
    return pk(ctx) | {"indicator_pk": _indicator(ctx).pk}


def measurement_kwargs(ctx):
    _indicator(ctx)
    return pk(ctx) | {"measurement_pk": ctx["goal_measurement"].pk}


def _goals(ctx):
    from projects.goals.models import Goal

    return list(Goal.objects.filter(collaboration=ctx["collaboration"]).order_by("pk").values_list("pk", "title"))


def _acceptances(ctx):
    from projects.goals.models import GoalAcceptance

    rows = GoalAcceptance.objects.filter(goal__collaboration=ctx["collaboration"]).order_by("goal_id", "party_id")
    return list(rows.values_list("goal_id", "party_id"))


def _indicators(ctx):
    from projects.goals.models import Indicator

    rows = Indicator.objects.filter(goal__collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "name", "unit", "baseline", "target"))


def _measurements(ctx):
    from projects.goals.models import Measurement

    rows = Measurement.objects.filter(indicator__goal__collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "value", "measured_on", "party_id", "note"))


def _measure_by(ctx):
    from projects.goals.models import Goal

    rows = Goal.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "measure_by", "measure_requested_at"))


def _a_future_date(ctx):
    from django.utils import timezone

    return {"date": (timezone.localdate() + timedelta(days=30)).isoformat()}


INDICATOR_DATA = {
    "name": "Nya medlemmar",
    "unit": "personer",
    "baseline": "5",
    "baseline_date": "2026-01-01",
    "target": "15,5",
    "target_date": "2027-01-01",
}

CASES = {
    "projects:goals": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="goals.view"),
    "projects:goal_create": Case(
        kwargs=pk, method="post", data=lambda ctx: {"title": "Nytt mål"}, expect=EDIT, effect=_goals, perm="goals.edit"
    ),
    "projects:goal_edit": Case(kwargs=goal_kwargs, expect=EDIT, perm="goals.edit"),
    "projects:goal_delete": Case(kwargs=goal_kwargs, method="post", expect=EDIT, effect=_goals, perm="goals.edit"),
    # Each writer accepts for their own party.
    "projects:goal_accept": Case(
        kwargs=goal_kwargs, method="post", expect=EDIT, effect=_acceptances, perm="goals.accept"
    ),
    # Coordinators ask for a round of measurements by a date (the goal has an indicator).
    "projects:goal_measure_by": Case(
        kwargs=goal_kwargs,
        method="post",
        data=_a_future_date,
        expect=MANAGE,
        effect=_measure_by,
        perm="goals.set_measure_by",
    ),
    "projects:indicator_create": Case(
        kwargs=goal_kwargs,
        method="post",
        data=lambda ctx: dict(INDICATOR_DATA),
        expect=EDIT,
        effect=_indicators,
        perm="goals.edit",
    ),
    "projects:indicator_edit": Case(kwargs=indicator_kwargs, expect=EDIT, perm="goals.edit"),
    "projects:indicator_delete": Case(
        kwargs=indicator_kwargs, method="post", expect=EDIT, effect=_indicators, perm="goals.edit"
    ),
    # Recorded for the writer's own party.
    "projects:measurement_create": Case(
        kwargs=indicator_kwargs,
        method="post",
        data=lambda ctx: {"value": "13,5", "measured_on": "2026-04-01", "note": "April"},
        expect=EDIT,
        effect=_measurements,
        perm="goals.record_measurement",
    ),
    # The measurement is the editor's party's: its editor and any coordinator may remove it.
    # Its instance rule: the recording party's writers, or a coordinator.
    "projects:measurement_delete": Case(
        kwargs=measurement_kwargs, method="post", expect=EDIT, effect=_measurements, perm="goals.delete_measurement"
    ),
    "projects:indicator_csv": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="goals.view"),
    "projects:measurement_csv": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="goals.view"),
}
