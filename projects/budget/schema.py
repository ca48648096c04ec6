"""The budget's part of the collaboration file (the mechanism: projects.common.schema). The amounts
of staff and volunteers are not in the file: they are derived (hours × the hourly value)."""

from projects.budget.models import BudgetLine
from projects.common.schema import Node, _by

# fmt: off
NODES = (
    Node("budget_lines", BudgetLine, "party year kind description planned_amount planned_hours hourly_value "
         "actual_amount actual_hours updated_by updated_at",
         **_by("year", "party", "kind")),
)
# fmt: on
