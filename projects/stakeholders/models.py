from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Party
from projects.phases.models import ONE_TO_FIVE


class Stakeholder(models.Model):
    """Someone who is affected by or can affect the collaboration (7 steg's intressentkartläggning):
    placed in the four fields by influence and interest."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        FUNCTION = "function", _("Funktion")
        ORGANISATION = "organisation", _("Organisation")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    category = models.CharField(_("kategori"), max_length=100, blank=True)
    influence = models.PositiveSmallIntegerField(_("inflytande (1–5)"), validators=ONE_TO_FIVE)
    interest = models.PositiveSmallIntegerField(_("intresse (1–5)"), validators=ONE_TO_FIVE)
    notes = models.TextField(_("anteckningar"), max_length=5000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-influence", "-interest", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(influence__gte=1, influence__lte=5), name="stakeholder_influence_1_5"),
            models.CheckConstraint(condition=Q(interest__gte=1, interest__lte=5), name="stakeholder_interest_1_5"),
        ]

    def __str__(self):
        return self.name


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Öppen")
        MITIGATING = "mitigating", _("Åtgärdas")
        CLOSED = "closed", _("Stängd")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    probability = models.PositiveSmallIntegerField(_("sannolikhet (1–5)"), validators=ONE_TO_FIVE)
    consequence = models.PositiveSmallIntegerField(_("konsekvens (1–5)"), validators=ONE_TO_FIVE)
    owner = models.ForeignKey(
        Party, verbose_name=_("ansvarig part"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mitigation = models.TextField(_("åtgärd"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(_("följs upp"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-probability", "-consequence", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"),
            models.CheckConstraint(condition=Q(consequence__gte=1, consequence__lte=5), name="risk_consequence_1_5"),
        ]

    def __str__(self):
        return self.title

    @property
    def score(self):
        return self.probability * self.consequence
