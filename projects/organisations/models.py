"""Organisations as tenants: the people who act for an organisation, its e-mail domains, invitations,
requests to join, claims that staff resolve, and its own history.

An organisation speaks for itself: only its administrators (and staff) change its details, and a
collaboration names it as a party only with the consent of one of its members (``Party.status``).
The rules live in ``services.py``; who may do what in ``permissions.py``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Organisation, TokenInvitation


class OrgRole(models.TextChoices):
    ADMIN = "admin", _("Administratör")
    MEMBER = "member", _("Medlem")


class OrganisationMember(models.Model):
    """A person who acts for an organisation."""

    class Via(models.TextChoices):
        REGISTERED = "registered", _("Registrerade organisationen")
        INVITATION = "invitation", _("Inbjudan till organisationen")
        REQUEST = "request", _("Begäran som godkändes")
        DOMAIN = "domain", _("Verifierad e-postadress i organisationens domän")
        PARTY_INVITATION = "party_invitation", _("Inbjudan till en samverkan från en kollega")
        FIRST_CONTACT = "first_contact", _("Första kontaktperson")
        STAFF = "staff", _("Tillagd av förvaltningen")
        MIGRATION = "migration", _("Fanns med innan organisationerna fick medlemmar")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("roll"), max_length=10, choices=OrgRole.choices, default=OrgRole.MEMBER)
    joined_via = models.CharField(_("kom med genom"), max_length=20, choices=Via.choices)
    created_at = models.DateTimeField(_("medlem sedan"), default=timezone.now)

    class Meta:
        verbose_name = _("medlem i organisation")
        verbose_name_plural = _("medlemmar i organisationer")
        ordering = ["organisation", "created_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="unique_organisation_member")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class OrganisationDomain(models.Model):
    """An e-mail domain of the organisation's own. A person with a verified address in it joins as a
    member; an administrator holding such an address makes the organisation verified."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domän"), max_length=253, unique=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-postdomän")
        verbose_name_plural = _("e-postdomäner")
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class OrganisationInvitation(TokenInvitation):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("roll"), max_length=10, choices=OrgRole.choices, default=OrgRole.MEMBER)

    class Meta(TokenInvitation.Meta):
        verbose_name = _("inbjudan till organisation")
        verbose_name_plural = _("inbjudningar till organisationer")
        indexes = [models.Index(fields=["organisation", "email"])]


class JoinRequest(models.Model):
    """A person asks to act for an organisation; an administrator accepts or declines."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("meddelande till administratörerna"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("begäran om medlemskap")
        verbose_name_plural = _("begäran om medlemskap")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(answered_at__isnull=True), name="one_open_join_request"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class OrganisationClaim(models.Model):
    """Somebody says they speak for an organisation that somebody else registered. Staff resolve it
    in the admin, where administration can be transferred to the claimant."""

    class Outcome(models.TextChoices):
        TRANSFERRED = "transferred", _("Administrationen överförd till den som gjorde anspråk")
        ADDED = "added", _("Den som gjorde anspråk blev administratör bredvid de andra")
        REJECTED = "rejected", _("Avslaget")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.CharField(_("din roll i organisationen"), max_length=200)
    reason = models.TextField(_("varför du företräder organisationen"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    note = models.TextField(_("anteckning"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("anspråk på organisation")
        verbose_name_plural = _("anspråk på organisationer")
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=Q(resolved_at__isnull=True), name="one_open_claim"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class OrganisationEvent(models.Model):
    """One entry of an organisation's own history. ``kind`` is one of ``services.KINDS`` (checked in
    Python, not by database choices: a new kind needs no migration)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("händelse i organisationen")
        verbose_name_plural = _("händelser i organisationer")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_label()}: {self.subject}"

    def get_kind_label(self):
        from .services import KINDS

        return KINDS.label(self.kind)

    def shown_actor_name(self):
        return self.actor.get_full_name() if self.actor_id else self.actor_name
