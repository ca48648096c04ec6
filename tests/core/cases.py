"""Permission-matrix cases for the core URLs: the dashboard, a collaboration's overview, settings,
parties, people and invitations (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, ``civil_party``,
``empty_party``, ``spare_org``, ``reader_membership``, the ``invitation`` and its ``token``, …).
The organisation pages: tests/organisations/cases.py.
"""

from tests.matrix import LOGGED_IN, MANAGE, MEMBERS_VIEW, OK, TOKEN, Case, everyone, pk


def _parties(ctx):
    from projects.core.models import Party

    return list(
        Party.objects.filter(collaboration=ctx["collaboration"]).order_by("pk").values_list("organisation_id", "status")
    )


def _memberships(ctx):
    from projects.core.models import Membership

    return list(
        Membership.objects.filter(collaboration=ctx["collaboration"])
        .order_by("pk")
        .values_list("pk", "user_id", "role")
    )


def _invitation_state(ctx):
    from projects.core.models import Invitation

    return list(Invitation.objects.filter(pk=ctx["invitation"].pk).values_list("token_hash", "revoked_at"))


def _decision_marks(ctx):
    from projects.core.models import Membership

    return list(
        Membership.objects.filter(collaboration=ctx["collaboration"])
        .order_by("pk")
        .values_list("pk", "records_decisions")
    )


def _editor_kwargs(ctx):
    return pk(ctx) | {"membership_pk": ctx["users"]["editor"].memberships.get().pk}


def _reader_kwargs(ctx):
    return pk(ctx) | {"membership_pk": ctx["reader_membership"].pk}


def _invitation_kwargs(ctx):
    return pk(ctx) | {"invitation_pk": ctx["invitation"].pk}


CASES = {
    "projects:dashboard": Case(expect=everyone(OK), perm=LOGGED_IN),
    "projects:collaboration_create": Case(expect=everyone(OK), perm=LOGGED_IN),
    "projects:overview": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="core.view"),
    "projects:collaboration_edit": Case(kwargs=pk, expect=MANAGE, perm="core.change_settings"),
    "projects:events": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="core.view"),
    "projects:parties": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="core.view"),
    # The coordinator names Trossamfundet Hopp: a pending party, as it does not act for it.
    "projects:party_add": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"organisation": ctx["spare_org"].pk},
        expect=MANAGE,
        effect=_parties,
        perm="core.manage_parties",
    ),
    "projects:party_edit": Case(
        kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["civil_party"].pk}, expect=MANAGE, perm="core.manage_parties"
    ),
    "projects:party_remove": Case(
        kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["empty_party"].pk},
        method="post",
        expect=MANAGE,
        effect=_parties,
        perm="core.manage_parties",
    ),
    "projects:people": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="core.view"),
    "projects:member_role": Case(
        kwargs=_reader_kwargs,
        method="post",
        data=lambda ctx: {"role": "editor"},
        expect=MANAGE,
        effect=_memberships,
        perm="core.manage_people",
    ),
    # The coordinator (Exempelkommun) marks Föreningen Gemenskap's editor: that party has no
    # coordinator of its own, so any coordinator of the collaboration may.
    "projects:member_records_decisions": Case(
        kwargs=_editor_kwargs,
        method="post",
        data=lambda ctx: {"records_decisions": "1"},
        expect=MANAGE,
        effect=_decision_marks,
        perm="core.mark_decision_recorder",
    ),
    "projects:member_remove": Case(
        kwargs=_reader_kwargs, method="post", expect=MANAGE, effect=_memberships, perm="core.manage_people"
    ),
    "projects:invitation_create": Case(kwargs=pk, expect=MANAGE, perm="core.invite"),
    # A new link: the stored hash changes.
    "projects:invitation_resend": Case(
        kwargs=_invitation_kwargs, method="post", expect=MANAGE, effect=_invitation_state, perm="core.invite"
    ),
    "projects:invitation_revoke": Case(
        kwargs=_invitation_kwargs, method="post", expect=MANAGE, effect=_invitation_state, perm="core.invite"
    ),
    # The link is the credential: anyone holding it sees it; a logged-in account that is not the
    # invited address gets a page saying so (403).
    "projects:invitation_accept": Case(
        kwargs=lambda ctx: {"token": ctx["token"]},
        expect={"anonymous": OK, "outsider": 403, "reader": 403, "editor": 403, "coordinator": 403},
        perm=TOKEN,
    ),
}
