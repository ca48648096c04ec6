from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.versioned import VersionedText
from projects.core.models import Collaboration, Party


class PrincipleCommitment(VersionedText):
    """How the collaboration will uphold one of the six principles, in its own words: versioned text
    (projects.common.versioned)."""

    MAX_LENGTH = 5_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="principle_commitments")
    principle = models.ForeignKey("guides.Principle", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("så upprätthåller vi principen"), max_length=MAX_LENGTH, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "principle"], name="unique_commitment_per_principle")
        ]

    def __str__(self):
        return self.text[:60]


class PrincipleConcern(models.Model):
    """ "Det gnisslar": a member's concern that a principle is not upheld, open until a coordinator
    resolves it with a note."""

    MAX_LENGTH = 5_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="concerns")
    principle = models.ForeignKey(
        "guides.Principle", verbose_name=_("princip"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("vad är problemet?"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("så löste vi det"), max_length=MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "resolved_at"])]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self):
        return self.resolved_at is None
