"""Forms for goals, indicators and measurements: Swedish numbers ("3,5"), dates in order."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.forms import DeadlineForm
from projects.goals.models import Goal, Indicator, Measurement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The model columns: max_digits=14, decimal_places=2, so at most twelve digits before the comma.
MAX_ABS = Decimal("1000000000000")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009_']")


class SwedishDecimalField(forms.Field):
    """A number as Swedes type it: "3,5", "1 250,75", "-2" (a point works too). Refuses NaN,
    Infinity, more than two decimals and numbers too large for the database, in Swedish."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": "40", "autocomplete": "off"})

    def prepare_value(self, value):
        from projects.goals.services import sv_number

        if isinstance(value, Decimal):
            return sv_number(value).replace("\u00a0", " ")
        return value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > 40 or "\x00" in value:
            raise ValidationError(_("Skriv ett tal, till exempel 12 eller 3,5."), code="invalid")
        text = _SPACES.sub("", value).replace(",", ".").replace("\u2212", "-")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValidationError(_("Skriv ett tal, till exempel 12 eller 3,5."), code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Skriv ett tal, till exempel 12 eller 3,5."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Skriv ett tal, till exempel 12 eller 3,5."), code="invalid")
        if abs(number) >= MAX_ABS:
            raise ValidationError(_("Talet är för stort: högst tolv siffror före decimalkommat."), code="max")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("Högst två decimaler."), code="decimals")
        return number.quantize(Decimal("0.01"))


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "specific", "measurable", "realistic", "due_date"]
        labels = {
            "title": _("Mål"),
            "description": _("Beskrivning"),
            "specific": _("Specifikt: målet säger konkret vad som ska uppnås"),
            "measurable": _("Mätbart: det går att följa upp om målet nås"),
            "realistic": _("Realistiskt: målet går att nå med de resurser som finns"),
            "due_date": _("Klart senast (tidsatt)"),
        }
        error_messages = {"title": {"required": _("Skriv målet.")}}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_date": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["maxlength"] = 300
        self.fields["description"].widget.attrs["maxlength"] = 5000

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Skriv målet."), code="required")
        return title


class IndicatorForm(forms.ModelForm):
    baseline = SwedishDecimalField(label=_("Nulägesvärde"))
    target = SwedishDecimalField(label=_("Målvärde"))

    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "baseline_date", "target", "target_date"]
        labels = {
            "name": _("Indikator"),
            "unit": _("Enhet"),
            "baseline_date": _("Nulägesbild per"),
            "target_date": _("Målvärdet nås senast"),
        }
        help_texts = {
            "unit": _("Till exempel deltagare, procent, timmar eller kronor."),
        }
        widgets = {"baseline_date": DATE_WIDGET, "target_date": DATE_WIDGET}
        error_messages = {
            "name": {"required": _("Skriv vad indikatorn mäter.")},
            "unit": {"required": _("Ange en enhet: ett mätvärde utan enhet går inte att följa upp.")},
            "baseline_date": {"required": _("Ange datum för nulägesbilden.")},
            "target_date": {"required": _("Ange när målvärdet ska vara nått.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline"].error_messages["required"] = _("Ange nulägesvärdet (nulägesbilden).")
        self.fields["target"].error_messages["required"] = _("Ange målvärdet.")
        self.fields["name"].widget.attrs["maxlength"] = 300
        self.fields["unit"].widget.attrs["maxlength"] = 50

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Skriv vad indikatorn mäter."), code="required")
        return name

    def clean_unit(self):
        unit = self.cleaned_data["unit"].strip()
        if not unit:
            raise ValidationError(_("Ange en enhet: ett mätvärde utan enhet går inte att följa upp."), code="required")
        return unit

    def clean(self):
        cleaned = super().clean()
        baseline_date, target_date = cleaned.get("baseline_date"), cleaned.get("target_date")
        if baseline_date and target_date and target_date <= baseline_date:
            self.add_error(
                "target_date",
                ValidationError(
                    _("Målvärdet måste nås efter nulägesbildens datum (%(date)s)."),
                    params={"date": baseline_date.isoformat()},
                    code="order",
                ),
            )
        if self.instance.pk and baseline_date:
            first = self.instance.measurements.order_by("measured_on").values_list("measured_on", flat=True).first()
            if first and first < baseline_date:
                self.add_error(
                    "baseline_date",
                    ValidationError(
                        _("Det finns mätvärden från %(date)s. Nulägesbilden kan inte vara senare än det första."),
                        params={"date": first.isoformat()},
                        code="after_measurements",
                    ),
                )
        return cleaned

    def validate_constraints(self, exclude=None):
        # clean() already checked the dates, with a clearer message on the field.
        pass


class MeasurementForm(forms.ModelForm):
    value = SwedishDecimalField(label=_("Värde"))

    class Meta:
        model = Measurement
        fields = ["value", "measured_on", "note"]
        labels = {"measured_on": _("Mätdatum"), "note": _("Kommentar")}
        widgets = {"measured_on": DATE_WIDGET}
        error_messages = {"measured_on": {"required": _("Ange mätdatum.")}}

    def __init__(self, *args, indicator, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["required"] = _("Ange ett värde.")
        self.fields["value"].label = _("Värde (%(unit)s)") % {"unit": indicator.unit}
        self.fields["note"].widget.attrs["maxlength"] = 500

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day < self.indicator.baseline_date:
            raise ValidationError(
                _(
                    "Mätdatum kan inte vara före nulägesbilden (%(date)s). "
                    "Ett äldre värde hör till nulägesbilden: ändra den i stället."
                ),
                params={"date": self.indicator.baseline_date.isoformat()},
                code="before_baseline",
            )
        if day > timezone.localdate():
            raise ValidationError(_("Mätdatum kan inte vara i framtiden."), code="future")
        return day


class MeasureByForm(DeadlineForm):
    """The date by which every indicator of a goal is to be measured again ("mät senast"), set by a
    coordinator: only for a goal with indicators to measure."""

    def __init__(self, data=None, *, goal, **kwargs):
        self.goal = goal
        super().__init__(
            data,
            current=goal.measure_by,
            label=_("Mät senast"),
            help_text=_("Den dag då varje indikator ska ha fått ett nytt mätvärde."),
            auto_id=f"g{goal.pk}-measure-%s",
            **kwargs,
        )

    def clean_date(self):
        day = super().clean_date()
        if day is not None and day != self.current and not self.goal.indicators.all():
            raise ValidationError(
                _("Målet har inga indikatorer att mäta. Lägg till en indikator först."), code="no_indicators"
            )
        return day
