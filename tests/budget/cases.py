"""Permission-matrix cases for the budget URLs (merged into tests/test_permission_matrix.py).

Everyone in the collaboration reads the budget and its spreadsheet. Editors and coordinators add
lines; the lines in these cases are the editor's party's (Föreningen Gemenskap), so its editor and
every coordinator may change or remove them (budget.edit_line's rule: the own party, or a
coordinator). The matrix's collaboration gets a period (2026–2028) here, as the budget needs one.
"""

from datetime import date
from decimal import Decimal

from tests.matrix import EDIT, MEMBERS_VIEW, Case, pk


def _period(ctx):
    if "budget_period" not in ctx:
        from projects.core.models import Collaboration

        collaboration = ctx["collaboration"]
        Collaboration.objects.filter(pk=collaboration.pk).update(
            start_date=date(2026, 1, 1), end_date=date(2028, 12, 31)
        )
        collaboration.start_date, collaboration.end_date = date(2026, 1, 1), date(2028, 12, 31)
        ctx["budget_period"] = True
    return pk(ctx)


def _line(ctx):
    if "budget_line" not in ctx:
        from projects.budget.models import BudgetLine, Kind

        _period(ctx)
        ctx["budget_line"] = BudgetLine.objects.create(
            collaboration=ctx["collaboration"],
            party=ctx["civil_party"],
            year=2027,
            kind=Kind.MONEY,
            description="Medlemsavgifter",
            planned_amount=Decimal(20_000),
        )
    return pk(ctx) | {"line_pk": ctx["budget_line"].pk}


def _lines(ctx):
    from projects.budget.models import BudgetLine

    rows = BudgetLine.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "party_id", "year", "kind", "description", "planned_amount", "actual_amount"))


def _new_line(ctx):
    return {
        "party": ctx["civil_party"].pk,
        "year": "2026",
        "kind": "pengar",
        "description": "Bidrag från en stiftelse",
        "planned_amount": "12 500,50",
    }


def _changed_line(ctx):
    line = ctx["budget_line"]
    return {
        "party": line.party_id,
        "year": str(line.year),
        "kind": line.kind,
        "description": line.description,
        "planned_amount": "20 000",
        "actual_amount": "18 250",
    }


CASES = {
    "projects:budget": Case(kwargs=_period, expect=MEMBERS_VIEW, perm="budget.view"),
    "projects:budget_csv": Case(kwargs=_period, expect=MEMBERS_VIEW, perm="budget.view"),
    "projects:budget_line_create": Case(
        kwargs=_period, method="post", data=_new_line, expect=EDIT, effect=_lines, perm="budget.edit_line"
    ),
    "projects:budget_line_edit": Case(
        kwargs=_line, method="post", data=_changed_line, expect=EDIT, effect=_lines, perm="budget.edit_line"
    ),
    "projects:budget_line_delete": Case(
        kwargs=_line, method="post", expect=EDIT, effect=_lines, perm="budget.edit_line"
    ),
}
