"""What the state-aid tests share: a collaboration of Exempelkommun and Föreningen Gemenskap, both with
organisationsnummer, and a grant with sensible defaults."""

from datetime import date
from decimal import Decimal

from projects.state_aid import services as aid
from projects.state_aid.models import Ground

KOMMUN_NR = "212000-1355"
GEMENSKAP_NR = "802000-0009"


def with_numbers(collaboration):
    """(kommun, gemenskap party) with their organisationsnummer set."""
    kommun = collaboration.parties.get(is_coordinating=True).organisation
    kommun.org_number = KOMMUN_NR
    kommun.save()
    party = collaboration.parties.get(is_coordinating=False)
    party.organisation.org_number = GEMENSKAP_NR
    party.organisation.save()
    return kommun, party


def grant(granted_by, user, *, eur, on=date(2026, 6, 1), ground=Ground.GENERAL, number=GEMENSKAP_NR, **extra):
    """A grant of ``eur`` euro (at 10 kronor per euro, so the kronor are ten times as many)."""
    return aid.record_grant(
        granted_by=granted_by,
        org_number=number,
        recipient_name=extra.pop("recipient_name", "Föreningen Gemenskap"),
        ground=ground,
        amount_sek=Decimal(eur) * 10,
        sek_per_eur=Decimal(10),
        granted_on=on,
        description=extra.pop("description", "Verksamhetsbidrag"),
        user=user,
        **extra,
    )
