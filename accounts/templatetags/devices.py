"""The list of logged-in devices in words: "Chrome på Windows" instead of the raw user agent (ua-parser,
the maintained port of the uap-core rules)."""

from functools import lru_cache

from django import template
from django.utils.translation import gettext as _
from ua_parser import parse

register = template.Library()

# ua-parser's names where people know another one.
NAMES = {"Mac OS X": "macOS", "Mobile Safari": "Safari", "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome"}


@lru_cache(maxsize=256)
def _names(user_agent):
    result = parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent and result.user_agent.family != "Other" else ""
    system = result.os.family if result.os and result.os.family != "Other" else ""
    return NAMES.get(browser, browser), NAMES.get(system, system)


@register.filter
def device(user_agent):
    """'Chrome på Windows', 'Safari på iOS', or what is known of it; 'Okänd webbläsare' otherwise."""
    browser, system = _names(user_agent or "")
    if browser and system:
        return _("%(browser)s på %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Okänd webbläsare")
