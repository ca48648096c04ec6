"""The goals' part of the collaboration file (the mechanism: projects.common.schema)."""

from projects.common.schema import Node, _by
from projects.goals.models import Goal, GoalAcceptance, Indicator, Measurement

# fmt: off
NODES = (
    Node("goals", Goal, "title description specific measurable realistic due_date measure_by measure_requested_at "
         "order updated_by updated_at",
         **_by("order"),
         children=(
             Node("acceptances", GoalAcceptance, "party accepted_by accepted_at", unique=("party",)),
             Node("indicators", Indicator, "name unit baseline baseline_date target target_date order",
                  **_by("order"), after={"target_date": ("baseline_date", "after_baseline")},
                  children=(
                      Node("measurements", Measurement, "value measured_on party note recorded_by recorded_at",
                           **_by("measured_on")),
                  )),
         )),
)
# fmt: on
