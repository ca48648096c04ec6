"""Permission-matrix cases for the stakeholders URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.

Members read and download (CSV) both registers; editors and coordinators write them.
"""

from tests.matrix import EDIT, MEMBERS_VIEW, Case, pk


def _stakeholder(ctx):
    from tests.factories import StakeholderFactory

    stakeholder = StakeholderFactory(collaboration=ctx["collaboration"], name="Socialnämnden", influence=5, interest=2)
    return pk(ctx) | {"stakeholder_pk": stakeholder.pk}


def _risk(ctx):
    from tests.factories import RiskFactory

    risk = RiskFactory(
        collaboration=ctx["collaboration"], title="Volontärerna räcker inte", probability=3, consequence=4
    )
    return pk(ctx) | {"risk_pk": risk.pk}


def _stakeholders(ctx):
    from projects.stakeholders.models import Stakeholder

    rows = Stakeholder.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "name", "kind", "influence", "interest"))


def _risks(ctx):
    from projects.stakeholders.models import Risk

    rows = Risk.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "title", "probability", "consequence", "status"))


STAKEHOLDER_DATA = {"name": "Fritidsgården", "kind": "organisation", "influence": "2", "interest": "4"}
RISK_DATA = {"title": "Lokalen försvinner", "probability": "2", "consequence": "5", "status": "open"}

CASES = {
    "projects:stakeholders": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="stakeholders.view"),
    "projects:stakeholder_add": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: STAKEHOLDER_DATA,
        expect=EDIT,
        effect=_stakeholders,
        perm="stakeholders.edit_stakeholders",
    ),
    "projects:stakeholder_edit": Case(kwargs=_stakeholder, expect=EDIT, perm="stakeholders.edit_stakeholders"),
    "projects:stakeholder_move": Case(
        kwargs=_stakeholder,
        method="post",
        data=lambda ctx: {"influence": "1", "interest": "5"},
        expect=EDIT,
        effect=_stakeholders,
        perm="stakeholders.edit_stakeholders",
    ),
    "projects:stakeholder_delete": Case(
        kwargs=_stakeholder, method="post", expect=EDIT, effect=_stakeholders, perm="stakeholders.edit_stakeholders"
    ),
    "projects:stakeholder_csv": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="stakeholders.view"),
    "projects:risks": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="stakeholders.view"),
    "projects:risk_add": Case(
        kwargs=pk, method="post", data=lambda ctx: RISK_DATA, expect=EDIT, effect=_risks, perm="stakeholders.edit_risks"
    ),
    "projects:risk_edit": Case(kwargs=_risk, expect=EDIT, perm="stakeholders.edit_risks"),
    "projects:risk_close": Case(
        kwargs=_risk, method="post", expect=EDIT, effect=_risks, perm="stakeholders.edit_risks"
    ),
    "projects:risk_csv": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="stakeholders.view"),
}
