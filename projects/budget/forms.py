"""The budget line form: amounts and hours in the Swedish format (projects.common.amounts), a year
of the period, the planned fields shown read-only while the agreement is locked."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.budget.models import HOUR_KINDS, HOURS_IN_A_YEAR, Kind
from projects.common.amounts import AmountField

MAX_LINE_AMOUNT = Decimal("1000000000")  # one billion kronor on one line is a typing error
MAX_HOURLY_VALUE = Decimal("10000")


class HoursField(AmountField):
    """Hours in the Swedish format ("1 600" or "7,5"), at most as many as a year has."""

    def __init__(self, **kwargs):
        super().__init__(max_value=HOURS_IN_A_YEAR, **kwargs)
        too_many = _(
            "Skriv högst %(limit_value)s timmar: så många timmar har ett år. Dela upp på flera rader om fler "
            "personer bidrar."
        )
        self.error_messages.update({"max_value": too_many, "min_value": _("Skriv antalet timmar, 0 eller fler.")})
        for validator in self.validators:
            if getattr(validator, "code", "") == "max_value":
                validator.message = too_many
            elif getattr(validator, "code", "") == "min_value":
                validator.message = self.error_messages["min_value"]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "point":
                raise ValidationError(
                    _("Skriv timmar med komma före decimalerna, till exempel 7,5. Punkt används inte."), code="point"
                ) from None
            raise ValidationError(
                _("Skriv antalet timmar med siffror, till exempel 1 600 eller 7,5."), code="invalid"
            ) from None


class BudgetLineForm(forms.Form):
    party = forms.ModelChoiceField(
        label=_("Part"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Välj en av samverkans parter."), "required": _("Välj en part.")},
    )
    year = forms.IntegerField(
        label=_("År"),
        widget=forms.Select,
        error_messages={"required": _("Välj ett år."), "invalid": _("Välj ett år inom perioden.")},
    )
    kind = forms.ChoiceField(
        label=_("Slag"),
        choices=Kind.choices,
        error_messages={
            "required": _("Välj vad parten bidrar med."),
            "invalid_choice": _("Välj ett av slagen i listan."),
        },
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=200,
        help_text=_("Kort, till exempel ”Bidrag till verksamheten” eller ”Lokal i biblioteket, kvällar”."),
        error_messages={"required": _("Skriv en kort beskrivning av bidraget.")},
    )
    planned_amount = AmountField(label=_("Planerat belopp (kr)"), required=False, max_value=MAX_LINE_AMOUNT)
    planned_hours = HoursField(label=_("Planerade timmar"), required=False)
    hourly_value = AmountField(
        label=_("Värde per timme (kr)"),
        required=False,
        max_value=MAX_HOURLY_VALUE,
        help_text=_("Till exempel lön med sociala avgifter för personal, eller ett schablonvärde för ideell tid."),
    )
    actual_amount = AmountField(label=_("Utfall, belopp (kr)"), required=False, max_value=MAX_LINE_AMOUNT)
    actual_hours = HoursField(label=_("Utfall, timmar"), required=False)

    PLANNED = ("planned_amount", "planned_hours")
    PLAN_IDENTITY = ("party", "year", "kind", "description", "hourly_value")

    def __init__(self, *args, collaboration, parties, years, locked=False, line=None, **kwargs):
        if line is not None:
            kwargs["initial"] = kwargs.get("initial") or (
                {
                    "party": line.party_id,
                    "year": line.year,
                    "kind": line.kind,
                    "description": line.description,
                    **{name: getattr(line, name) for name in ("planned_amount", "planned_hours", "hourly_value")},
                    **{name: getattr(line, name) for name in ("actual_amount", "actual_hours")},
                }
            )
        super().__init__(*args, **kwargs)
        self.collaboration, self.years, self.line, self.locked = collaboration, list(years), line, locked
        self.fields["party"].queryset = collaboration.parties.select_related("organisation").filter(
            pk__in=[p.pk for p in parties]
        )
        self.fields["party"].choices = [(p.pk, p.organisation.name) for p in parties]
        self.fields["year"].widget.choices = [(y, y) for y in self.years]
        self.fields["description"].widget.attrs["maxlength"] = 200
        if locked:
            has_plan = line is not None and (line.planned_amount is not None or line.planned_hours is not None)
            for name in self.PLANNED + (self.PLAN_IDENTITY if has_plan else ()):
                self.fields[name].disabled = True  # the page says why, above the form

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.years and year not in self.years:
            raise ValidationError(
                _("Året %(year)s ligger utanför samverkans period (%(first)s–%(last)s). Välj ett år inom perioden."),
                params={"year": year, "first": self.years[0], "last": self.years[-1]},
                code="outside",
            )
        if not self.years:
            raise ValidationError(
                _("Samverkan har ingen period än. Ange periodens start och slut först."), code="period"
            )
        return year

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        if kind in HOUR_KINDS:
            if self._missing("planned_hours"):
                self.add_error("planned_hours", _("Skriv hur många timmar som planeras."))
            if self._missing("hourly_value") and (
                data.get("planned_hours") is not None or data.get("actual_hours") is not None
            ):
                self.add_error("hourly_value", _("Skriv vad en timme är värd i kronor, till exempel 350."))
        elif self._missing("planned_amount"):
            self.add_error("planned_amount", _("Skriv det planerade beloppet i kronor, till exempel 12 500."))
        if self.line is None and self.fields["planned_amount"].disabled:
            # A new line while the plan is locked: an actual contribution that was not planned.
            actual = "actual_hours" if kind in HOUR_KINDS else "actual_amount"
            if data.get(actual) is None and actual not in self.errors:
                self.add_error(actual, _("Det planerade är låst. Skriv utfallet för den nya raden."))
        return data

    def _missing(self, name):
        """Whether a field the kind needs is empty (not one that is locked, or already has its error)."""
        return not self.fields[name].disabled and self.cleaned_data.get(name) is None and name not in self.errors

    def values(self):
        """The cleaned data as projects.budget.services.save_line takes it."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    @property
    def hour_kinds(self):
        return sorted(HOUR_KINDS)
