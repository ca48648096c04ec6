"""Amounts in the Swedish format, in and out: 1 234 567,50 (a space between thousands, a decimal comma).

Written here rather than with Django's localisation (``localize=True``), which reads "12.50" as twelve
and a half and "1.500" as one and a half: a board member who writes a point has meant either, and the
budget must not guess. ``parse_amount`` refuses a point with a message that says what to write instead.
The format is Swedish in both languages of the interface: the amounts are in kronor, and a number
copied between the Swedish and the English pages stays the same.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GROUP_SEPARATOR = "\u00a0"  # between thousands in output: a non-breaking space, so an amount never wraps
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"^[-−]?\d+(,\d+)?$")
_UNIT = re.compile(r"\s*(kr|kronor|sek|:-)\.?$", re.IGNORECASE)


def parse_amount(text):
    """The Decimal written in ``text`` ("12 500,50", "12500", "12 500 kr"), or ValidationError with a
    message in plain Swedish; None for an empty text."""
    raw = (text or "").strip() if isinstance(text, str) else text
    if raw in (None, ""):
        return None
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    body = _UNIT.sub("", raw)
    body = _SPACES.sub("", body)
    if "." in body:
        raise ValidationError(
            _(
                "Skriv belopp med komma före decimalerna och mellanslag mellan tusentalen, till exempel 12 500,50. "
                "Punkt används inte."
            ),
            code="point",
        )
    if body.count(",") > 1:
        raise ValidationError(_("Skriv bara ett kommatecken, före decimalerna, till exempel 12 500,50."), code="commas")
    if not _NUMBER.match(body):
        raise ValidationError(_("Skriv ett belopp med siffror, till exempel 12 500 eller 12 500,50."), code="invalid")
    return Decimal(body.replace("−", "-").replace(",", "."))  # the pattern above lets only digits through


def format_amount(value, decimals=None, *, group=GROUP_SEPARATOR):
    """``value`` in the Swedish format: "1 234 567,50". ``decimals``: the number of decimals to show
    (None: none for a whole number, otherwise two). None and "" give ""."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 2
    rounded = f"{abs(value):,.{decimals}f}"  # "1,234,567.50"
    whole, _dot, fraction = rounded.partition(".")
    text = whole.replace(",", group) + ("," + fraction if fraction else "")
    return ("−" if value < 0 and Decimal(rounded.replace(",", "")) != 0 else "") + text


class AmountInput(forms.TextInput):
    """A text field (not type=number, whose browsers refuse the comma), with the decimal keyboard on a phone."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})


class AmountField(forms.DecimalField):
    """A DecimalField that reads and shows the Swedish format (see the module). Not negative and at
    most ``max_value`` (ten billion kronor by default) unless told otherwise, with messages that say
    what to write."""

    widget = AmountInput
    default_max = Decimal("10000000000")

    def __init__(self, *, max_value=None, min_value=Decimal(0), max_digits=14, decimal_places=2, **kwargs):
        super().__init__(
            max_value=self.default_max if max_value is None else max_value,
            min_value=min_value,
            max_digits=max_digits,
            decimal_places=decimal_places,
            **kwargs,
        )
        self.error_messages.update(
            {
                "min_value": _("Skriv ett belopp som är %(limit_value)s eller mer."),
                "max_value": _("Beloppet är orimligt stort. Skriv högst %(limit_value)s."),
                "max_decimal_places": _("Skriv högst %(max)s decimaler."),
                "max_digits": _("Beloppet är orimligt stort."),
                "max_whole_digits": _("Beloppet är orimligt stort."),
            }
        )
        # The limits in the messages in the Swedish format too.
        for validator in self.validators:
            if hasattr(validator, "limit_value") and isinstance(validator.limit_value, Decimal):
                validator.message = self.error_messages["min_value" if validator.code == "min_value" else "max_value"]
                validator.limit_value = _FormattedLimit(validator.limit_value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_amount(value)

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)):
            return format_amount(value, group=" ")
        return value


class _FormattedLimit(Decimal):
    """A limit that compares as its Decimal and prints in the Swedish format in the message."""

    def __str__(self):
        return format_amount(self, group=" ")
