"""Do the de minimis running totals cost the same number of queries whether a municipality is in 1
collaboration or in 200, and does the total of an organisation with 1,000 grants take about as long as
one with 10?

    .venv/bin/python bench/state_aid.py [--small 1] [--large 200] [--few 10] [--many 1000]
                                        [--repeat 200] [--sqlite] [--check]

1. One scratch database (PostgreSQL ``samverkan_bench_state_aid``, or a temporary SQLite file with
   --sqlite): migrated, the guides loaded, and two municipalities, one in --small collaborations and
   one in --large, each collaboration with a förening of its own and five grants to it (made in
   bulk). Two more recipients: one with --few grants, one with --many, spread over six years from
   four granting municipalities, and 20,000 grants to 2,000 other recipients around them, so that
   the index on (recipient_org_number, granted_on) has something to find them in. The measured
   person is a member of both municipalities and coordinates one collaboration of each.
2. The pages are requested in this process with Django's test Client, the sizes taking turns (the
   order reversed every other round; the first round not measured): a collaboration's page
   ("Stöd av mindre betydelse"), the municipality's page, its page with a lookup, and the export.
   Query counts must be equal at both sizes (the export writes every row: its time grows, its
   query count must not).
3. The running total itself (projects.state_aid.queries.totals, one aggregate in the database) is
   timed --repeat times for the recipient with --few grants and the one with --many, taking turns;
   the goal: the median with many at most 1.3 times the median with few. The lookup page (which
   shows that total) is timed likewise.
4. The database is dropped at the end (unless --keep-database), also on errors and Ctrl-C.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PG_SERVER,
    Guard,
    People,
    create_database,
    drop_database,
    machine_line,
    make_session,
    migrate_and_load_guides,
    setup_django,
    signed_in_client,
    timed_get,
)

DATABASE = "samverkan_bench_state_aid"
TOTAL_TIME_GOAL = 1.3


def org_number(prefix, n):
    """A valid organisationsnummer (Luhn check digit) from a two-digit prefix and a serial."""
    from projects.common.validators import luhn_ok

    body = f"{prefix}{n:07d}"
    check = next(d for d in range(10) if luhn_ok(body + str(d)))
    return f"{body[:6]}-{body[6:]}{check}"


# Building the data -------------------------------------------------------------------------------


def _grants(rows):
    """Bulk-create ``rows`` as record_grant would leave them: each recipient's running sums in the order
    (granted_on, pk) and its lock row."""
    from projects.state_aid.models import AidGrant, AidRecipient, Ground

    rows = sorted(rows, key=lambda g: (g.recipient_org_number, g.granted_on))
    sums = {}
    for grant in rows:
        general, sgei = sums.get(grant.recipient_org_number, (Decimal(0), Decimal(0)))
        if grant.ground == Ground.GENERAL:
            general += grant.amount_eur
        else:
            sgei += grant.amount_eur
        grant.running_general, grant.running_sgei = sums[grant.recipient_org_number] = general, sgei
    AidRecipient.objects.bulk_create(
        [AidRecipient(org_number=number) for number in sums], ignore_conflicts=True, batch_size=2000
    )
    AidGrant.objects.bulk_create(rows, batch_size=2000)


def _grant(granted_by, number, name, on, *, collaboration=None, n=0):
    from projects.state_aid.models import AidGrant, Ground

    sek = Decimal(1000 + (n * 37) % 9000)
    return AidGrant(
        recipient_org_number=number,
        recipient_name=name,
        granted_by=granted_by,
        collaboration=collaboration,
        ground=Ground.SGEI if n % 4 == 0 else Ground.GENERAL,
        amount_sek=sek,
        sek_per_eur=Decimal("11.2000"),
        amount_eur=(sek / Decimal("11.2")).quantize(Decimal("0.01")),
        granted_on=on,
        description=f"Bidrag {n}",
    )


def build_municipality(label, count, person, today):
    from projects.core.models import Collaboration, Membership, Organisation, Party, Role, Sector
    from projects.organisations.models import OrganisationMember, OrgRole
    from projects.state_aid.models import AidRecipient

    serial = {"small": 1, "large": 2}[label]
    kommun = Organisation.objects.create(
        name=f"Kommun med {count} samverkan", sector=Sector.KOMMUN, org_number=org_number("21", serial)
    )
    OrganisationMember.objects.create(
        organisation=kommun, user=person, role=OrgRole.ADMIN, joined_via=OrganisationMember.Via.STAFF
    )
    foreningar = Organisation.objects.bulk_create(
        Organisation(
            name=f"Förening {label}-{n}", sector=Sector.IDEELL_FORENING, org_number=org_number(f"8{serial}", n)
        )
        for n in range(count)
    )
    collaborations = Collaboration.objects.bulk_create(
        Collaboration(title=f"Samverkan {label}-{n:04}", start_date=today - timedelta(days=400)) for n in range(count)
    )
    ours = Party.objects.bulk_create(
        Party(collaboration=c, organisation=kommun, is_coordinating=True) for c in collaborations
    )
    Party.objects.bulk_create(
        Party(collaboration=c, organisation=f) for c, f in zip(collaborations, foreningar, strict=True)
    )
    Membership.objects.create(collaboration=collaborations[0], party=ours[0], user=person, role=Role.COORDINATOR)
    AidRecipient.objects.bulk_create(AidRecipient(org_number=f.org_number) for f in foreningar)
    _grants(
        _grant(kommun, f.org_number, f.name, today - timedelta(days=90 * k), collaboration=c, n=k)
        for c, f in zip(collaborations, foreningar, strict=True)
        for k in range(5)
    )
    return {"kommun": kommun.pk, "collaboration": collaborations[0].pk}


def build_all(args):
    from django.utils import timezone

    from projects.core.models import Organisation, Sector
    from projects.state_aid.models import AidRecipient

    migrate_and_load_guides()
    today = timezone.localdate()
    person = People(prefix="aid").user("Maja Mätt")
    sizes = {
        label: build_municipality(label, count, person, today)
        for label, count in (("small", args.small), ("large", args.large))
    }
    granters = Organisation.objects.bulk_create(
        Organisation(name=f"Givare {n}", sector=Sector.KOMMUN, org_number=org_number("22", n)) for n in range(4)
    )
    # The noise: 20,000 grants to 2,000 other recipients over six years.
    others = [org_number("83", n) for n in range(2000)]
    AidRecipient.objects.bulk_create(AidRecipient(org_number=n) for n in others)
    _grants(
        _grant(granters[n % 4], others[n % 2000], f"Mottagare {n % 2000}", today - timedelta(days=(n * 7) % 2190), n=n)
        for n in range(20000)
    )
    recipients = {}
    for label, count in (("few", args.few), ("many", args.many)):
        number = org_number("84", count)
        AidRecipient.objects.create(org_number=number)
        _grants(
            _grant(granters[n % 4], number, f"Mottagare med {count}", today - timedelta(days=(n * 2190) // count), n=n)
            for n in range(count)
        )
        recipients[label] = number
    return {"session": make_session(person), "sizes": sizes, "recipients": recipients}


# Measuring -------------------------------------------------------------------------------------


def urls(size):
    from django.urls import reverse

    org_page = reverse("projects:org_state_aid", args=[size["kommun"]])
    return {
        "collaboration page": reverse("projects:state_aid", args=[size["collaboration"]]),
        "organisation page": org_page,
        "page with lookup": f"{org_page}?orgnr={org_number('83', 7)}",
        "export (csv)": reverse("projects:org_state_aid_csv", args=[size["kommun"]]),
    }


def measure_pages(data, repeat):

    client = signed_in_client(data["session"])
    paths = {size: urls(ids) for size, ids in data["sizes"].items()}
    times = {size: {name: [] for name in paths[size]} for size in paths}
    counts = {size: {} for size in paths}
    for number in range(repeat + 1):
        for size in ("small", "large") if number % 2 == 0 else ("large", "small"):
            for name, path in paths[size].items():
                elapsed, count, _response = timed_get(client, path)
                if number:
                    times[size][name].append(elapsed)
                    counts[size].setdefault(name, set()).add(count)
    return times, counts


def measure_totals(data, repeat):
    """{"few"/"many": [seconds of queries.totals]}, {"few"/"many": [seconds of the lookup page]}, totals."""
    from django.urls import reverse

    from projects.state_aid import queries

    client = signed_in_client(data["session"])
    page = reverse("projects:org_state_aid", args=[data["sizes"]["small"]["kommun"]])
    total_times = {"few": [], "many": []}
    page_times = {"few": [], "many": []}
    shown = {}
    for number in range(repeat + 1):
        for label in ("few", "many") if number % 2 == 0 else ("many", "few"):
            org = data["recipients"][label]
            began = time.perf_counter()
            shown[label] = queries.totals(org)
            elapsed = time.perf_counter() - began
            if number:
                total_times[label].append(elapsed)
            if number % 10 == 0:  # the page ten times less often: it is the same aggregate and a page around it
                elapsed, _count, _response = timed_get(client, f"{page}?orgnr={org}")
                if number:
                    page_times[label].append(elapsed)
    return total_times, page_times, shown


def report(args, data, page_times, page_counts, total_times, lookup_times, shown, started, load_before):
    print()
    print(
        "== Samverkan: de minimis running totals, 1 vs 200 collaborations, 10 vs 1,000 grants (bench/state_aid.py) =="
    )
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine    {machine_line(load_before)}")
    print(f"database   {data['db_label']}")
    print(
        f"sizes      a municipality in {args.small} and one in {args.large} collaborations (5 grants each); "
        f"recipients with {args.few} and {args.many} grants over six years; 20,000 other grants"
    )
    print("client     Django's test Client in this process; medians")
    print()
    header = f"{'url':<20}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'queries':>10}"
    print(header)
    print("-" * len(header))
    unequal = []
    for name in page_times["small"]:
        small, large = (statistics.median(page_times[size][name]) for size in ("small", "large"))
        found = {size: sorted(page_counts[size][name]) for size in ("small", "large")}
        same = found["small"] == found["large"] and len(found["small"]) == 1
        if not same:
            unequal.append(name)
        text = "/".join(",".join(map(str, found[size])) for size in ("small", "large"))
        print(
            f"{name:<20}{small * 1000:>10.1f}{large * 1000:>10.1f}{large / small:>8.2f}{text:>10}{'' if same else ' !'}"
        )
    print()
    few, many = (statistics.median(total_times[label]) for label in ("few", "many"))
    ratio = many / few
    page_few, page_many = (statistics.median(lookup_times[label]) for label in ("few", "many"))
    print(f"{'running total':<20}{'few ms':>10}{'many ms':>10}{'ratio':>8}")
    print(f"{'queries.totals':<20}{few * 1000:>10.2f}{many * 1000:>10.2f}{ratio:>8.2f}   ({args.repeat} each)")
    each = len(lookup_times["few"])
    page_ratio = page_many / page_few
    print(f"{'lookup page':<20}{page_few * 1000:>10.1f}{page_many * 1000:>10.1f}{page_ratio:>8.2f}   ({each} each)")
    print(
        f"(in the three years: {shown['few'].combined:.2f} and {shown['many'].combined:.2f} euro; "
        f"{args.few} and {args.many} grants over six years)"
    )
    print()
    print(
        f"total time ratio many / few: {ratio:.2f}  goal <= {TOTAL_TIME_GOAL}: "
        f"{'met' if ratio <= TOTAL_TIME_GOAL else 'NOT met'}"
    )
    print(f"query counts equal:           {'yes' if not unequal else 'NO: ' + ', '.join(unequal)}")
    return ratio, unequal


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1, help="collaborations of the small municipality (1)")
    parser.add_argument("--large", type=int, default=200, help="collaborations of the large municipality (200)")
    parser.add_argument("--few", type=int, default=10, help="grants of the recipient with few (10)")
    parser.add_argument("--many", type=int, default=1000, help="grants of the recipient with many (1,000)")
    parser.add_argument("--repeat", type=int, default=200, help="timings of the running total per recipient (200)")
    parser.add_argument("--page-repeat", type=int, default=15, help="requests per page and size (15)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{DATABASE}", help="the scratch PostgreSQL database")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args(argv)
    if args.small < 1 or args.large <= args.small or args.few < 1 or args.many <= args.few or args.repeat < 10:
        parser.error("--small and --few positive, --large and --many larger, --repeat at least 10")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    with Guard(600) as guard:  # the hard stop: a normal run takes well under a minute
        db = create_database(args.database_url, sqlite=args.sqlite)
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(db))
        setup_django(db)
        clock = time.monotonic()
        data = build_all(args)
        data["db_label"] = db.label
        if db.vendor == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:  # what autovacuum does after bulk inserts
                cursor.execute("VACUUM ANALYZE")
        print(f"built in {time.monotonic() - clock:.0f} s", flush=True)
        page_times, page_counts = measure_pages(data, args.page_repeat)
        total_times, lookup_times, shown = measure_totals(data, args.repeat)
        ratio, unequal = report(
            args, data, page_times, page_counts, total_times, lookup_times, shown, started, load_before
        )
        return 2 if args.check and (ratio > TOTAL_TIME_GOAL or unequal) else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
