"""Two grants to the same organisation recorded at the same moment, which together would cross the
ceiling: one is recorded, the other refused (the recipient's row is locked before the sum). Real
threads, real connections, PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from projects.state_aid import queries
from projects.state_aid import services as aid
from projects.state_aid.models import AidGrant, AidRecipient
from tests.factories import collaboration_with_people
from tests.state_aid.helpers import GEMENSKAP_NR, grant, with_numbers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
@pytest.mark.parametrize(("round_", "known_before"), [(0, False), (1, True), (2, False), (3, True)])
def test_two_grants_at_once_do_not_both_cross_the_ceiling(round_, known_before):
    """``known_before``: the recipient has a lock row already (an earlier grant); otherwise both threads
    create it at the same moment."""
    collaboration, users = collaboration_with_people()
    kommun, _party = with_numbers(collaboration)
    if known_before:
        grant(kommun, users["coordinator"], eur=100, on=date(2026, 1, 1))
    barrier = threading.Barrier(2)
    results = {}

    def record(name):
        try:
            barrier.wait(timeout=10)
            results[name] = grant(kommun, users["coordinator"], eur=200_000, on=date(2026, 6, 1))
        except aid.CeilingExceeded as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["CeilingExceeded", "Recorded"], results
    assert queries.totals(GEMENSKAP_NR, date(2026, 6, 1)).general == Decimal(200_000) + (100 if known_before else 0)
    assert AidGrant.objects.filter(amount_eur=200_000).count() == 1
    assert AidRecipient.objects.filter(org_number=GEMENSKAP_NR).count() == 1
