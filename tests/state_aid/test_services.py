"""The rules of de minimis aid: the rolling three years, the two ceilings and their cumulation, the
conversion to euro, the warning at 80 %, the reason required beyond a ceiling, the events."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from projects.core.models import Event, Sector
from projects.organisations.models import OrganisationEvent
from projects.state_aid import queries
from projects.state_aid import services as aid
from projects.state_aid.models import AidEvent, AidGrant, AidRecipient, Ground
from tests.factories import make_organisation
from tests.state_aid.helpers import GEMENSKAP_NR, grant, with_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    collaboration, users = people
    kommun, party = with_numbers(collaboration)
    return collaboration, users["coordinator"], kommun, party


def test_the_three_years_end_on_the_day_and_start_the_day_after_three_years_earlier():
    assert queries.window_start(date(2026, 3, 1)) == date(2023, 3, 2)
    assert queries.window_start(date(2028, 2, 29)) == date(2025, 3, 1)  # a leap day: from 1 March
    assert queries.window_start(date(2026, 1, 1)) == date(2023, 1, 2)  # rolling, not calendar years


def test_the_window_is_rolling_at_its_boundaries(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=1000, on=date(2023, 3, 1))  # three years before 2026-03-01: outside
    grant(kommun, anna, eur=200, on=date(2023, 3, 2))  # the first day inside
    grant(kommun, anna, eur=30, on=date(2026, 3, 1))  # the last day inside
    grant(kommun, anna, eur=4, on=date(2026, 3, 2))  # after: outside
    assert queries.totals(GEMENSKAP_NR, date(2026, 3, 1)).general == Decimal(230)
    assert queries.totals(GEMENSKAP_NR, date(2026, 3, 2)).general == Decimal(34)


def test_kronor_become_euro_at_the_rate_rounded_half_up_to_the_cent():
    assert aid.to_eur(Decimal("100"), Decimal("11.2345")) == Decimal("8.90")
    assert aid.to_eur(Decimal("1"), Decimal("8")) == Decimal("0.13")  # 0.125
    assert aid.to_eur(Decimal("3360000"), Decimal("11.2")) == Decimal("300000.00")


def test_the_grant_stores_the_euro_and_counts_them(world):
    collaboration, anna, kommun, _party = world
    recorded = aid.record_grant(
        granted_by=kommun,
        org_number="8020000009",  # normalised
        ground=Ground.GENERAL,
        amount_sek=Decimal("250000"),
        sek_per_eur=Decimal("11.4512"),
        granted_on=date(2026, 5, 1),
        description="Bidrag",
        user=anna,
        collaboration=collaboration,
    )
    g = recorded.grant
    assert g.recipient_org_number == GEMENSKAP_NR
    assert g.recipient.name == "Föreningen Gemenskap"  # linked to the organisation with that number
    assert g.amount_eur == Decimal("21831.77")
    assert AidRecipient.objects.filter(org_number=GEMENSKAP_NR).count() == 1


def test_general_aid_stays_under_its_own_ceiling(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=290_000)
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=10_001)
    grant(kommun, anna, eur=10_000)  # exactly at the ceiling: allowed
    assert queries.totals(GEMENSKAP_NR, date(2026, 6, 1)).general == Decimal(300_000)


def test_sgei_aid_cumulates_with_general_aid_up_to_the_sgei_ceiling(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=290_000)
    grant(kommun, anna, eur=450_000, ground=Ground.SGEI)  # together 740,000: under 750,000
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=15_000, ground=Ground.SGEI)  # together 755,000
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=10_001)  # general over its own 300,000
    grant(kommun, anna, eur=10_000, ground=Ground.SGEI)  # together exactly 750,000


def test_general_aid_counts_against_the_sgei_ceiling_too(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=700_000, ground=Ground.SGEI)
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=60_000)  # 60,000 general is under 300,000, but together 760,000
    totals = queries.totals(GEMENSKAP_NR, date(2026, 6, 1))
    assert (totals.general, totals.sgei, totals.combined) == (0, 700_000, 700_000)


def test_sgei_aid_alone_may_go_beyond_the_general_ceiling(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=500_000, ground=Ground.SGEI)
    assert queries.totals(GEMENSKAP_NR, date(2026, 6, 1)).lines[0].level == "ok"


def test_the_three_years_ending_today_count_too(world):
    """A grant dated in the past fits the three years ending on its date, but not those ending today,
    which also hold a later grant."""
    _collaboration, anna, kommun, _party = world
    today = timezone.localdate()
    grant(kommun, anna, eur=250_000, on=today - timedelta(days=10))
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=100_000, on=today - timedelta(days=100))


def test_a_reason_lets_a_grant_go_beyond_the_ceiling_and_is_kept(world):
    _collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=299_000)
    with pytest.raises(aid.CeilingExceeded) as refused:
        grant(kommun, anna, eur=2_000)
    assert "301 000,00 euro" in refused.value.messages[0].replace("\u00a0", " ")
    recorded = grant(kommun, anna, eur=2_000, reason="Lämnas enligt gruppundantaget.")
    assert recorded.grant.over_ceiling_reason == "Lämnas enligt gruppundantaget."
    assert recorded.totals.level == "over"
    with pytest.raises(aid.CeilingExceeded):
        grant(kommun, anna, eur=1, reason="   ")  # blank is no reason


def test_a_warning_from_80_percent(world):
    _collaboration, anna, kommun, _party = world
    today = timezone.localdate()
    assert not grant(kommun, anna, eur=239_999, on=today).warning
    assert grant(kommun, anna, eur=1, on=today).warning  # 240,000 = 80 %
    line = queries.totals(GEMENSKAP_NR).lines[0]
    assert (line.percent, line.level) == (80, "warning")


def test_events_in_the_collaboration_and_in_the_organisations_history(world):
    collaboration, anna, kommun, _party = world
    grant(kommun, anna, eur=1000, collaboration=collaboration)
    event = Event.objects.get(collaboration=collaboration, kind=AidEvent.GRANT_RECORDED)
    assert event.subject == "Föreningen Gemenskap"
    assert "10 000,00 kr" in event.detail.replace("\u00a0", " ")
    grant(kommun, anna, eur=500, number="802000-1239", recipient_name="Idrottsklubben Framåt")
    history = OrganisationEvent.objects.get(organisation=kommun, kind=aid.ORGANISATION_KIND)
    assert history.subject == "Idrottsklubben Framåt (802000-1239)"
    assert history.get_kind_label() == "Stöd av mindre betydelse registrerat"


def test_what_the_data_refuses(world):
    _collaboration, anna, kommun, party = world
    with pytest.raises(ValidationError):
        grant(party.organisation, anna, eur=10)  # a civil-society organisation grants no aid
    with pytest.raises(ValidationError):
        grant(kommun, anna, eur=10, number="802000-0008")  # wrong check digit
    with pytest.raises(ValidationError):
        grant(kommun, anna, eur=10, number="802000-1239", recipient_name="")  # unknown and nameless
    with pytest.raises(ValidationError):
        grant(kommun, anna, eur=10, number="212000-1355")  # to itself
    assert not AidGrant.objects.exists()


def test_totals_for_many_recipients_in_one_statement(world, django_assert_num_queries):
    _collaboration, anna, kommun, _party = world
    region = make_organisation("Region Exempel", Sector.REGION)
    grant(kommun, anna, eur=100)
    grant(region, anna, eur=50, ground=Ground.SGEI)
    grant(kommun, anna, eur=7, number="802000-1239", recipient_name="Idrottsklubben Framåt")
    with django_assert_num_queries(1):
        found = queries.totals_for([GEMENSKAP_NR, "802000-1239", "556677-8899"], date(2026, 6, 1))
    assert (found[GEMENSKAP_NR].general, found[GEMENSKAP_NR].sgei) == (100, 50)
    assert found["802000-1239"].general == 7
    assert found["556677-8899"].combined == 0


def test_a_grant_dated_back_may_not_take_a_later_grants_three_years_over_the_ceiling(world):
    """The three years ending on a later grant's date hold an early grant that the three years ending
    today no longer hold: the grant dated back in between is checked against those too."""
    _collaboration, anna, kommun, _party = world
    today = timezone.localdate()
    early = queries.window_start(today) - timedelta(days=20)  # outside the three years ending today
    later = queries.window_end(early) - timedelta(days=10)  # its three years still hold the early one
    grant(kommun, anna, eur=150_000, on=early)
    grant(kommun, anna, eur=140_000, on=later)
    with pytest.raises(aid.CeilingExceeded) as refused:
        grant(kommun, anna, eur=20_000, on=early + timedelta(days=400))
    assert formats.date_format(later, "j F Y") in refused.value.messages[0]
    assert queries.totals(GEMENSKAP_NR, today).general == 140_000  # today's three years: only the later one


@pytest.mark.parametrize("start", [date(2024, 2, 29), date(2023, 3, 1), date(2026, 12, 31)])
def test_the_end_of_three_years_is_the_inverse_of_their_start(start):
    assert queries.window_start(queries.window_end(start)) == start


def test_the_running_totals_equal_the_sums_of_the_grants_in_every_three_years(world):
    """Grants recorded in a shuffled order of dates (some dated back, two on one day): the totals read
    from the running sums equal the plain sums of the grants inside each three years, for every end."""
    import random

    _collaboration, anna, kommun, _party = world
    today = timezone.localdate()
    rng = random.Random(17)
    days = [today - timedelta(days=d) for d in rng.sample(range(0, 6 * 365), 25)] + [today - timedelta(days=40)]
    rng.shuffle(days)
    recorded = []
    for n, day in enumerate(days):
        ground = Ground.SGEI if n % 3 == 0 else Ground.GENERAL
        grant(kommun, anna, eur=1000 + n, on=day, ground=ground, reason="Testdata")
        recorded.append((day, ground, Decimal(1000 + n)))
    for until in sorted({day for day, _g, _e in recorded} | {today, today - timedelta(days=700)}):
        start = queries.window_start(until)
        inside = [(g, e) for day, g, e in recorded if start <= day <= until]
        expected_general = sum((e for g, e in inside if g == Ground.GENERAL), Decimal(0))
        expected_sgei = sum((e for g, e in inside if g == Ground.SGEI), Decimal(0))
        totals = queries.totals(GEMENSKAP_NR, until)
        assert (totals.general, totals.sgei) == (expected_general, expected_sgei), until
        assert queries.totals_for([GEMENSKAP_NR, "556036-0793"], until)[GEMENSKAP_NR] == totals
    assert queries.totals_for(["556036-0793"])["556036-0793"].combined == 0  # no grants: no row, zeros
