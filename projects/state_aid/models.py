"""De minimis aid ("stöd av mindre betydelse") granted by a public organisation to an undertaking,
counted per receiving organisationsnummer over a rolling three years (projects.state_aid.services)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Organisation


class AidEvent(models.TextChoices):
    """The collaboration's activity kind for a grant (projects.core.models.Event.kinds)."""

    GRANT_RECORDED = "state_aid.grant", _("Stöd av mindre betydelse registrerat")


Event.kinds.register(AidEvent)


class Ground(models.TextChoices):
    """Which de minimis regulation the aid is granted under; each has its own ceiling (CEILINGS)."""

    GENERAL = "general", _("Allmänt de minimis-stöd, förordning (EU) 2023/2831")
    SGEI = "sgei", _("De minimis-stöd för tjänster av allmänt ekonomiskt intresse, förordning (EU) 2023/2832")


# EUR over any period of three years, per undertaking (2023/2831 Article 3(2); 2023/2832: EUR 750,000).
CEILINGS = {Ground.GENERAL: Decimal("300000"), Ground.SGEI: Decimal("750000")}


class AidRecipient(models.Model):
    """One row per receiving organisationsnummer: the row a grant locks (select_for_update) before it
    sums, so two grants to the same undertaking recorded at once are counted one after the other."""

    org_number = models.CharField(max_length=11, unique=True)

    def __str__(self):
        return self.org_number


class AidGrant(models.Model):
    recipient_org_number = models.CharField(_("mottagarens organisationsnummer"), max_length=11)
    recipient_name = models.CharField(_("mottagarens namn"), max_length=200)
    recipient = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="aid_received"
    )
    granted_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="aid_granted")
    # None: aid the organisation granted outside the app, entered so that the totals are true. Kept when
    # a collaboration is deleted (the aid was granted all the same).
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.SET_NULL, null=True, blank=True, related_name="aid_grants"
    )
    ground = models.CharField(_("grund"), max_length=16, choices=Ground.choices)
    amount_sek = models.DecimalField(_("belopp i kronor"), max_digits=14, decimal_places=2)
    sek_per_eur = models.DecimalField(_("växelkurs, kronor per euro"), max_digits=8, decimal_places=4)
    amount_eur = models.DecimalField(_("belopp i euro"), max_digits=14, decimal_places=2)
    granted_on = models.DateField(_("beviljat den"))
    description = models.CharField(_("beskrivning"), max_length=300)
    over_ceiling_reason = models.TextField(_("skäl att gå över taket"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The recipient's grants summed up to and including this one, in the order (granted_on, pk), per
    # ground: the total of any three years is the difference of two of these (queries.totals), two index
    # lookups however many grants the recipient has. Kept by services.record_grant under the recipient's
    # lock (a grant dated back adds itself to the later grants' sums); grants are never changed.
    running_general = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0), editable=False)
    running_sgei = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0), editable=False)

    class Meta:
        ordering = ["-granted_on", "-pk"]
        indexes = [
            # The running total reads the last grant up to a date and the last before the three years
            # from this index alone (two index-only lookups: as fast for 1,000 grants as for 10,
            # bench/state_aid.py). Key columns rather than INCLUDE, which SQLite does not have.
            models.Index(
                fields=["recipient_org_number", "granted_on", "id", "running_general", "running_sgei"],
                name="aid_recipient_date",
            ),
            models.Index(fields=["granted_by", "-granted_on"], name="aid_granter_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_sek__gt=0), name="aid_amount_positive"),
            models.CheckConstraint(condition=Q(sek_per_eur__gt=0), name="aid_rate_positive"),
        ]

    def __str__(self):
        return f"{self.recipient_org_number} {self.granted_on}: {self.amount_eur} EUR"
