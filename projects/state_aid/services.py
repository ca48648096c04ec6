"""Recording de minimis aid and the rules behind it.

A grant is refused when it would take the receiving organisation's running total beyond a ceiling
(projects.state_aid.queries: general de minimis under EUR 300,000; general and SGEI together under
EUR 750,000), over the three years ending on the grant's date and over the three years ending today,
unless a reason is recorded. Grants to the same organisationsnummer are serialised: the service locks
the recipient's row (AidRecipient, select_for_update) before it sums, so two grants recorded at once
that together cross a ceiling cannot both pass.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from projects.common import csv_export
from projects.common.amounts import format_amount
from projects.common.csv_export import safe_text
from projects.common.validators import normalise_org_number
from projects.core.models import Event, EventText, Organisation
from projects.organisations import services as organisations
from projects.state_aid import queries
from projects.state_aid.models import AidEvent, AidGrant, AidRecipient, Ground

ORGANISATION_KIND = "state_aid.grant"
organisations.KINDS.register({ORGANISATION_KIND: gettext_lazy("Stöd av mindre betydelse registrerat")})

CENT = Decimal("0.01")


def to_eur(amount_sek, sek_per_eur):
    """Kronor to euro at the rate entered, rounded to the cent (half up)."""
    return (Decimal(amount_sek) / Decimal(sek_per_eur)).quantize(CENT, rounding=ROUND_HALF_UP)


def organisation_for(org_number):
    """The organisation registered with this number, or None."""
    return Organisation.objects.filter(org_number=org_number).first()


class CeilingExceeded(ValidationError):
    """The grant would take a total beyond a ceiling and no reason was given."""

    def __init__(self, message, totals):
        super().__init__(message, code="over_ceiling")
        self.totals = totals


@dataclass
class Recorded:
    grant: AidGrant
    totals: queries.Totals  # the recipient's totals today, with the grant

    @property
    def warning(self):
        return self.totals.level in ("warning", "over")


def _check(number, ground, amount_eur, granted_on, reason):
    """Refuse a grant that takes any three-year period holding it over a ceiling, unless a reason is given."""
    if reason.strip():
        return
    for period in queries.periods_holding(number, granted_on):
        after = period.plus(ground, amount_eur)
        crossed = after.crossed(ground)
        if crossed:
            line = crossed[0]
            raise CeilingExceeded(
                _(
                    "Stödet skulle ta mottagarens summa till %(total)s euro under de tre åren fram till "
                    "%(until)s. Taket är %(ceiling)s euro. Skriv skälet att ändå registrera stödet, eller "
                    "ändra beloppet."
                )
                % {
                    "total": format_amount(line.total, 2),
                    "until": formats.date_format(period.until, "j F Y"),
                    "ceiling": format_amount(line.ceiling),
                },
                after,
            )


@transaction.atomic
def record_grant(
    *,
    granted_by,
    org_number,
    recipient_name="",
    ground,
    amount_sek,
    sek_per_eur,
    granted_on,
    description,
    user,
    reason="",
    collaboration=None,
):
    """Record a grant; raise CeilingExceeded (a ValidationError) when it would cross a ceiling without
    a reason, ValidationError for what only the data can decide."""
    if not granted_by.is_public:
        raise ValidationError(_("Bara en offentlig organisation kan bevilja stöd av mindre betydelse."))
    number = normalise_org_number(org_number)
    recipient = organisation_for(number)
    if recipient is not None and recipient.pk == granted_by.pk:
        raise ValidationError(_("Organisationen kan inte bevilja stöd till sig själv."))
    name = (recipient.name if recipient else recipient_name).strip()
    if not name:
        raise ValidationError(_("Skriv mottagarens namn. Organisationsnumret finns inte i appen."), code="name")
    AidRecipient.objects.get_or_create(org_number=number)
    AidRecipient.objects.select_for_update().get(org_number=number)  # one grant to this number at a time
    amount_eur = to_eur(amount_sek, sek_per_eur)
    _check(number, ground, amount_eur, granted_on, reason)
    # The running sums (AidGrant.running_*): this grant's from the last one up to its date (its pk is the
    # largest, so it comes after those of the same date), and this grant added to every later one's.
    general = amount_eur if ground == Ground.GENERAL else Decimal(0)
    sgei = amount_eur if ground == Ground.SGEI else Decimal(0)
    prior = (
        AidGrant.objects.filter(recipient_org_number=number, granted_on__lte=granted_on)
        .order_by("-granted_on", "-pk")
        .values("running_general", "running_sgei")
        .first()
    ) or {"running_general": Decimal(0), "running_sgei": Decimal(0)}
    AidGrant.objects.filter(recipient_org_number=number, granted_on__gt=granted_on).update(
        running_general=F("running_general") + general, running_sgei=F("running_sgei") + sgei
    )
    grant = AidGrant.objects.create(
        running_general=prior["running_general"] + general,
        running_sgei=prior["running_sgei"] + sgei,
        recipient_org_number=number,
        recipient_name=name[:200],
        recipient=recipient,
        granted_by=granted_by,
        collaboration=collaboration,
        ground=ground,
        amount_sek=amount_sek,
        sek_per_eur=sek_per_eur,
        amount_eur=amount_eur,
        granted_on=granted_on,
        description=description.strip(),
        over_ceiling_reason=reason.strip(),
        recorded_by=user,
    )
    detail = EventText(
        gettext_noop("%(amount)s kr (%(eur)s euro), %(ground)s, beviljat %(date)s av %(granter)s"),
        amount=format_amount(amount_sek, 2),
        eur=format_amount(amount_eur, 2),
        ground=EventText.label(Ground(ground).label),
        date=granted_on,
        granter=granted_by.name,
    )
    if collaboration is not None:
        Event.record(collaboration, user, AidEvent.GRANT_RECORDED, name, detail)
    else:
        organisations.record(granted_by, user, ORGANISATION_KIND, f"{name} ({number})", str(detail))
    return Recorded(grant, queries.totals(number))


# The export for the central register ---------------------------------------------------------------

REGULATION = {Ground.GENERAL: "(EU) 2023/2831", Ground.SGEI: "(EU) 2023/2832"}


def register_csv(organisation):
    """The organisation's grants for the central de minimis register: who received the aid
    (organisationsnummer and name), how much (in euro, and the kronor and the rate it came from), when
    (the date the legal right arose), who granted it, under which regulation, in which form (a grant),
    and the reason recorded for going beyond a ceiling."""
    header = [
        _("Mottagarens organisationsnummer"),
        _("Mottagarens namn"),
        _("Beviljat den"),
        _("Belopp i euro"),
        _("Belopp i kronor"),
        _("Växelkurs, kronor per euro"),
        _("Förordning"),
        _("Stödform"),
        _("Stödgivare"),
        _("Stödgivarens organisationsnummer"),
        _("Beskrivning"),
        _("Skäl att gå över taket"),
    ]
    rows = (
        [
            g.recipient_org_number,
            safe_text(g.recipient_name),
            g.granted_on.isoformat(),
            format_amount(g.amount_eur, 2, group=""),
            format_amount(g.amount_sek, 2, group=""),
            format_amount(g.sek_per_eur, 4, group=""),
            REGULATION[g.ground],
            _("Bidrag"),
            safe_text(organisation.name),
            organisation.org_number or "",
            safe_text(g.description),
            safe_text(g.over_ceiling_reason),
        ]
        for g in queries.granted_by(organisation).order_by("granted_on", "pk")
    )
    return csv_export.response(
        f"stod-av-mindre-betydelse-{organisation.org_number or organisation.pk}.csv", header, rows
    )
