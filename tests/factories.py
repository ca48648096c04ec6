"""Named seed people and organisations that read like people (as Zulip's example users)."""

from itertools import count

from django.contrib.auth import get_user_model

from projects.core import services as actions
from projects.core.models import Collaboration, Membership, Organisation, Party, Role, Sector
from projects.organisations.models import OrganisationMember, OrgRole

PASSWORD = "ett-langt-testlosenord"
_seq = count(1)


def make_user(name="Anna Andersson", email=None, **extra):
    email = email or f"{name.split()[0].lower()}{next(_seq)}@example.se"
    return get_user_model().objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


def make_organisation(name="Exempelkommun", sector=Sector.KOMMUN, **extra):
    return Organisation.objects.create(name=name, sector=sector, **extra)


def join_organisation(user, organisation, role=OrgRole.MEMBER):
    """``user`` acts for ``organisation`` (first come is its administrator)."""
    if not OrganisationMember.objects.filter(organisation=organisation).exists():
        role = OrgRole.ADMIN
    member, _ = OrganisationMember.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "joined_via": OrganisationMember.Via.STAFF}
    )
    return member


def make_collaboration(coordinator=None, organisation=None, title="Mötesplats för unga", **fields):
    coordinator = coordinator or make_user("Anna Andersson")
    organisation = organisation or make_organisation("Exempelkommun", Sector.KOMMUN)
    join_organisation(coordinator, organisation)
    return actions.create_collaboration(user=coordinator, organisation=organisation, title=title, **fields)


def add_party(collaboration, name="Föreningen Gemenskap", sector=Sector.IDEELL_FORENING):
    organisation = Organisation.objects.filter(name=name).first() or make_organisation(name, sector)
    party, _ = Party.objects.get_or_create(collaboration=collaboration, organisation=organisation)
    return party


def add_member(collaboration, user=None, role=Role.EDITOR, party=None, name="Bo Berg"):
    user = user or make_user(name)
    party = party or add_party(collaboration)
    join_organisation(user, party.organisation)
    return Membership.objects.create(collaboration=collaboration, party=party, user=user, role=role)


def decided_version(agreement, *, body="Styrelsen", reference=lambda party: "§ 7", decided_on=None):
    """Version 1 of ``agreement`` as it is, decided by every party of its collaboration (written
    directly, without the freeze and decision steps; the PDF is not kept)."""
    from datetime import date

    from projects.agreements import services as agreements
    from projects.agreements.models import AgreementVersion, Decision

    content = agreements.snapshot(agreement)
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        content=content,
        content_hash=agreements.content_hash(content),
        status=AgreementVersion.Status.DECIDED,
    )
    for party in agreement.collaboration.parties.all():
        Decision.objects.create(
            version=version,
            party=party,
            approved=True,
            body=body,
            decided_on=decided_on or date(2026, 11, 20),
            reference=reference(party),
        )
    return version


def decided_iop(collaboration, users, *, reference=lambda party: f"KS § {party.pk}"):
    """The IOP of ``collaboration`` through the real steps: written, locked for decision and approved
    by every party (each of ``users`` records their own party's decision; the first one writes)."""
    from datetime import date

    from guides.models import CollaborationForm
    from projects.agreements import services as agreements
    from projects.checklists import services as checklists

    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(
        collaboration, user=users[0], form=CollaborationForm.objects.get(slug="iop")
    )
    agreement.sections.filter(text="").update(text="Text för avsnittet.")
    version = agreements.freeze(agreement, user=users[0])
    for user in users:
        party = user.memberships.get(collaboration=collaboration).party
        agreements.record_decision(
            version,
            party=party,
            user=user,
            approved=True,
            body="Kommunstyrelsen" if party.organisation.is_public else "Styrelsen",
            decided_on=date(2026, 11, 20),
            reference=reference(party),
        )
    version.refresh_from_db()
    return version


def collaboration_with_people():
    """Exempelkommun and Föreningen Gemenskap with a coordinator, an editor and a reader."""
    anna = make_user("Anna Andersson", email="anna@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna)
    bo = add_member(collaboration, role=Role.EDITOR, name="Bo Berg").user
    cecilia = add_member(collaboration, role=Role.READER, name="Cecilia Carlsson").user
    return collaboration, {"coordinator": anna, "editor": bo, "reader": cecilia}


__all__ = [
    "PASSWORD",
    "Collaboration",
    "add_member",
    "add_party",
    "collaboration_with_people",
    "decided_iop",
    "decided_version",
    "join_organisation",
    "make_collaboration",
    "make_organisation",
    "make_user",
]
