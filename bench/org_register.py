"""Does an organisation's register of collaborations cost the same number of queries, and about
the same time, whether the organisation is a party in 10 collaborations or in 1,000? The register
page, the page with every filter set, and the spreadsheet (every row: it grows with the rows, but
its query count must not).

    .venv/bin/python bench/org_register.py [--small 10] [--large 1000] [--repeat 15] [--sqlite] [--check]

1. It builds one scratch database (PostgreSQL ``samverkan_bench_org_register``, or a temporary
   SQLite file with --sqlite): migrated, the guides loaded, and two municipalities, one a party in
   --small and one in --large collaborations, made in bulk with the same mix: every form and none,
   periods that have ended, end soon and end later, one party in five pending, one collaboration
   in seven archived, agreements in every state (one in four without), decided versions with the
   municipality's decision and record number. The measured person administers both and is a
   member of one collaboration in three. Both sizes live in the same database, so the database's
   own size is the same for both.
2. Every URL is requested in this process with Django's test ``Client`` (the question is how the
   register's queries scale; an HTTP server adds the same constant to both sizes). The sizes take
   turns, the order reversed every other repetition; the first round is not measured.
3. It prints, per URL, the median time at each size, their ratio and the query counts (goal:
   equal). The page's time ratio has a goal of at most 2: the small organisation's page shows its
   10 rows, the large one's a full page of 20, each row with its subqueries (the filtered page
   shows a handful at either size, and is the fairer comparison).
4. The database is dropped at the end (unless --keep-database), also on errors and Ctrl-C.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
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

DATABASE = "samverkan_bench_org_register"
PAGE_TIME_GOAL = 2.0


# Building the data -------------------------------------------------------------------------------


def build(organisation, person, count, *, seed):
    """``count`` collaborations in which ``organisation`` is a party (with a förening), in bulk."""
    from django.utils import timezone

    from guides.models import CollaborationForm
    from projects.agreements.models import Agreement, AgreementVersion, Decision, PartyRecord
    from projects.core.models import Collaboration, Membership, Organisation, Party, PartyStatus, Phase, Role, Sector

    today = timezone.localdate()
    forms = [*CollaborationForm.objects.order_by("pk"), None]
    phases = list(Phase.values)
    foreningar = Organisation.objects.bulk_create(
        Organisation(name=f"Förening {seed}-{n}", sector=Sector.IDEELL_FORENING) for n in range(max(count // 10, 1))
    )
    collaborations = Collaboration.objects.bulk_create(
        Collaboration(
            title=f"Samverkan {seed}-{n:04}",
            form=forms[n % len(forms)],
            phase=phases[n % len(phases)],
            start_date=today - timedelta(days=400),
            end_date=today + timedelta(days=(37 * n) % 900 - 200),
            archived=n % 7 == 0,
        )
        for n in range(count)
    )
    ours = Party.objects.bulk_create(
        Party(
            collaboration=collaboration,
            organisation=organisation,
            is_coordinating=True,
            status=PartyStatus.PENDING if n % 5 == 0 else PartyStatus.ACCEPTED,
        )
        for n, collaboration in enumerate(collaborations)
    )
    Party.objects.bulk_create(
        Party(collaboration=collaboration, organisation=foreningar[n % len(foreningar)])
        for n, collaboration in enumerate(collaborations)
    )
    Membership.objects.bulk_create(
        Membership(collaboration=collaboration, party=ours[n], user=person, role=Role.EDITOR)
        for n, collaboration in enumerate(collaborations)
        if n % 3 == 0
    )
    states = [Agreement.State.DRAFT, Agreement.State.FOR_DECISION, Agreement.State.DECIDED]
    with_agreement = [n for n in range(count) if n % 4]
    agreements = Agreement.objects.bulk_create(
        Agreement(collaboration=collaborations[n], title=collaborations[n].title, state=states[n % 3])
        for n in with_agreement
    )
    PartyRecord.objects.bulk_create(
        PartyRecord(agreement=agreement, party=ours[n], record_number=f"KS {seed}/{n}")
        for n, agreement in zip(with_agreement, agreements, strict=True)
    )
    decided = [(n, a) for n, a in zip(with_agreement, agreements, strict=True) if a.state == Agreement.State.DECIDED]
    versions = AgreementVersion.objects.bulk_create(
        AgreementVersion(
            agreement=agreement, number=1, content={}, content_hash="x", status=AgreementVersion.Status.DECIDED
        )
        for _n, agreement in decided
    )
    Decision.objects.bulk_create(
        Decision(
            version=version,
            party=ours[n],
            approved=True,
            body="Kommunstyrelsen",
            decided_on=today - timedelta(days=n % 300),
            reference=f"KS § {n}",
        )
        for (n, _agreement), version in zip(decided, versions, strict=True)
    )


def build_all(args):
    from projects.core.models import Organisation, Sector
    from projects.organisations.models import OrganisationMember, OrgRole

    migrate_and_load_guides()
    person = People(prefix="register").user("Maja Mätt")
    sizes = {}
    for label, count in (("small", args.small), ("large", args.large)):
        organisation = Organisation.objects.create(name=f"Kommun med {count} samverkan", sector=Sector.KOMMUN)
        OrganisationMember.objects.create(
            organisation=organisation, user=person, role=OrgRole.ADMIN, joined_via=OrganisationMember.Via.STAFF
        )
        build(organisation, person, count, seed=label)
        sizes[label] = organisation.pk
    return {"session": make_session(person), "organisations": sizes}


# Measuring -------------------------------------------------------------------------------------


def urls(org_pk):
    from django.urls import reverse

    page = reverse("projects:org_register", args=[org_pk])
    return {
        "page": page,
        "page, filtered": f"{page}?q=samverkan&status=pagaende&form=iop&slutar=1",
        "spreadsheet": reverse("projects:org_register_csv", args=[org_pk]),
    }


def measure(data, repeat):
    """({size: {url: [seconds]}}, {size: {url: queries}}, {size: spreadsheet rows})."""

    client = signed_in_client(data["session"])
    paths = {size: urls(pk) for size, pk in data["organisations"].items()}
    times = {size: {name: [] for name in paths[size]} for size in paths}
    queries = {size: {} for size in paths}
    rows = {}
    for number in range(repeat + 1):
        order = ("small", "large") if number % 2 == 0 else ("large", "small")
        for size in order:
            for name, path in paths[size].items():
                elapsed, count, response = timed_get(client, path)
                if name == "spreadsheet":
                    rows[size] = response.content.count(b"\r\n") - 1
                if number:  # the first round fills the caches (the session, the guide content)
                    times[size][name].append(elapsed)
                    queries[size].setdefault(name, set()).add(count)
    return times, queries, rows


def report(args, data, times, queries, rows, started, load_before):
    print()
    print("== Samverkan: an organisation's register with 10 and with 1,000 collaborations (bench/org_register.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine    {machine_line(load_before)}")
    print(f"database   {data['db_label']}")
    print(
        f"sizes      small: a party in {args.small} collaborations, large: in {args.large} (same database); "
        f"spreadsheet rows {rows['small']} / {rows['large']}"
    )
    print(f"client     Django's test Client in this process; {args.repeat} requests per URL and size; medians")
    print()
    header = f"{'url':<17}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'queries':>10}"
    print(header)
    print("-" * len(header))
    page_ratio, unequal = 0.0, []
    for name in times["small"]:
        small, large = (statistics.median(times[size][name]) for size in ("small", "large"))
        ratio = large / small
        if name.startswith("page"):
            page_ratio = max(page_ratio, ratio)
        counts = {size: sorted(queries[size][name]) for size in ("small", "large")}
        same = counts["small"] == counts["large"] and len(counts["small"]) == 1
        if not same:
            unequal.append(name)
        shown = "/".join(",".join(map(str, counts[size])) for size in ("small", "large"))
        print(f"{name:<17}{small * 1000:>10.1f}{large * 1000:>10.1f}{ratio:>8.2f}{shown:>10}{'' if same else ' !'}")
    print()
    print(
        f"page time ratio large / small: worst {page_ratio:.2f}  goal <= {PAGE_TIME_GOAL}: "
        f"{'met' if page_ratio <= PAGE_TIME_GOAL else 'NOT met'}"
    )
    print(f"query counts equal:            {'yes' if not unequal else 'NO: ' + ', '.join(unequal)}")
    print("(the spreadsheet writes every row: its time grows with them, its query count must not)")
    return page_ratio, unequal


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10, help="collaborations of the small organisation (10)")
    parser.add_argument("--large", type=int, default=1000, help="collaborations of the large organisation (1,000)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per URL and size (15)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{DATABASE}", help="the scratch PostgreSQL database")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args(argv)
    if args.small < 1 or args.large <= args.small or args.repeat < 1:
        parser.error("--small must be positive, --large more than --small, --repeat positive")
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
        times, queries, rows = measure(data, args.repeat)
        page_ratio, unequal = report(args, data, times, queries, rows, started, load_before)
        return 2 if args.check and (page_ratio > PAGE_TIME_GOAL or unequal) else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
