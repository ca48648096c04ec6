from django import template

from projects.common.amounts import format_amount

register = template.Library()


@register.filter
def amount(value, decimals=None):
    """1234567.5 → "1 234 567,50" (non-breaking spaces). ``decimals``: as many decimals, e.g. ``|amount:0``."""
    return format_amount(value, None if decimals in (None, "") else int(decimals))


@register.filter
def kronor(value, decimals=None):
    """1234567.5 → "1 234 567,50 kr"; "" for no value."""
    text = format_amount(value, None if decimals in (None, "") else int(decimals))
    return f"{text}\u00a0kr" if text else ""
