"""Writes that span several rows and leave a trace in the activity list.

Views and forms validate; these functions apply a validated change atomically and record the
event. Each raises ``ValidationError`` for a rule that only the database state can decide.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.agreements.permissions import RECORD_DECISION
from projects.checklists.services import confirming_parties, ensure_default_sections, reopen_agreed_answers
from projects.core.models import Collaboration, Event, Invitation, Membership, Party, PartyStatus, Role
from projects.core.permissions import is_coordinator_role, policy
from projects.notifications import services as notices
from projects.organisations import services as organisations
from projects.reports import services as reports

logger = logging.getLogger(__name__)
record = Event.record

SELF = object()  # accept_invitation's default: the person accepted it themselves


@transaction.atomic
def create_collaboration(*, user, organisation, **fields) -> Collaboration:
    """Create a collaboration with its first party; the creator becomes its coordinator. The
    creator must act for the organisation (projects.organisations): nobody starts a collaboration
    in another organisation's name."""
    if not organisations.speaks_for(user, organisation):
        raise ValidationError(
            _("Du är inte medlem i %(name)s och kan inte starta en samverkan för organisationen.")
            % {"name": organisation.name}
        )
    collaboration = Collaboration.objects.create(created_by=user, **fields)
    party = Party.objects.create(collaboration=collaboration, organisation=organisation, is_coordinating=True)
    Membership.objects.create(collaboration=collaboration, party=party, user=user, role=Role.COORDINATOR)
    record(collaboration, user, Event.Kind.COLLABORATION_CREATED, collaboration.title)
    record(collaboration, user, Event.Kind.PARTY_ADDED, organisation.name)
    record(collaboration, user, Event.Kind.MEMBER_JOINED, user.get_full_name(), Role.COORDINATOR.label)
    ensure_default_sections(collaboration, user)
    if collaboration.start_date and collaboration.end_date:
        reports.refresh_reports(collaboration, user=user)  # one report a year of the period
    return collaboration


@transaction.atomic
def start_collaboration(*, user, organisation=None, new_organisation=None, **fields) -> Collaboration:
    """The create page: for an organisation the person acts for, or for one they register now (and
    so administer)."""
    if organisation is None:
        organisation = organisations.register_organisation(user=user, **new_organisation)
    return create_collaboration(user=user, organisation=organisation, **fields)


@transaction.atomic
def update_collaboration(collaboration, *, user, changed_fields):
    collaboration.save()
    if "archived" in changed_fields:
        kind = Event.Kind.COLLABORATION_ARCHIVED if collaboration.archived else Event.Kind.COLLABORATION_RESTORED
        record(collaboration, user, kind, collaboration.title)
        changed_fields = [f for f in changed_fields if f != "archived"]
    if {"start_date", "end_date"} & set(changed_fields):
        reports.refresh_reports(collaboration, user=user)  # the years of the yearly follow-up
    if changed_fields:
        labels = [str(Collaboration._meta.get_field(name).verbose_name) for name in changed_fields]
        record(collaboration, user, Event.Kind.COLLABORATION_CHANGED, collaboration.title, ", ".join(labels))


def _set_single_coordinating(party):
    if party.is_coordinating:
        Party.objects.filter(collaboration_id=party.collaboration_id).exclude(pk=party.pk).update(is_coordinating=False)


@transaction.atomic
def add_party(collaboration, *, user, organisation, contribution="", is_coordinating=False) -> Party:
    """Name ``organisation`` as a party. Unless the person acts for it, the party is pending until a
    member of the organisation accepts on its behalf (a request goes to its administrators)."""
    if Party.objects.filter(collaboration=collaboration, organisation=organisation).exists():
        raise ValidationError(_("%(name)s är redan part i samverkan.") % {"name": organisation.name})
    pending = not organisations.speaks_for(user, organisation)
    party = Party.objects.create(
        collaboration=collaboration,
        organisation=organisation,
        contribution=contribution,
        is_coordinating=is_coordinating,
        status=PartyStatus.PENDING if pending else PartyStatus.ACCEPTED,
        requested_by=user,
    )
    _set_single_coordinating(party)
    record(
        collaboration,
        user,
        Event.Kind.PARTY_ADDED,
        organisation.name,
        _("Väntar på organisationens svar") if pending else "",
    )
    if pending:
        organisations.request_party(party, user=user)
    ensure_default_sections(collaboration, user)
    return party


@transaction.atomic
def update_party(party, *, user):
    party.save()
    _set_single_coordinating(party)
    record(party.collaboration, user, Event.Kind.PARTY_CHANGED, party.organisation.name)


@transaction.atomic
def remove_party(party, *, user):
    if party.memberships.exists():
        raise ValidationError(
            _("%(name)s har personer i samverkan. Ta bort dem eller flytta dem till en annan part först.")
            % {"name": party.organisation.name}
        )
    collaboration = party.collaboration
    name = party.organisation.name
    party.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    party.delete()
    record(collaboration, user, Event.Kind.PARTY_REMOVED, name)


def confirming_party_ids(collaboration):
    return {party.pk for party in confirming_parties(collaboration)}


def _reopen_if_a_party_can_now_confirm(collaboration, before, user):
    """ "Överens" means every party has confirmed: a party that can now confirm has not."""
    if confirming_party_ids(collaboration) - before:
        reopened = reopen_agreed_answers(collaboration)
        if reopened:
            record(
                collaboration,
                user,
                Event.Kind.ANSWER_STATUS,
                _("%(n)d gemensamma svar") % {"n": reopened},
                _("Diskuteras igen: en ny part ska också bekräfta"),
            )


def _lock_coordinators(collaboration):
    # Lock the coordinator rows so that two coordinators cannot demote each other at once.
    return list(
        Membership.objects.select_for_update()
        .filter(collaboration=collaboration, role=Role.COORDINATOR)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def change_role(membership, *, user, role):
    coordinators = _lock_coordinators(membership.collaboration)
    before = confirming_party_ids(membership.collaboration)
    if is_coordinator_role(membership.role) and not is_coordinator_role(role) and coordinators == [membership.pk]:
        raise ValidationError(_("Samverkan måste ha minst en samordnare. Gör någon annan till samordnare först."))
    old = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    _reopen_if_a_party_can_now_confirm(membership.collaboration, before, user)
    record(
        membership.collaboration,
        user,
        Event.Kind.MEMBER_ROLE_CHANGED,
        membership.user.get_full_name(),
        f"{old} → {membership.get_role_display()}",
    )


@transaction.atomic
def set_decision_recorder(membership, *, by, value):
    """Mark ``membership`` as recording its party's decision (``value`` True: the firmatecknare or a
    delegate) or remove the mark. Who records: projects.agreements.permissions.recorders_among (while
    nobody of the party is marked, its coordinators). Only a role that may record a decision can be
    marked; removing a mark is always possible."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("collaboration", "user", "party__organisation")
        .get(pk=membership.pk)
    )
    if value and not policy.membership_has_permission(membership, RECORD_DECISION):
        raise ValidationError(
            _("%(name)s är läsare och kan inte registrera beslut. Gör personen till redaktör först.")
            % {"name": membership.user.get_full_name()}
        )
    if membership.records_decisions == value:
        return membership
    membership.records_decisions = value
    membership.save(update_fields=["records_decisions"])
    party = membership.party.organisation.name
    record(
        membership.collaboration,
        by,
        Event.Kind.MEMBER_RECORDS_DECISIONS,
        membership.user.get_full_name(),
        (_("%(party)s: registrerar partens beslut") if value else _("%(party)s: registrerar inte längre beslut"))
        % {"party": party},
    )
    return membership


@transaction.atomic
def remove_member(membership, *, user):
    coordinators = _lock_coordinators(membership.collaboration)
    if is_coordinator_role(membership.role) and coordinators == [membership.pk]:
        raise ValidationError(_("Den sista samordnaren kan inte tas bort. Gör någon annan till samordnare först."))
    membership.delete()
    record(membership.collaboration, user, Event.Kind.MEMBER_REMOVED, membership.user.get_full_name())


def _send_invitation(request, invitation, token):
    url = request.build_absolute_uri(reverse("projects:invitation_accept", args=[token]))
    context = {"invitation": invitation, "url": url, "valid_days": settings.INVITATION_VALID_DAYS}
    title = " ".join(invitation.collaboration.title.split())  # a header holds one line
    subject = _("Inbjudan till samverkan: %(title)s") % {"title": title}
    body = render_to_string("projects/core/email/invitation.txt", context, request=request)

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email], fail_silently=False)
        except Exception:  # SMTP down, refused address…: the invitation stays and can be sent again
            logger.exception("Invitation e-mail to %s could not be sent", invitation.email)
            request.invitation_mail_failed = True

    transaction.on_commit(send)


@transaction.atomic
def invite(request, collaboration, *, party, email, role) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(collaboration=collaboration, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s är redan med i samverkan.") % {"email": email})
    if Invitation.objects.pending().filter(collaboration=collaboration, email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s har redan en inbjudan som väntar på svar. Skicka den igen i listan nedan.") % {"email": email}
        )
    invitation = Invitation(collaboration=collaboration, party=party, email=email, role=role, invited_by=request.user)
    token = invitation.new_token()
    invitation.save()
    _send_invitation(request, invitation, token)
    record(collaboration, request.user, Event.Kind.INVITATION_SENT, email, f"{party} · {invitation.get_role_display()}")
    return invitation


@transaction.atomic
def resend_invitation(request, invitation):
    """A new link, valid for another seven days; the old link stops working."""
    if invitation.accepted_at:
        raise ValidationError(_("Inbjudan är redan accepterad."))
    invitation.revoked_at = None
    token = invitation.new_token()
    invitation.save()
    _send_invitation(request, invitation, token)
    record(invitation.collaboration, request.user, Event.Kind.INVITATION_RESENT, invitation.email)


@transaction.atomic
def revoke_invitation(invitation, *, user):
    if invitation.accepted_at:
        raise ValidationError(_("Inbjudan är redan accepterad och kan inte återkallas."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation.collaboration, user, Event.Kind.INVITATION_REVOKED, invitation.email)


@transaction.atomic
def accept_invitation(invitation, *, user, by=SELF) -> Membership:
    """Turn a pending invitation into a membership. The row is locked: a link works once. ``by``: who
    made it happen when it is not the person themselves (an administrator letting them in; None for
    nobody in particular): the person is then told by e-mail."""
    invitation = Invitation.objects.select_for_update().select_related("party__organisation").get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("Inbjudan gäller inte längre."))
    # Only people of the party's organisation take part for it (projects.organisations.services).
    organisations.join_for_party_invitation(invitation, user)
    before = confirming_party_ids(invitation.collaboration)
    membership, created = Membership.objects.get_or_create(
        collaboration=invitation.collaboration,
        user=user,
        defaults={"party": invitation.party, "role": invitation.role},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _reopen_if_a_party_can_now_confirm(invitation.collaboration, before, user)
    if created:
        record(
            invitation.collaboration,
            user,
            Event.Kind.MEMBER_JOINED,
            user.get_full_name(),
            f"{invitation.party} · {membership.get_role_display()}",
        )
        if by is not SELF:
            notices.notify_added(membership, by=by)
    return membership
