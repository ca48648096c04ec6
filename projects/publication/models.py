"""The public page of a decided agreement (öppenhet och insyn): each party's consent to publish,
the publication and its withdrawal. The page itself shows only the decided version's content."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.agreements.models import AgreementVersion
from projects.core.models import Event, Party


class PublicationEvent(models.TextChoices):
    """The publication's kinds of activity (projects.core.models.Event.kinds)."""

    CONSENTED = "publication.consented", _("Samtycke till publicering lämnat")
    CONSENT_WITHDRAWN = "publication.consent_withdrawn", _("Samtycke till publicering återtaget")
    PUBLISHED = "publication.published", _("Överenskommelsen publicerad")
    WITHDRAWN = "publication.withdrawn", _("Publiceringen återkallad")


Event.kinds.register(PublicationEvent)


def new_slug():
    """The public address's key: random, so that it says nothing of the version or its order."""
    return secrets.token_urlsafe(16)


class Publication(models.Model):
    """One round of publishing a decided version: the parties' consents, then published, then
    perhaps withdrawn. A withdrawn publication stays (its address answers "no longer published");
    publishing again starts a new round with a new address."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="publications")
    slug = models.CharField(max_length=32, unique=True, default=new_slug, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(withdrawn_at__isnull=True), name="one_open_publication_per_version"
            )
        ]

    def __str__(self):
        return f"{self.version}: {self.slug}"

    @property
    def is_public(self):
        return self.published_at is not None and self.withdrawn_at is None


class PublicationConsent(models.Model):
    """A party's consent to publish the version (recorded by one who records the party's decisions);
    taken back by deleting it, until the version is published."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["publication", "party"], name="one_consent_per_party")]

    def __str__(self):
        return f"{self.party}: {self.given_at:%Y-%m-%d}"
