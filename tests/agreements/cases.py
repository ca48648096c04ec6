"""Permission-matrix cases for the agreement URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, the ``agreement``
with a section ``agreement_section`` of two revisions, a background PDF ``export``, …).

Members read and download; the writing group writes (no group chosen: every editor and coordinator);
coordinators start the agreement, change its sections, choose the writing group, freeze a version and
give its decision round a last day; each party's recorders record its decision (marked members; while
nobody is marked its coordinators; without them its editors), its people its record number.
"""

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def _no_agreement_yet(ctx):
    """Starting an agreement needs a collaboration without one (the context has one: remove it)."""
    from projects.agreements.models import Agreement

    Agreement.objects.filter(collaboration=ctx["collaboration"]).delete()
    return pk(ctx)


def _complete_agreement(ctx):
    """Freezing needs every required section written or its omission explained."""
    from projects.agreements.models import AgreementSection

    AgreementSection.objects.filter(agreement=ctx["agreement"], required=True, text="", omitted_reason="").update(
        omitted_reason="Inte aktuellt i den här samverkan."
    )
    return pk(ctx)


def _frozen_agreement(ctx):
    """A version for decision: deciding needs one."""
    from projects.agreements import services as agreements

    _complete_agreement(ctx)
    agreements.freeze(ctx["agreement"], user=ctx["users"]["coordinator"])
    return pk(ctx)


def _section_kwargs(ctx):
    return pk(ctx) | {"section_pk": ctx["agreement_section"].pk}


# -- effects: what each POST changes when it is allowed (tests/matrix.py ``Case.effect``) ---------------


def _agreements(ctx):
    from projects.agreements.models import Agreement

    return list(
        Agreement.objects.filter(collaboration=ctx["collaboration"]).order_by("pk").values_list("pk", "period", "state")
    )


def _agreement_section(ctx):
    from projects.agreements.models import AgreementSection

    return list(
        AgreementSection.objects.filter(pk=ctx["agreement_section"].pk).values_list("text", "version", "omitted_reason")
    )


def _agreement_sections(ctx):
    return list(ctx["agreement"].sections.order_by("order", "pk").values_list("pk", "title"))


def _agreement_state(ctx):
    from projects.agreements.models import Agreement, AgreementVersion

    state = Agreement.objects.filter(pk=ctx["agreement"].pk).values_list("state", flat=True)
    versions = AgreementVersion.objects.filter(agreement=ctx["agreement"]).order_by("number")
    return list(state), list(versions.values_list("number", "status"))


def _decisions(ctx):
    from projects.agreements.models import Decision

    decisions = Decision.objects.filter(version__agreement=ctx["agreement"]).order_by("pk")
    return list(decisions.values_list("version__number", "party_id", "approved", "reference"))


def _decide_by(ctx):
    from projects.agreements.models import AgreementVersion

    return list(AgreementVersion.objects.filter(agreement=ctx["agreement"]).values_list("number", "decide_by"))


def _next_week(ctx):
    from datetime import timedelta

    from django.utils import timezone

    return {"decide_by": (timezone.localdate() + timedelta(days=7)).isoformat()}


def _party_records(ctx):
    return list(ctx["agreement"].party_records.order_by("party_id").values_list("party_id", "record_number"))


def _writers(ctx):
    return sorted(ctx["agreement"].writers.values_list("pk", flat=True))


CASES = {
    "projects:agreement": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="agreements.view"),
    # On a collaboration without an agreement (with one, starting is only a message).
    "projects:agreement_start": Case(
        kwargs=_no_agreement_yet,
        method="post",
        data=lambda ctx: {"form": ""},
        expect=MANAGE,
        effect=_agreements,
        perm="agreements.manage",
    ),
    # No writing group chosen: every editor writes.
    "projects:agreement_section_save": Case(
        kwargs=_section_kwargs,
        method="post",
        data=lambda ctx: {f"s{ctx['agreement_section'].pk}-text": "Text", f"s{ctx['agreement_section'].pk}-version": 2},
        expect=EDIT,
        effect=_agreement_section,
        perm="agreements.write_section",
    ),
    "projects:agreement_section_omit": Case(
        kwargs=_section_kwargs,
        method="post",
        data=lambda ctx: {"omitted_reason": "Inget att skriva"},
        expect=MANAGE,
        effect=_agreement_section,
        perm="agreements.manage",
    ),
    # On an agreement whose required sections are written or explained.
    "projects:agreement_freeze": Case(
        kwargs=_complete_agreement,
        method="post",
        data=lambda ctx: {"agreement": ctx["agreement"].pk},
        expect=MANAGE,
        effect=_agreement_state,
        perm="agreements.manage",
    ),
    "projects:agreement_redraft": Case(kwargs=pk, expect=MANAGE, perm="agreements.manage"),
    # On a frozen version, each records their own party's decision: the coordinator Exempelkommun's
    # (nobody is marked), the editor Föreningen Gemenskap's (nobody marked, no coordinator there).
    "projects:agreement_decide": Case(
        kwargs=_frozen_agreement,
        method="post",
        data=lambda ctx: {"approved": "yes", "body": "Styrelsen", "decided_on": "2026-11-20", "reference": "§ 7"},
        expect=EDIT,
        effect=_decisions,
        perm="agreements.record_decision",
    ),
    # The last day of the decision round of a frozen version.
    "projects:agreement_decide_by": Case(
        kwargs=_frozen_agreement,
        method="post",
        data=_next_week,
        expect=MANAGE,
        effect=_decide_by,
        perm="agreements.manage",
    ),
    # For their own party.
    "projects:agreement_record": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"record_number": "KS 2026/1"},
        expect=EDIT,
        effect=_party_records,
        perm="agreements.record_party_details",
    ),
    "projects:agreement_pdf": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_docx": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_print": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_export": Case(
        kwargs=lambda ctx: pk(ctx) | {"export_pk": ctx["export"].pk}, expect=MEMBERS_VIEW, perm="agreements.view"
    ),
    "projects:agreement_compare": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_sections": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"action": "add", "title": "Nytt"},
        expect=MANAGE,
        effect=_agreement_sections,
        perm="agreements.manage",
    ),
    # The editor is chosen as the writing group (an empty choice changed nothing).
    "projects:agreement_writers": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"writers": [ctx["users"]["editor"].memberships.get().pk]},
        expect=MANAGE,
        effect=_writers,
        perm="agreements.manage",
    ),
    # GET: the thread (commenting, agreements.comment, is tests/agreements/test_agreement_views.py's).
    "projects:agreement_section_comments": Case(kwargs=_section_kwargs, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_section_history": Case(kwargs=_section_kwargs, expect=MEMBERS_VIEW, perm="agreements.view"),
    "projects:agreement_section_restore": Case(
        kwargs=lambda ctx: _section_kwargs(ctx) | {"revision_pk": ctx["agreement_revision"].pk},
        method="post",
        expect=EDIT,
        effect=_agreement_section,
        perm="agreements.write_section",
    ),
}
