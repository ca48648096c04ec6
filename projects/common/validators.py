"""Swedish organisation numbers (organisationsnummer)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"^\d+$")


def luhn_ok(digits: str) -> bool:
    """Luhn check over a string of digits (the last one is the check digit)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """Return ``NNNNNN-NNNN`` or raise ValidationError.

    Accepts the ten digits with or without the hyphen, spaces, and the twelve-digit form with the
    century prefix "16" that organisations have in some registers.
    """
    raw = (value or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not _DIGITS.match(digits) or len(digits) != 10:
        raise ValidationError(_("Organisationsnumret ska ha tio siffror, till exempel 212000-1355."), code="format")
    if not luhn_ok(digits):
        raise ValidationError(
            _("Organisationsnumret %(value)s har fel kontrollsiffra. Kontrollera att det är rätt skrivet."),
            code="checksum",
            params={"value": raw},
        )
    return f"{digits[:6]}-{digits[6:]}"
