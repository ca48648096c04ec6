"""The budget: lines of contribution per party and year of the collaboration's period.

A line is one party's contribution of one kind in one year: money, premises or other in kind as an
amount in kronor; staff and volunteers as hours and an hourly value, whose amount is derived (hours ×
value, :attr:`BudgetLine.planned` and :attr:`BudgetLine.actual`) and never stored, so a total cannot
disagree with its lines. Planned figures are what the parties decide on in the agreement
(projects.budget.services: locked while a version is for decision or decided); actuals are entered
during the year.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Party

HOURS_IN_A_YEAR = Decimal(366 * 24)  # 8 784: more hours than a year has is a typing error


class BudgetEvent(models.TextChoices):
    """The budget's own kinds of activity (projects.core.models.Event.kinds)."""

    LINE_ADDED = "budget.line_added", _("Budgetrad tillagd")
    LINE_CHANGED = "budget.line_changed", _("Budgetrad ändrad")
    LINE_DELETED = "budget.line_deleted", _("Budgetrad borttagen")


Event.kinds.register(BudgetEvent)


class Kind(models.TextChoices):
    MONEY = "pengar", _("Pengar")
    STAFF = "personal", _("Personal")
    PREMISES = "lokaler", _("Lokaler")
    VOLUNTEERS = "ideell_tid", _("Ideell tid")
    IN_KIND = "annat", _("Annat i natura")


# Staff and volunteers are counted in hours, at an hourly value; the others in kronor.
HOUR_KINDS = frozenset({Kind.STAFF, Kind.VOLUNTEERS})


class BudgetLine(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="budget_lines")
    party = models.ForeignKey(Party, verbose_name=_("part"), on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("år"))
    kind = models.CharField(_("slag"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("beskrivning"), max_length=200)
    planned_amount = models.DecimalField(_("planerat belopp"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual_amount = models.DecimalField(_("utfall, belopp"), max_digits=14, decimal_places=2, null=True, blank=True)
    planned_hours = models.DecimalField(_("planerade timmar"), max_digits=8, decimal_places=2, null=True, blank=True)
    actual_hours = models.DecimalField(_("utfall, timmar"), max_digits=8, decimal_places=2, null=True, blank=True)
    hourly_value = models.DecimalField(_("värde per timme"), max_digits=10, decimal_places=2, null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "party__organisation__name", "kind", "pk"]
        indexes = [models.Index(fields=["collaboration", "year"], name="budget_line_year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_amount__isnull=True) | Q(planned_amount__gte=0), name="budget_planned_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(actual_amount__isnull=True) | Q(actual_amount__gte=0), name="budget_actual_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(planned_hours__isnull=True) | Q(planned_hours__gte=0, planned_hours__lte=HOURS_IN_A_YEAR),
                name="budget_planned_hours_in_a_year",
            ),
            models.CheckConstraint(
                condition=Q(actual_hours__isnull=True) | Q(actual_hours__gte=0, actual_hours__lte=HOURS_IN_A_YEAR),
                name="budget_actual_hours_in_a_year",
            ),
            models.CheckConstraint(
                condition=Q(hourly_value__isnull=True) | Q(hourly_value__gte=0), name="budget_hourly_value_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}: {self.description}"

    @property
    def in_hours(self):
        return self.kind in HOUR_KINDS

    def _amount(self, amount, hours):
        if self.in_hours:
            if hours is None:
                return None
            return (hours * (self.hourly_value or 0)).quantize(Decimal("0.01"))
        return amount

    @property
    def planned(self):
        """The planned amount in kronor (hours × the hourly value for staff and volunteers), or None."""
        return self._amount(self.planned_amount, self.planned_hours)

    @property
    def actual(self):
        """The actual amount in kronor, or None while nothing is entered."""
        return self._amount(self.actual_amount, self.actual_hours)
