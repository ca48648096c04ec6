from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Party


class GoalEvent(models.TextChoices):
    """The goals' own kinds of activity (projects.core.models.Event.kinds)."""

    MEASURE_BY = "goal.measure_by", _("Datum för mätning ändrat")


Event.kinds.register(GoalEvent)


class Goal(models.Model):
    """A goal with the SMART checklist (7 steg: specifikt, mätbart, accepterat, realistiskt,
    tidsatt). "Accepterat" is not a box: it is every party's acceptance (GoalAcceptance)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    specific = models.BooleanField(_("specifikt"), default=False)
    measurable = models.BooleanField(_("mätbart"), default=False)
    realistic = models.BooleanField(_("realistiskt"), default=False)
    due_date = models.DateField(_("klart senast"), null=True, blank=True, help_text=_("Tidsatt: när ska målet nås?"))
    measure_by = models.DateField(_("mät senast"), null=True, blank=True)
    measure_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When measure_by was set: every indicator is measured again after it."
    )
    order = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class GoalAcceptance(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="acceptances")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "party"], name="one_acceptance_per_party")]

    def __str__(self):
        return f"{self.goal_id}: {self.party_id}"


class Indicator(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=50)
    baseline = models.DecimalField(_("nulägesvärde"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("nulägesbild per"))
    target = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("målvärdet nås senast"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_date")), name="indicator_target_after_baseline"
            )
        ]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("mätdatum"))
    party = models.ForeignKey(
        Party, verbose_name=_("part"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("kommentar"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"
