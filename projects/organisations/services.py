"""The writes of the organisations feature: each atomic, each recorded in the organisation's own
history (and, where a collaboration is touched, in its activity list too).

Rules decided here (and why):

* The person who registers an organisation *for themselves* becomes its first administrator. An
  organisation registered by somebody else (a municipal official adding an association as a party)
  has no members until its first contact accepts an invitation; that person becomes its first
  administrator. Either way it is shown as verified only when an administrator holds a verified
  address in a domain registered for it, or staff verified it.
* A collaboration names an organisation as a party only with its consent: the party is pending until
  a member of the organisation accepts on its behalf (``answer_party_request``).
* An invitation to a party makes the person a member of the party's organisation only when somebody
  who speaks for that organisation vouches for it: the inviter is a member of it, the person's
  verified address is in one of its domains, or it has nobody yet (first contact). Otherwise the
  invitation waits while the person asks the organisation's administrators to let them join. So a
  coordinator cannot bring a second account of their own into another organisation's party.
* When somebody leaves an organisation, their roles in its parties go to a colleague in one step
  (``remove_member``); a party's last coordinator cannot leave without a successor.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.core.models import Event, EventKinds, Membership, Organisation, Party, PartyStatus, Role
from projects.notifications import services as notices

from .domains import domain_of, validate_domain
from .models import (
    JoinRequest,
    OrganisationClaim,
    OrganisationDomain,
    OrganisationEvent,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
from .permissions import is_admin_role, policy

logger = logging.getLogger(__name__)

# The kinds of the organisation's history, with how they read (checked in ``record``; the column has
# no database choices, as for the collaborations' Event).
KINDS = EventKinds()
KINDS.register(
    {
        "registered": gettext_lazy("Organisationen registrerad"),
        "changed": gettext_lazy("Uppgifter ändrade"),
        "member.joined": gettext_lazy("Medlem tillagd"),
        "member.role": gettext_lazy("Roll ändrad"),
        "member.removed": gettext_lazy("Medlem borttagen"),
        "member.left": gettext_lazy("Medlem lämnade organisationen"),
        "handover": gettext_lazy("Roller i samverkan överlämnade"),
        "invitation.sent": gettext_lazy("Inbjudan skickad"),
        "invitation.revoked": gettext_lazy("Inbjudan återkallad"),
        "request.sent": gettext_lazy("Begäran om medlemskap"),
        "request.accepted": gettext_lazy("Begäran om medlemskap godkänd"),
        "request.declined": gettext_lazy("Begäran om medlemskap avböjd"),
        "domain.added": gettext_lazy("E-postdomän tillagd"),
        "domain.removed": gettext_lazy("E-postdomän borttagen"),
        "claim.sent": gettext_lazy("Anspråk på organisationen"),
        "claim.resolved": gettext_lazy("Anspråk avgjort"),
        "verified": gettext_lazy("Verifierad av förvaltningen"),
        "party.requested": gettext_lazy("Förfrågan om att vara part i en samverkan"),
        "party.accepted": gettext_lazy("Deltar som part i en samverkan"),
        "party.declined": gettext_lazy("Tackade nej till att vara part i en samverkan"),
    }
)

ROLE_ORDER = {Role.READER: 0, Role.EDITOR: 1, Role.COORDINATOR: 2}


def record(organisation, actor, kind, subject="", detail=""):
    KINDS.check(kind)
    authenticated = actor is not None and actor.is_authenticated
    return OrganisationEvent.objects.create(
        organisation=organisation,
        actor=actor if authenticated else None,
        actor_name=actor.get_full_name()[:150] if authenticated else "",
        kind=kind,
        subject=str(subject)[:300],
        detail=str(detail)[:1000],
    )


def _mail(to, subject, template, context):
    """Send after the commit; a failing mail server is logged and loses nothing (the rows stay)."""
    subject = " ".join(str(subject).split())
    body = render_to_string(template, context)

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to), fail_silently=False)
        except Exception:
            logger.exception("Organisation e-mail to %s could not be sent", ", ".join(to))

    if to:
        transaction.on_commit(send)


def _absolute(path):
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def admin_emails(organisation):
    return list(
        OrganisationMember.objects.filter(organisation=organisation, role=OrgRole.ADMIN)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def add_member(organisation, user, *, role=OrgRole.MEMBER, via, actor=None):
    """Make ``user`` a member (or raise their role to ``role``); returns the row."""
    member, created = OrganisationMember.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "joined_via": via}
    )
    if created:
        record(organisation, actor or user, "member.joined", user.get_full_name(), member.get_joined_via_display())
    elif is_admin_role(role) and not is_admin_role(member.role):
        member.role = OrgRole.ADMIN
        member.save(update_fields=["role"])
        record(organisation, actor or user, "member.role", user.get_full_name(), OrgRole.ADMIN.label)
    policy.forget(user)
    return member


# Registering and editing ----------------------------------------------------------------------


@transaction.atomic
def register_organisation(*, user, acts_for_it=True, **fields) -> Organisation:
    """Register an organisation. ``acts_for_it``: the person speaks for it and becomes its first
    administrator; otherwise it waits, without members, for its first contact (see the module)."""
    organisation = Organisation(created_by=user, **fields)
    organisation.full_clean()
    organisation.save()
    record(
        organisation,
        user,
        "registered",
        organisation.name,
        "" if acts_for_it else _("Registrerad av någon utanför organisationen"),
    )
    if acts_for_it:
        add_member(organisation, user, role=OrgRole.ADMIN, via=OrganisationMember.Via.REGISTERED)
    return organisation


EDITABLE_FIELDS = ["name", "sector", "org_number", "municipality", "website", "contact_email"]


@transaction.atomic
def update_organisation(organisation, *, user, before):
    """Save the edited ``organisation``; ``before`` holds the old values of EDITABLE_FIELDS."""
    changes = []
    for name in EDITABLE_FIELDS:
        old, new = before.get(name), getattr(organisation, name)
        if (old or "") != (new or ""):
            label = Organisation._meta.get_field(name).verbose_name
            changes.append(f"{label}: {old or '–'} → {new or '–'}")
    if not changes:
        return False
    organisation.save()
    record(organisation, user, "changed", organisation.name, "; ".join(changes))
    return True


@transaction.atomic
def verify_by_staff(organisation, *, user, verified=True):
    organisation.verified_at = timezone.now() if verified else None
    organisation.save(update_fields=["verified_at"])
    record(organisation, user, "verified", organisation.name, "" if verified else _("Verifieringen togs bort"))


# Members, invitations, requests ---------------------------------------------------------------


def _lock_admins(organisation):
    return list(
        OrganisationMember.objects.select_for_update()
        .filter(organisation=organisation, role=OrgRole.ADMIN)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def change_member_role(member, *, user, role):
    admins = _lock_admins(member.organisation)
    if is_admin_role(member.role) and not is_admin_role(role) and admins == [member.pk]:
        raise ValidationError(
            _("Organisationen måste ha minst en administratör. Gör någon annan till administratör först.")
        )
    if role == member.role:  # nothing to change
        return
    old = member.get_role_display()
    member.role = role
    member.save(update_fields=["role"])
    record(
        member.organisation, user, "member.role", member.user.get_full_name(), f"{old} → {member.get_role_display()}"
    )


def is_last_admin(member):
    return (
        is_admin_role(member.role)
        and not OrganisationMember.objects.filter(organisation_id=member.organisation_id, role=OrgRole.ADMIN)
        .exclude(pk=member.pk)
        .exists()
    )


def roles_in_parties(member):
    """The person's memberships in collaborations for this organisation's parties."""
    return list(
        Membership.objects.filter(user=member.user, party__organisation=member.organisation)
        .select_related("collaboration", "party")
        .order_by("collaboration__title")
    )


def parties_left_without_coordinator(member):
    """The person's memberships where they are the only coordinator of this organisation's party."""
    from django.db.models import Exists, OuterRef

    others = Membership.objects.filter(party=OuterRef("party"), role=Role.COORDINATOR).exclude(user=member.user)
    return list(
        Membership.objects.filter(user=member.user, party__organisation=member.organisation, role=Role.COORDINATOR)
        .filter(~Exists(others))
        .select_related("collaboration", "party")
    )


def _hand_over(membership, successor, *, actor):
    """Give ``membership``'s role in its collaboration to ``successor`` (same party); returns a
    short description, or raises ValidationError when the successor acts for another party there."""
    collaboration = membership.collaboration
    theirs = Membership.objects.filter(collaboration=collaboration, user=successor).first()
    if theirs is None:
        added = Membership.objects.create(
            collaboration=collaboration, party=membership.party, user=successor, role=membership.role
        )
        notices.notify_added(added, by=actor)
        Event.record(
            collaboration,
            actor,
            Event.Kind.MEMBER_JOINED,
            successor.get_full_name(),
            _("%(party)s · %(role)s (tar över efter %(name)s)")
            % {
                "party": membership.party,
                "role": membership.get_role_display(),
                "name": membership.user.get_full_name(),
            },
        )
    elif theirs.party_id != membership.party_id:
        raise ValidationError(
            _("%(name)s är redan med i ”%(title)s” för en annan part och kan inte ta över där.")
            % {"name": successor.get_full_name(), "title": collaboration.title}
        )
    elif ROLE_ORDER[Role(theirs.role)] < ROLE_ORDER[Role(membership.role)]:
        old = theirs.get_role_display()
        theirs.role = membership.role
        theirs.save(update_fields=["role"])
        Event.record(
            collaboration,
            actor,
            Event.Kind.MEMBER_ROLE_CHANGED,
            successor.get_full_name(),
            f"{old} → {theirs.get_role_display()}",
        )
    return collaboration.title


@transaction.atomic
def remove_member(member, *, user, successor=None):
    """Remove ``member`` from the organisation (an administrator removes them, or they leave). Their
    roles in the organisation's parties go to ``successor`` (a member of the organisation) in the same
    step, or end; a party's last coordinator needs a successor, and so does the last administrator."""
    organisation = member.organisation
    admins = _lock_admins(organisation)
    member = OrganisationMember.objects.select_related("user", "organisation").get(pk=member.pk)
    if is_admin_role(member.role) and admins == [member.pk]:
        raise ValidationError(
            _(
                "%(name)s är organisationens enda administratör. Gör någon annan till administratör först, "
                "så att någon kan svara för organisationen."
            )
            % {"name": member.user.get_full_name()}
        )
    if successor is not None and (
        successor.pk == member.user_id
        or not OrganisationMember.objects.filter(organisation=organisation, user=successor).exists()
    ):
        raise ValidationError(_("Välj en kollega i organisationen som ska ta över."))
    roles = roles_in_parties(member)
    collaboration_ids = [m.collaboration_id for m in roles]
    list(Membership.objects.select_for_update().filter(collaboration_id__in=collaboration_ids, role=Role.COORDINATOR))
    if successor is None:
        lonely = parties_left_without_coordinator(member)
        if lonely:
            titles = ", ".join(f"”{m.collaboration.title}”" for m in lonely)
            raise ValidationError(
                _("%(name)s är den enda samordnaren för %(org)s i %(titles)s. Välj en kollega som tar över rollerna.")
                % {"name": member.user.get_full_name(), "org": organisation.name, "titles": titles}
            )
    handed = []
    for membership in roles:
        if successor is not None:
            handed.append(_hand_over(membership, successor, actor=user))
        membership.delete()
        Event.record(membership.collaboration, user, Event.Kind.MEMBER_REMOVED, member.user.get_full_name())
    member.delete()
    policy.forget(member.user)
    leaving = user.pk == member.user_id
    record(organisation, user, "member.left" if leaving else "member.removed", member.user.get_full_name())
    if handed:
        record(
            organisation,
            user,
            "handover",
            _("%(old)s → %(new)s") % {"old": member.user.get_full_name(), "new": successor.get_full_name()},
            ", ".join(handed),
        )
    return handed


def _send_org_invitation(invitation, token):
    url = _absolute(reverse("projects:org_invitation_accept", args=[token]))
    _mail(
        [invitation.email],
        _("Inbjudan till %(org)s i Samverkan") % {"org": invitation.organisation.name},
        "projects/organisations/email/invitation.txt",
        {"invitation": invitation, "url": url, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@transaction.atomic
def invite_member(organisation, *, user, email, role=OrgRole.MEMBER) -> OrganisationInvitation:
    email = email.strip().lower()
    if OrganisationMember.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s är redan medlem i organisationen.") % {"email": email})
    if OrganisationInvitation.objects.pending().filter(organisation=organisation, email__iexact=email).exists():
        raise ValidationError(_("%(email)s har redan en inbjudan som väntar på svar.") % {"email": email})
    invitation = OrganisationInvitation(organisation=organisation, email=email, role=role, invited_by=user)
    token = invitation.new_token()
    invitation.save()
    _send_org_invitation(invitation, token)
    record(organisation, user, "invitation.sent", email, invitation.get_role_display())
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, user):
    if invitation.accepted_at:
        raise ValidationError(_("Inbjudan är redan accepterad och kan inte återkallas."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation.organisation, user, "invitation.revoked", invitation.email)


@transaction.atomic
def accept_invitation(invitation, *, user) -> OrganisationMember:
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("Inbjudan gäller inte längre."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("Inbjudan gäller en annan e-postadress."))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(organisation=invitation.organisation, user=user, answered_at__isnull=True).update(
        answered_at=timezone.now(), accepted=True
    )
    return add_member(
        invitation.organisation,
        user,
        role=invitation.role,
        via=OrganisationMember.Via.INVITATION,
        actor=user,
    )


@transaction.atomic
def request_to_join(organisation, *, user, message="") -> JoinRequest:
    if OrganisationMember.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(_("Du är redan medlem i %(org)s.") % {"org": organisation.name})
    if JoinRequest.objects.filter(organisation=organisation, user=user, answered_at__isnull=True).exists():
        raise ValidationError(
            _("Du har redan skickat en begäran till %(org)s. Administratörerna svarar så snart de kan.")
            % {"org": organisation.name}
        )
    join_request = JoinRequest.objects.create(organisation=organisation, user=user, message=message.strip())
    record(organisation, user, "request.sent", user.get_full_name())
    _mail(
        admin_emails(organisation),
        _("%(name)s vill gå med i %(org)s") % {"name": user.get_full_name(), "org": organisation.name},
        "projects/organisations/email/join_request.txt",
        {
            "join_request": join_request,
            "url": _absolute(reverse("projects:org_members", args=[organisation.pk])),
        },
    )
    return join_request


@transaction.atomic
def answer_join_request(join_request, *, user, accept):
    join_request = (
        JoinRequest.objects.select_for_update().select_related("user", "organisation").get(pk=join_request.pk)
    )
    if join_request.answered_at:
        raise ValidationError(_("Begäran är redan besvarad."))
    join_request.answered_at = timezone.now()
    join_request.answered_by = user
    join_request.accepted = bool(accept)
    join_request.save(update_fields=["answered_at", "answered_by", "accepted"])
    organisation = join_request.organisation
    if accept:
        add_member(organisation, join_request.user, via=OrganisationMember.Via.REQUEST, actor=user)
        record(organisation, user, "request.accepted", join_request.user.get_full_name())
        _accept_waiting_party_invitations(organisation, join_request.user)
    else:
        record(organisation, user, "request.declined", join_request.user.get_full_name())


def ask_to_represent(invitation, *, user) -> JoinRequest:
    """The person tried to accept an invitation to a party of an organisation they do not belong to:
    ask its administrators (once); the invitation is accepted when they let the person in."""
    organisation = invitation.party.organisation
    existing = JoinRequest.objects.filter(organisation=organisation, user=user, answered_at__isnull=True).first()
    if existing:
        return existing
    message = _("Inbjuden till ”%(title)s” av %(name)s.") % {
        "title": invitation.collaboration.title,
        "name": invitation.invited_by.get_full_name() if invitation.invited_by else "–",
    }
    return request_to_join(organisation, user=user, message=message)


def _accept_waiting_party_invitations(organisation, person):
    """Invitations to the organisation's parties that waited for the person to be let in."""
    from projects.core import services as actions
    from projects.core.models import Invitation

    waiting = Invitation.objects.pending().filter(party__organisation=organisation, email__iexact=person.email)
    for invitation in waiting:
        if not Membership.objects.filter(collaboration_id=invitation.collaboration_id, user=person).exists():
            actions.accept_invitation(invitation, user=person, by=None)


# Domains --------------------------------------------------------------------------------------


def verified_domains(user):
    from allauth.account.models import EmailAddress

    return {domain_of(e) for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


@transaction.atomic
def add_domain(organisation, *, user, domain) -> OrganisationDomain:
    domain = validate_domain(domain)
    taken = OrganisationDomain.objects.filter(domain=domain).select_related("organisation").first()
    if taken:
        raise ValidationError(
            _("Domänen %(domain)s är redan registrerad för %(org)s.") % {"domain": domain, "org": taken.organisation}
        )
    if not user.is_staff and domain not in verified_domains(user):
        raise ValidationError(
            _(
                "Du kan bara lägga till en domän där du själv har en verifierad e-postadress "
                "(till exempel namn@%(domain)s). Lägg till och verifiera adressen under ditt konto först."
            )
            % {"domain": domain}
        )
    row = OrganisationDomain.objects.create(organisation=organisation, domain=domain, added_by=user)
    record(organisation, user, "domain.added", domain)
    join_members_by_domain(row)
    return row


@transaction.atomic
def remove_domain(row, *, user):
    row.delete()
    record(row.organisation, user, "domain.removed", row.domain)


def join_members_by_domain(row):
    """Everyone with a verified address in the newly registered domain becomes a member."""
    from allauth.account.models import EmailAddress

    users = get_user_model().objects.filter(
        pk__in=EmailAddress.objects.filter(verified=True, email__iendswith=f"@{row.domain}").values("user_id"),
        is_active=True,
    )
    for person in users:
        add_member(row.organisation, person, via=OrganisationMember.Via.DOMAIN, actor=row.added_by)


@transaction.atomic
def join_by_verified_domains(user):
    """The person joins every organisation with a domain of one of their verified addresses
    (called when an address is confirmed and at login)."""
    domains = verified_domains(user)
    if not domains:
        return []
    joined = []
    for row in OrganisationDomain.objects.filter(domain__in=domains).select_related("organisation"):
        if not OrganisationMember.objects.filter(organisation=row.organisation, user=user).exists():
            add_member(row.organisation, user, via=OrganisationMember.Via.DOMAIN)
            joined.append(row.organisation)
    return joined


# Claims ---------------------------------------------------------------------------------------


@transaction.atomic
def claim(organisation, *, user, position, reason) -> OrganisationClaim:
    if policy.is_admin(user, organisation):
        raise ValidationError(_("Du är redan administratör för %(org)s.") % {"org": organisation.name})
    if OrganisationClaim.objects.filter(organisation=organisation, user=user, resolved_at__isnull=True).exists():
        raise ValidationError(
            _("Du har redan gjort anspråk på %(org)s. Förvaltningen hör av sig när det är prövat.")
            % {"org": organisation.name}
        )
    row = OrganisationClaim.objects.create(organisation=organisation, user=user, position=position, reason=reason)
    record(organisation, user, "claim.sent", user.get_full_name(), position)
    staff = list(
        get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    _mail(
        staff,
        _("Anspråk på %(org)s") % {"org": organisation.name},
        "projects/organisations/email/claim.txt",
        {"claim": row, "url": _absolute(reverse("admin:projects_organisationclaim_change", args=[row.pk]))},
    )
    return row


@transaction.atomic
def resolve_claim(claim_row, *, user, outcome, note=""):
    """Staff decide a claim. TRANSFERRED: the claimant becomes administrator and the present
    administrators members; ADDED: the claimant becomes administrator beside them."""
    claim_row = (
        OrganisationClaim.objects.select_for_update().select_related("organisation", "user").get(pk=claim_row.pk)
    )
    if claim_row.resolved_at:
        raise ValidationError(_("Anspråket är redan avgjort."))
    organisation = claim_row.organisation
    if outcome in (OrganisationClaim.Outcome.TRANSFERRED, OrganisationClaim.Outcome.ADDED):
        if outcome == OrganisationClaim.Outcome.TRANSFERRED:
            demoted = OrganisationMember.objects.filter(organisation=organisation, role=OrgRole.ADMIN).exclude(
                user=claim_row.user
            )
            for member in demoted.select_related("user"):
                record(organisation, user, "member.role", member.user.get_full_name(), OrgRole.MEMBER.label)
            demoted.update(role=OrgRole.MEMBER)
        add_member(organisation, claim_row.user, role=OrgRole.ADMIN, via=OrganisationMember.Via.STAFF, actor=user)
    claim_row.resolved_at = timezone.now()
    claim_row.resolved_by = user
    claim_row.outcome = outcome
    claim_row.note = note
    claim_row.save(update_fields=["resolved_at", "resolved_by", "outcome", "note"])
    record(organisation, user, "claim.resolved", claim_row.user.get_full_name(), claim_row.get_outcome_display())


# Parties: consent -----------------------------------------------------------------------------


def speaks_for(user, organisation):
    return user is not None and policy.is_member(user, organisation)


def request_party(party, *, user):
    """``party`` was just created as pending: tell the organisation (its history, its admins)."""
    organisation = party.organisation
    record(organisation, user, "party.requested", party.collaboration.title, user.get_full_name() if user else "")
    _mail(
        admin_emails(organisation),
        _("%(org)s är föreslagen som part i ”%(title)s”")
        % {"org": organisation.name, "title": party.collaboration.title},
        "projects/organisations/email/party_request.txt",
        {
            "party": party,
            "requester": user,
            "requester_name": user.get_full_name() if user else "",
            "url": _absolute(reverse("projects:organisation_detail", args=[organisation.pk])),
        },
    )


@transaction.atomic
def answer_party_request(party, *, user, accept) -> Membership | None:
    """A member of the organisation accepts (or declines) taking part on its behalf. Accepting makes
    them a coordinator for the party in the collaboration (unless they are in it already); declining
    removes the pending party."""
    party = Party.objects.select_for_update().select_related("organisation", "collaboration").get(pk=party.pk)
    if not party.is_pending:
        raise ValidationError(_("Förfrågan är redan besvarad."))
    organisation, collaboration = party.organisation, party.collaboration
    if not speaks_for(user, organisation):
        raise ValidationError(_("Bara medlemmar i %(org)s kan svara för organisationen.") % {"org": organisation})
    if not accept:
        if party.memberships.exists():
            raise ValidationError(_("Parten har redan personer i samverkan."))
        party.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
        party.delete()
        record(organisation, user, "party.declined", collaboration.title)
        Event.record(collaboration, user, Event.Kind.PARTY_REMOVED, organisation.name, _("Organisationen tackade nej"))
        return None
    party.status = PartyStatus.ACCEPTED
    party.answered_by = user
    party.answered_at = timezone.now()
    party.save(update_fields=["status", "answered_by", "answered_at"])
    record(organisation, user, "party.accepted", collaboration.title)
    Event.record(collaboration, user, Event.Kind.PARTY_CHANGED, organisation.name, _("Organisationen deltar"))
    membership = Membership.objects.filter(collaboration=collaboration, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            collaboration=collaboration, party=party, user=user, role=Role.COORDINATOR
        )
        Event.record(
            collaboration,
            user,
            Event.Kind.MEMBER_JOINED,
            user.get_full_name(),
            f"{organisation} · {membership.get_role_display()}",
        )
    return membership


def may_join_through_party_invitation(invitation, user):
    """How the person may come to act for the invited party's organisation: "member" (already),
    "first" (it has nobody yet), "vouched" (the inviter or a domain vouches), or None (ask first)."""
    organisation = invitation.party.organisation
    if OrganisationMember.objects.filter(organisation=organisation, user=user).exists():
        return "member"
    if not OrganisationMember.objects.filter(organisation=organisation).exists():
        return "first"
    if (
        invitation.invited_by_id
        and OrganisationMember.objects.filter(organisation=organisation, user_id=invitation.invited_by_id).exists()
    ):
        return "vouched"
    if OrganisationDomain.objects.filter(organisation=organisation, domain__in=verified_domains(user)).exists():
        return "vouched"
    return None


def join_for_party_invitation(invitation, user):
    """Called inside ``accept_invitation``'s transaction: make the person a member of the party's
    organisation where ``may_join_through_party_invitation`` allows it, else raise ValidationError
    with code "not_member". A pending party is accepted on the organisation's behalf."""
    how = may_join_through_party_invitation(invitation, user)
    organisation = invitation.party.organisation
    if how is None:
        raise ValidationError(
            _(
                "Inbjudan gäller %(org)s, men du är inte medlem i organisationen. Be att få gå med i "
                "%(org)s; när en administratör har godkänt det kan du tacka ja till inbjudan."
            )
            % {"org": organisation.name},
            code="not_member",
        )
    if how == "first":
        add_member(organisation, user, role=OrgRole.ADMIN, via=OrganisationMember.Via.FIRST_CONTACT)
    elif how == "vouched":
        add_member(organisation, user, via=OrganisationMember.Via.PARTY_INVITATION)
    party = invitation.party
    if party.is_pending:
        party.status = PartyStatus.ACCEPTED
        party.answered_by = user
        party.answered_at = timezone.now()
        party.save(update_fields=["status", "answered_by", "answered_at"])
        record(organisation, user, "party.accepted", party.collaboration.title)
        Event.record(party.collaboration, user, Event.Kind.PARTY_CHANGED, organisation.name, _("Organisationen deltar"))


def pending_party_requests(organisation):
    return (
        Party.objects.filter(organisation=organisation, status=PartyStatus.PENDING)
        .select_related("collaboration", "requested_by")
        .order_by("-created_at")
    )


def organisations_of(user):
    return Organisation.objects.filter(members__user=user).order_by("name")


def open_join_requests(organisation):
    return JoinRequest.objects.filter(organisation=organisation, answered_at__isnull=True).select_related("user")


def members_qs(organisation):
    return (
        OrganisationMember.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__full_name")
    )
