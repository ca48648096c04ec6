"""Does the budget page cost the same number of queries, and about the same time, whether the
municipality has 1 collaboration or 200, and whether the budget covers 1 year or 10? The page, the
page for one year (``?ar=``) and the spreadsheet.

    .venv/bin/python bench/budget.py [--large 200] [--years 10] [--repeat 15] [--sqlite] [--keep-database] [--check]

1. It builds one scratch database (PostgreSQL ``samverkan_bench_budget``, or a temporary SQLite
   file with --sqlite): migrated, the guides loaded, and three collaborations measured, each of a
   kommun and a förening with six lines a year (money, premises and staff for the kommun; volunteers,
   staff and other in kind for the förening; the hour kinds with hours, an hourly value and an actual):
   ``1 collab, 1 year``, the only collaboration of its municipality, with a one-year period;
   ``200 collabs, 1 year``, one of --large collaborations of another municipality, every one of them
   with its one year of lines and the measured person a coordinator in all of them; ``1 collab, 10
   years``, the only collaboration of a third municipality, with a ten-year period (--years) and
   lines in every year. The rows are made in bulk.
2. Every URL is requested in this process with Django's test ``Client`` (the question is how the
   page's queries scale; an HTTP server adds the same constant to all). The collaborations take
   turns, the order reversed every other repetition; the first round is not measured.
3. It prints, per URL, the median time for each collaboration, the ratios against ``1 collab, 1
   year`` and the query counts (goal: equal). The ten-year page shows ten times the lines, so its
   time grows with them; its query count must not.
4. The database is dropped at the end (unless --keep-database), also on errors and Ctrl-C.

Exit status: 0, 1 on an error, 2 with --check when the query counts differ.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
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

DATABASE = "samverkan_bench_budget"
FIRST_YEAR = 2026
SIZES = ("1 collab, 1 year", "200 collabs, 1 year", "1 collab, 10 years")


# Building the data -------------------------------------------------------------------------------


def lines_for(collaboration, kommun, forening, years):
    from projects.budget.models import BudgetLine, Kind

    rows = []
    for year in years:
        for party, kind, description, amount, hours in (
            (kommun, Kind.MONEY, "Bidrag till verksamheten", Decimal(400_000), None),
            (kommun, Kind.PREMISES, "Lokal i biblioteket", Decimal(120_000), None),
            (kommun, Kind.STAFF, "Fritidsledare", None, Decimal(800)),
            (forening, Kind.VOLUNTEERS, "Ideella ledare", None, Decimal(1_200)),
            (forening, Kind.STAFF, "Verksamhetsansvarig", None, Decimal(400)),
            (forening, Kind.IN_KIND, "Material", Decimal(15_000), None),
        ):
            rows.append(
                BudgetLine(
                    collaboration=collaboration,
                    party=party,
                    year=year,
                    kind=kind,
                    description=description,
                    planned_amount=amount,
                    actual_amount=amount * Decimal("0.9") if amount else None,
                    planned_hours=hours,
                    actual_hours=hours * Decimal("0.9") if hours else None,
                    hourly_value=Decimal(350) if hours else None,
                )
            )
    return rows


def build(person, count, years, *, seed):
    """``count`` collaborations of a new municipality (each with a förening), the person a
    coordinator in every one, each with ``years`` years of lines; returns the first one's pk."""
    from projects.budget.models import BudgetLine
    from projects.core.models import Collaboration, Membership, Organisation, Party, Role, Sector

    kommun = Organisation.objects.create(name=f"Kommun {seed}", sector=Sector.KOMMUN)
    forening = Organisation.objects.create(name=f"Förening {seed}", sector=Sector.IDEELL_FORENING)
    period = list(range(FIRST_YEAR, FIRST_YEAR + years))
    collaborations = Collaboration.objects.bulk_create(
        Collaboration(
            title=f"Samverkan {seed}-{n:04}",
            start_date=date(period[0], 1, 1),
            end_date=date(period[-1], 12, 31),
        )
        for n in range(count)
    )
    ours = Party.objects.bulk_create(
        Party(collaboration=c, organisation=kommun, is_coordinating=True) for c in collaborations
    )
    theirs = Party.objects.bulk_create(Party(collaboration=c, organisation=forening) for c in collaborations)
    Membership.objects.bulk_create(
        Membership(collaboration=c, party=ours[n], user=person, role=Role.COORDINATOR)
        for n, c in enumerate(collaborations)
    )
    BudgetLine.objects.bulk_create(
        [line for n, c in enumerate(collaborations) for line in lines_for(c, ours[n], theirs[n], period)]
    )
    return collaborations[0].pk


def build_all(args):
    migrate_and_load_guides()
    person = People(prefix="budget").user("Maja Mätt")
    collaborations = {
        SIZES[0]: build(person, 1, 1, seed="liten"),
        SIZES[1]: build(person, args.large, 1, seed="stor"),
        SIZES[2]: build(person, 1, args.years, seed="lång"),
    }
    return {"session": make_session(person), "collaborations": collaborations}


# Measuring -------------------------------------------------------------------------------------


def urls(pk):
    from django.urls import reverse

    page = reverse("projects:budget", args=[pk])
    return {
        "page": page,
        "page, one year": f"{page}?ar={FIRST_YEAR}",
        "spreadsheet": reverse("projects:budget_csv", args=[pk]),
    }


def measure(data, repeat):
    """({size: {url: [seconds]}}, {size: {url: {query counts}}})."""

    client = signed_in_client(data["session"])
    paths = {size: urls(pk) for size, pk in data["collaborations"].items()}
    times = {size: {name: [] for name in paths[size]} for size in paths}
    queries = {size: {} for size in paths}
    for number in range(repeat + 1):
        order = SIZES if number % 2 == 0 else tuple(reversed(SIZES))
        for size in order:
            for name, path in paths[size].items():
                elapsed, count, _response = timed_get(client, path)
                if number:  # the first round fills the caches (the session, the guide content)
                    times[size][name].append(elapsed)
                    queries[size].setdefault(name, set()).add(count)
    return times, queries


def report(args, data, times, queries, started, load_before):
    base = SIZES[0]
    print()
    print("== Samverkan: the budget page with 1 and 200 collaborations, 1 and 10 years (bench/budget.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine    {machine_line(load_before)}")
    print(f"database   {data['db_label']}")
    print(
        f"sizes      1 of 1 collaboration, 1 year; 1 of {args.large}, 1 year; 1 of 1, {args.years} years; 6 lines/year"
    )
    print(f"client     Django's test Client in this process; {args.repeat} requests per URL and size; medians")
    print()
    header = f"{'url':<16}" + "".join(f"{size:>22}" for size in SIZES) + f"{'queries':>14}"
    print(header)
    print("-" * len(header))
    unequal = []
    for name in times[base]:
        medians = {size: statistics.median(times[size][name]) for size in SIZES}
        cells = []
        for size in SIZES:
            ms = medians[size] * 1000
            cells.append(f"{ms:.1f} ms" if size == base else f"{ms:.1f} ms (×{medians[size] / medians[base]:.2f})")
        counts = [sorted(queries[size][name]) for size in SIZES]
        same = all(c == counts[0] for c in counts) and len(counts[0]) == 1
        if not same:
            unequal.append(name)
        shown = "/".join(",".join(map(str, c)) for c in counts)
        print(f"{name:<16}" + "".join(f"{cell:>22}" for cell in cells) + f"{shown:>14}{'' if same else ' !'}")
    print()
    print(f"query counts equal: {'yes' if not unequal else 'NO: ' + ', '.join(unequal)}")
    print(
        f"(the {args.years}-year page shows {args.years} times the lines: its time grows with them, "
        "its query count must not)"
    )
    return unequal


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, default=200, help="collaborations of the large municipality (200)")
    parser.add_argument("--years", type=int, default=10, help="years of the long collaboration (10)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per URL and size (15)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{DATABASE}", help="the scratch PostgreSQL database")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    parser.add_argument("--check", action="store_true", help="exit with 2 when the query counts differ")
    args = parser.parse_args(argv)
    if args.large < 2 or args.years < 2 or args.repeat < 1:
        parser.error("--large and --years must be at least 2, --repeat positive")
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

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"built in {time.monotonic() - clock:.0f} s", flush=True)
        times, queries = measure(data, args.repeat)
        unequal = report(args, data, times, queries, started, load_before)
        return 2 if args.check and unequal else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
