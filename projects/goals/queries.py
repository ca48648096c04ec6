"""Reads of goals that other features use (the to-do list, the reminders): flat query counts,
annotations rather than loops.

A coordinator asks for a round of measurements by giving a goal a date ("mät senast",
``Goal.measure_by``); ``Goal.measure_requested_at`` is when the round began. The round is done when
every indicator of the goal has a measurement recorded after that moment.
"""

from django.db.models import BooleanField, Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from projects.goals.models import Goal, Indicator, Measurement


def _unmeasured_indicators():
    """The indicators of the outer goal without a measurement recorded after its round began."""
    measured = Measurement.objects.filter(
        indicator=OuterRef("pk"), recorded_at__gt=OuterRef(OuterRef("measure_requested_at"))
    )
    return Indicator.objects.filter(goal=OuterRef("pk")).exclude(Exists(measured))


def with_measurement_round(goals=None):
    """``goals`` (a Goal queryset; all goals by default) annotated, in the same one query:

    - ``measurements_done``: None when no round of measurements is asked for (no ``measure_by``),
      True when every indicator has a measurement recorded after the round began (also when the goal
      has no indicators left: nothing is waiting), False otherwise;
    - ``indicators_left``: how many indicators still wait for their measurement in the round (0 when
      no round is asked for).

    "Measurements due" for the to-do list: ``with_measurement_round(qs).filter(measurements_done=False)``.
    """
    goals = Goal.objects.all() if goals is None else goals
    unmeasured = _unmeasured_indicators()
    left = unmeasured.order_by().values("goal").annotate(n=Count("pk")).values("n")
    requested = Q(measure_by__isnull=False, measure_requested_at__isnull=False)
    return goals.annotate(
        measurements_done=Case(
            When(~requested, then=Value(None)),
            When(Exists(unmeasured), then=Value(False)),
            default=Value(True),
            output_field=BooleanField(null=True),
        ),
        indicators_left=Case(
            When(requested, then=Coalesce(Subquery(left, output_field=IntegerField()), Value(0))),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def measurements_done(goal):
    """Whether the goal's requested round of measurements is done (None: no round asked for). One
    query; for many goals use ``with_measurement_round``."""
    return with_measurement_round(Goal.objects.filter(pk=goal.pk)).values_list("measurements_done", flat=True).get()
