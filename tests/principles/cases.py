"""Permission-matrix cases for the principles URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def _open_concern(ctx):
    from guides.models import Principle
    from tests.factories import PrincipleConcernFactory

    concern = PrincipleConcernFactory(
        collaboration=ctx["collaboration"],
        principle=Principle.objects.get(slug="dialog"),
        raised_by=ctx["users"]["reader"],
        party=ctx["reader_membership"].party,
        text="Vi hörs för sällan.",
    )
    return pk(ctx) | {"concern_pk": concern.pk}


def _commitment(ctx):
    from projects.principles.models import PrincipleCommitment

    rows = PrincipleCommitment.objects.filter(collaboration=ctx["collaboration"], principle__slug="dialog")
    return list(rows.values_list("text", "version"))


def _concerns(ctx):
    from projects.principles.models import PrincipleConcern

    rows = PrincipleConcern.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "principle_id", "party_id", "text", "resolution", "resolved_by_id"))


def _section_tags(ctx):
    return sorted(ctx["agreement_section"].principles.values_list("slug", flat=True))


CASES = {
    "projects:principles": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="principles.view"),
    "projects:principle_save": Case(
        kwargs=lambda ctx: pk(ctx) | {"slug": "dialog"},
        method="post",
        data=lambda ctx: {"dialog-text": "Vi träffas varje månad.", "dialog-version": 0},
        expect=EDIT,
        effect=_commitment,
        perm="principles.formulate",
    ),
    # Any member raises a concern, readers too (permission: view).
    "projects:concern_raise": Case(
        kwargs=lambda ctx: pk(ctx) | {"slug": "kvalitet"},
        method="post",
        data=lambda ctx: {"text": "Uppföljningen glöms bort."},
        expect=MEMBERS_VIEW,
        effect=_concerns,
        perm="principles.raise_concern",
    ),
    "projects:concern_resolve": Case(
        kwargs=_open_concern,
        method="post",
        data=lambda ctx: {"resolution": "Vi har bokat möten."},
        expect=MANAGE,
        effect=_concerns,
        perm="principles.resolve_concern",
    ),
    "projects:principle_section_tags": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk},
        method="post",
        data=lambda ctx: {"principles": ["dialog", "mangfald"]},
        expect=EDIT,
        effect=_section_tags,
        perm="agreements.write_section",
    ),
}
