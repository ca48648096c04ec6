"""Permission-matrix cases for an organisation's own pages (projects/organisations/urls.py), each
POST with its effect asserted (tests/matrix.py ``Case.effect``).

Who is who for the organisation used here, Föreningen Gemenskap (the matrix's civil-society party):
the editor (Bo) is its administrator (the first of its people), the reader (Cecilia) a member; the
coordinator (Anna) acts for Exempelkommun, not for Gemenskap; the outsider belongs to no
organisation. Organisation pages answer 403, not 404, to those outside: which organisations exist is
public (the list of organisations), what they do inside is not.
"""

from tests.matrix import LOGGED_IN, LOGIN, OK, TOKEN, Case, everyone

MEMBERS = {"anonymous": LOGIN, "outsider": 403, "reader": OK, "editor": OK, "coordinator": 403}
ADMINS = {"anonymous": LOGIN, "outsider": 403, "reader": 403, "editor": OK, "coordinator": 403}
# Pages with a form on GET use Exempelkommun, which the coordinator administers (the GET walk in
# tests/test_get_is_safe.py opens them as the coordinator and expects the form).
KOMMUN_ADMINS = {"anonymous": LOGIN, "outsider": 403, "reader": 403, "editor": 403, "coordinator": OK}


def gemenskap(ctx):
    return ctx["civil_party"].organisation


def org(ctx):
    return {"org_pk": gemenskap(ctx).pk}


def kommun(ctx):
    return ctx["collaboration"].parties.get(is_coordinating=True).organisation


def kommun_org(ctx):
    return {"org_pk": kommun(ctx).pk}


def _members(ctx, organisation=gemenskap):
    from projects.organisations.models import OrganisationMember

    return sorted(OrganisationMember.objects.filter(organisation=organisation(ctx)).values_list("user_id", "role"))


def _david(ctx):
    """A colleague at Exempelkommun whom its administrator (the coordinator) may remove."""
    from tests.factories import join_organisation, make_user

    member = join_organisation(make_user("David Dahl"), kommun(ctx))
    return kommun_org(ctx) | {"member_pk": member.pk}


def _join_request(ctx):
    from tests.factories import JoinRequestFactory, make_user

    petra = make_user("Petra Persson")
    ctx["join_request"] = JoinRequestFactory(organisation=gemenskap(ctx), user=petra)
    return org(ctx) | {"request_pk": ctx["join_request"].pk}


def _cecilia(ctx):
    from projects.organisations.models import OrganisationMember

    member = OrganisationMember.objects.get(organisation=gemenskap(ctx), user=ctx["users"]["reader"])
    return org(ctx) | {"member_pk": member.pk}


def _org_invitation(ctx):
    from projects.organisations.models import OrganisationInvitation

    invitation = OrganisationInvitation(organisation=gemenskap(ctx), email="ny@gemenskap.se")
    ctx["org_token"] = invitation.new_token()
    invitation.save()
    return org(ctx) | {"invitation_pk": invitation.pk}


def _revoked(ctx):
    from projects.organisations.models import OrganisationInvitation

    return list(OrganisationInvitation.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))


def _domains(ctx):
    return sorted(gemenskap(ctx).domains.values_list("domain", flat=True))


def _bo_holds_a_verified_address(ctx):
    """Only someone with a verified address in a domain registers it (projects.organisations)."""
    from allauth.account.models import EmailAddress

    bo = ctx["users"]["editor"]
    EmailAddress.objects.update_or_create(user=bo, email="bo@gemenskap.se", defaults={"verified": True})
    return org(ctx)


def _domain(ctx):
    from tests.factories import OrganisationDomainFactory

    row = OrganisationDomainFactory(organisation=gemenskap(ctx), domain="gemenskap.se")
    return org(ctx) | {"domain_pk": row.pk}


def _pending_party(ctx):
    """Exempelkommun names Gemenskap as a party of a second collaboration: pending until one of
    Gemenskap's people answers."""
    from projects.core import services as actions
    from tests.factories import make_collaboration

    anna = ctx["users"]["coordinator"]
    kommun = ctx["collaboration"].parties.get(is_coordinating=True).organisation
    other = make_collaboration(coordinator=anna, organisation=kommun, title="Läxhjälp")
    ctx["pending_party"] = actions.add_party(other, user=anna, organisation=gemenskap(ctx))
    return org(ctx) | {"party_pk": ctx["pending_party"].pk}


def _party_status(ctx):
    from projects.core.models import Party

    return list(Party.objects.filter(pk=ctx["pending_party"].pk).values_list("status", flat=True))


def _join_requests(ctx):
    from projects.organisations.models import JoinRequest

    return sorted(JoinRequest.objects.filter(organisation=gemenskap(ctx)).values_list("user_id", flat=True))


def _claims(ctx):
    from projects.organisations.models import OrganisationClaim

    return sorted(OrganisationClaim.objects.filter(organisation=gemenskap(ctx)).values_list("user_id", flat=True))


def _org_details(ctx):
    from projects.core.models import Organisation

    return list(Organisation.objects.filter(pk=kommun(ctx).pk).values_list("name", "org_number"))


CASES = {
    "projects:organisation_list": Case(expect=everyone(OK), perm=LOGGED_IN),
    "projects:organisation_create": Case(expect=everyone(OK), perm=LOGGED_IN),
    "projects:organisation_detail": Case(kwargs=org, expect=everyone(OK), perm=LOGGED_IN),
    # Only its administrators edit an organisation (the editor administers Gemenskap).
    "projects:organisation_edit": Case(
        kwargs=kommun_org,
        method="post",
        data=lambda ctx: {"name": "Nytt namn", "sector": "kommun", "org_number": ""},
        expect=KOMMUN_ADMINS,
        effect=_org_details,
        perm="organisations.edit",
    ),
    "projects:org_history": Case(kwargs=org, expect=MEMBERS, perm="organisations.view_history"),
    # Anyone logged in may claim an organisation (staff decide); its administrator is sent back to it.
    "projects:org_claim": Case(
        kwargs=org,
        method="post",
        data=lambda ctx: {"position": "Ordförande", "reason": "Jag är vald av årsmötet."},
        expect=everyone(OK),
        effect=_claims,
        changes=frozenset({"outsider", "reader", "coordinator"}),
        perm=LOGGED_IN,
    ),
    # Asking to join: those outside send a request; members are told they are members already.
    "projects:org_join": Case(
        kwargs=org,
        method="post",
        data=lambda ctx: {"message": "Jag är kassör."},
        expect=everyone(OK),
        effect=_join_requests,
        changes=frozenset({"outsider", "coordinator"}),
        perm=LOGGED_IN,
    ),
    "projects:org_join_answer": Case(
        kwargs=_join_request,
        method="post",
        data=lambda ctx: {"answer": "accept"},
        expect=ADMINS,
        effect=_members,
        perm="organisations.manage_members",
    ),
    "projects:org_members": Case(kwargs=org, expect=MEMBERS, perm="organisations.view_members"),
    "projects:org_invite": Case(
        kwargs=kommun_org,
        method="post",
        data=lambda ctx: {"email": "dora@exempelkommun.se", "role": "member"},
        expect=KOMMUN_ADMINS,
        effect=lambda ctx: list(kommun(ctx).invitations.values_list("email", flat=True)),
        perm="organisations.manage_members",
    ),
    "projects:org_member_role": Case(
        kwargs=_cecilia,
        method="post",
        data=lambda ctx: {"role": "admin"},
        expect=ADMINS,
        effect=_members,
        perm="organisations.manage_members",
    ),
    # An administrator removes a member (leaving oneself: tests/organisations/test_org_tenancy.py).
    "projects:org_member_remove": Case(
        kwargs=_david,
        method="post",
        data=lambda ctx: {"successor": ""},
        expect=KOMMUN_ADMINS,
        effect=lambda ctx: _members(ctx, kommun),
        perm="organisations.manage_members",
    ),
    "projects:org_invitation_revoke": Case(
        kwargs=_org_invitation, method="post", expect=ADMINS, effect=_revoked, perm="organisations.manage_members"
    ),
    "projects:org_domain_add": Case(
        kwargs=_bo_holds_a_verified_address,
        method="post",
        data=lambda ctx: {"domain": "gemenskap.se"},
        # A refused domain re-renders the page with the error (400); only the administrator adds it.
        expect=ADMINS,
        effect=_domains,
        perm="organisations.manage_domains",
    ),
    "projects:org_domain_remove": Case(
        kwargs=_domain, method="post", expect=ADMINS, effect=_domains, perm="organisations.manage_domains"
    ),
    # Any of the organisation's people may accept being a party on its behalf.
    "projects:org_party_answer": Case(
        kwargs=_pending_party,
        method="post",
        data=lambda ctx: {"answer": "accept"},
        expect=MEMBERS,
        effect=_party_status,
        perm="organisations.answer_party_requests",
    ),
    # The link is the credential (as for a collaboration's invitation).
    "projects:org_invitation_accept": Case(
        kwargs=lambda ctx: (_org_invitation(ctx), {"token": ctx["org_token"]})[1],
        expect={"anonymous": OK, "outsider": 403, "reader": 403, "editor": 403, "coordinator": 403},
        perm=TOKEN,
    ),
}
