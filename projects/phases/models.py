from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Phase


class MapEntry(models.Model):
    """One row of the collaboration map (samverkanskarta): per phase, the level of participation
    the parties plan and the level that really happened."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="map_entries")
    phase = models.CharField(_("fas"), max_length=32, choices=Phase.choices)
    planned_level = models.ForeignKey(
        "guides.Level",
        verbose_name=_("planerad nivå"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actual_level = models.ForeignKey(
        "guides.Level",
        verbose_name=_("faktisk nivå"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("kommentar"), max_length=1000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collaboration", "phase"], name="unique_map_entry_per_phase")]

    def __str__(self):
        return f"{self.collaboration_id}: {self.phase}"


class PhaseChange(models.Model):
    """A step of the collaboration's current phase, forward or back: the timeline."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=32, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=32, choices=Phase.choices)
    note = models.TextField(_("kommentar"), max_length=2000, blank=True)
    open_items = models.PositiveIntegerField(default=0, help_text="Open checklist questions left in from_phase.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_phase} → {self.to_phase}"


ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
