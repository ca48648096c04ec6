"""Forms for de minimis aid: amounts in the Swedish format, the rate with four decimals, a date
between 2000 and a year ahead, an organisationsnummer checked with its check digit."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.amounts import AmountField
from projects.common.validators import normalise_org_number
from projects.state_aid.models import Ground

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST_DATE = date(2000, 1, 1)
MAX_SEK = Decimal("100000000")


class RateField(AmountField):
    """Kronor per euro with up to four decimals, between 1 and 50 (anything else is a typing error)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=Decimal("1"), max_value=Decimal("50"), max_digits=8, decimal_places=4, **kwargs)
        messages = {
            "min_value": _("Växelkursen är orimligt låg. Skriv kronor per euro, till exempel 11,2345."),
            "max_value": _("Växelkursen är orimligt hög. Skriv kronor per euro, till exempel 11,2345."),
        }
        self.error_messages.update(messages | {"max_decimal_places": _("Skriv växelkursen med högst fyra decimaler.")})
        for validator in self.validators:
            if getattr(validator, "code", None) in messages:
                validator.message = messages[validator.code]

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.4f}".replace(".", ",")
        return value


class GrantForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Grund"), choices=Ground.choices, initial=Ground.GENERAL, widget=forms.RadioSelect
    )
    amount_sek = AmountField(
        label=_("Belopp i kronor"),
        min_value=Decimal("0.01"),
        max_value=MAX_SEK,
        help_text=_("Stödets värde i kronor, till exempel 250 000 eller 250 000,50."),
    )
    sek_per_eur = RateField(
        label=_("Växelkurs, kronor per euro"),
        help_text=_(
            "Förordningarna anger inte vilken kurs. Använd kursen som gällde när stödet beviljades, till exempel "
            "EU-kommissionens månadskurs i InforEuro. Beloppet räknas om till euro med den."
        ),
    )
    granted_on = forms.DateField(
        label=_("Beviljat den"),
        widget=DATE_WIDGET,
        help_text=_(
            "Dagen då mottagaren får rätt att ta emot stödet, till exempel beslutsdagen. Inte dagen för utbetalningen."
        ),
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-15.")},
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=300,
        help_text=_("Vad stödet gäller, med några ord. Högst 300 tecken."),
        error_messages={"required": _("Skriv vad stödet gäller.")},
    )
    over_ceiling_reason = forms.CharField(
        label=_("Skäl att registrera stödet över taket"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför stödet ändå registreras, till exempel att det lämnas enligt andra statsstödsregler."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_sek"].error_messages["required"] = _("Skriv beloppet i kronor.")
        self.fields["sek_per_eur"].error_messages["required"] = _("Skriv växelkursen, kronor per euro.")
        self.fields["granted_on"].error_messages["required"] = _("Skriv dagen då stödet beviljades.")
        self.needs_reason = (
            bool(self.data.get(self.add_prefix("over_ceiling_reason"), "").strip()) if self.is_bound else False
        )

    def clean_granted_on(self):
        value = self.cleaned_data["granted_on"]
        latest = timezone.localdate() + timedelta(days=366)
        if value < FIRST_DATE:
            raise ValidationError(_("Skriv ett datum från år 2000 och framåt."))
        if value > latest:
            raise ValidationError(_("Datumet ligger mer än ett år fram i tiden. Kontrollera året."))
        return value

    def over_ceiling(self, error):
        """Show the service's refusal (CeilingExceeded) and the reason field, keeping what was typed."""
        self.needs_reason = True
        self.add_error(None, error.messages[0])
        self.add_error("over_ceiling_reason", _("Skriv skälet, eller ändra beloppet."))


def _normalised(text):
    try:
        return normalise_org_number(text)
    except ValidationError:
        return None


class CollaborationGrantForm(GrantForm):
    """A grant in a collaboration: to one of its civil-society parties. The organisationsnummer is the
    party's organisation's; for an organisation registered without one it is typed here."""

    party = forms.TypedChoiceField(label=_("Mottagare"), coerce=int, empty_value=None)
    org_number = forms.CharField(
        label=_("Mottagarens organisationsnummer"),
        required=False,
        max_length=20,
        help_text=_("Bara om parten saknar organisationsnummer i appen. Tio siffror, till exempel 802000-1234."),
    )

    field_order = ["party", "org_number", "ground", "amount_sek", "sek_per_eur", "granted_on", "description"]

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {p.pk: p for p in parties}
        self.fields["party"].choices = [(p.pk, str(p.organisation)) for p in parties]
        self.fields["party"].error_messages["required"] = _("Välj mottagaren.")
        self.fields["party"].error_messages["invalid_choice"] = _("Välj en av samverkans idéburna parter.")

    def clean(self):
        data = super().clean()
        party = self.parties.get(data.get("party"))
        if party is None:
            return data
        data["party_obj"] = party
        known = party.organisation.org_number
        typed = data.get("org_number", "").strip()
        if known:
            if typed and _normalised(typed) != known:
                self.add_error(
                    "org_number",
                    _("Parten har organisationsnumret %(number)s i appen. Lämna fältet tomt.") % {"number": known},
                )
            data["org_number"] = known
        elif not typed:
            self.add_error("org_number", _("Parten saknar organisationsnummer i appen. Skriv det här."))
        else:
            try:
                data["org_number"] = normalise_org_number(typed)
            except ValidationError as error:
                self.add_error("org_number", error)
        data["recipient_name"] = party.organisation.name
        return data


class OutsideGrantForm(GrantForm):
    """Aid the organisation granted outside the app, entered so that the totals are true."""

    org_number = forms.CharField(
        label=_("Mottagarens organisationsnummer"),
        max_length=20,
        help_text=_("Tio siffror, till exempel 802000-1234."),
        error_messages={"required": _("Skriv mottagarens organisationsnummer.")},
    )
    recipient_name = forms.CharField(
        label=_("Mottagarens namn"),
        max_length=200,
        required=False,
        help_text=_("Behövs bara om mottagaren inte finns i appen."),
    )

    field_order = ["org_number", "recipient_name", "ground", "amount_sek", "sek_per_eur", "granted_on", "description"]

    def clean_org_number(self):
        return normalise_org_number(self.cleaned_data["org_number"])


class LookupForm(forms.Form):
    orgnr = forms.CharField(
        label=_("Organisationsnummer"), max_length=20, help_text=_("Tio siffror, till exempel 802000-1234.")
    )

    def clean_orgnr(self):
        return normalise_org_number(self.cleaned_data["orgnr"])
