"""Do the pages a person uses every day get slower when the database grows? The dashboard, the
overview, the checklists, the stepper, the poll, the agreement page and the guide library and
search, for the same person with the same data, in a database of 10 and of 10,000 collaborations.

    .venv/bin/python bench/size.py [--large 10000] [--answers 300000] [--repeat 25] [--check]

1. It builds a small PostgreSQL database (``samverkan_bench_size_small``): migrated, the guides
   loaded, and the measured person (a coordinator) in 3 collaborations with answers, comments,
   an agreement with written sections and a few more collaborations of other people, made with the
   app's own functions, up to --small collaborations in all. The large database
   (``samverkan_bench_size_large``) is a copy of it (``CREATE DATABASE ... TEMPLATE``: the same
   rows and ids), and then other people's data is added to it with ``bulk_create`` until it holds
   --large collaborations: parties (the measured person's kommun takes part in one in ten),
   members, checklist sections, --answers answers with a revision each, confirmations, comments,
   events, agreements with their sections. Both get ``ANALYZE``.
2. Every page is requested in this process with Django's test ``Client`` (not through gunicorn:
   the question is how the app's queries scale, and the HTTP server and the network add the same
   constant to both sizes, and noise). The two databases take turns: in every repetition each
   page is requested once against each, the order of the sizes reversed every other repetition
   (the connection is closed and reopened on the other database between turns, unmeasured).
3. It prints, per page, the median time at each size, their ratio (goal <= 1.3), the query counts
   (goal: equal) and the slowest query at the large size, and then ``EXPLAIN ANALYZE`` of the
   slowest queries at the large size.
4. Both databases are dropped at the end (unless --keep-database), also on errors, Ctrl-C, SIGTERM
   and at the hard time limit.
"""

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    HOST,
    PG_SERVER,
    Abort,
    Database,
    Guard,
    People,
    create_database,
    drop_database,
    machine_line,
    make_session,
    migrate_and_load_guides,
    pg_admin,
    setup_django,
)

SMALL = "samverkan_bench_size_small"
LARGE = "samverkan_bench_size_large"
TIME_GOAL = 1.3
UNUSABLE = "!"  # an unusable password hash: nobody logs in as these people
BATCH = 500  # collaborations built per round of bulk_create
TEXT = (
    "Föreningen har kvällsverksamhet för unga tre dagar i veckan och kommunen står för lokalen. "
    "Vi behöver komma överens om hur uppföljningen går till och vem som rapporterar till nämnden."
)


# Building the data -------------------------------------------------------------------------------


def build_small(args):
    """The measured person's data, made with the app's functions, and a few other collaborations;
    returns what the pages need (ids and the session key)."""
    from django.utils import timezone

    from guides.models import Item
    from projects.agreements import services as agreements
    from projects.agreements.models import AgreementSection
    from projects.checklists import services as checklists
    from projects.checklists.models import ChecklistSection
    from projects.core import services as actions
    from projects.core.models import Membership, Organisation, Role, Sector

    migrate_and_load_guides()
    people = People(prefix="size")
    kommun = Organisation.objects.create(name="Benchkommun", sector=Sector.KOMMUN)
    me = people.user("Maja Mätt")
    mine = []
    for number in range(3):
        forening = Organisation.objects.create(name=f"Föreningen Mätt {number + 1}", sector=Sector.IDEELL_FORENING)
        collaboration = actions.create_collaboration(user=me, organisation=kommun, title=f"Mätt samverkan {number + 1}")
        party = actions.add_party(collaboration, user=me, organisation=forening)
        for name in ("Erik Redaktör", "Lina Läsare"):
            Membership.objects.create(
                collaboration=collaboration,
                party=party,
                user=people.user(name),
                role=Role.EDITOR if "Redaktör" in name else Role.READER,
            )
        checklists.ensure_default_sections(collaboration, me)
        mine.append(collaboration)
    collaboration = mine[0]
    sections = list(checklists.ordered_sections(collaboration))
    # The stepper's section: the first joint one with questions; every question answered.
    stepper = next(cs for cs in sections if not cs.per_party)
    questions = list(Item.objects.current().filter(section_id=stepper.section_id, kind=Item.Kind.QUESTION))
    for cs in sections[:4]:
        for item in Item.objects.current().filter(section_id=cs.section_id, kind=Item.Kind.QUESTION):
            party = None if not cs.per_party else collaboration.parties.first()
            checklists.save_answer(
                collaboration=collaboration, item=item, party=party, user=me, text=TEXT, status="discussed",
                base_version=0,
            )  # fmt: skip
    for item in questions[:3]:
        checklists.add_comment(
            collaboration=collaboration,
            item=item,
            membership=Membership.objects.get(collaboration=collaboration, user=me),
            text="Ska vi ta det här på nästa möte?",
        )
    agreement = agreements.create_agreement(collaboration, user=me)
    for section in AgreementSection.objects.filter(agreement=agreement)[:6]:
        agreements.save_section(section, user=me, text=TEXT, base_version=section.version)
    others = max(args.small - len(mine), 0)
    if others:
        build_others(others, kommun, args.small_answers, seed=1)
    session = make_session(me)
    return {
        "user": me.pk,
        "session": session,
        "collaboration": collaboration.pk,
        "stepper": stepper.pk,
        "since": (timezone.now() - timedelta(seconds=30)).isoformat(),
        "sections": ChecklistSection.objects.filter(collaboration=collaboration).count(),
    }


def build_others(count, kommun, answers, *, seed, progress=None):
    """``count`` collaborations of other people, with ``answers`` answers in all, in bulk."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from guides.models import Item
    from projects.agreements.models import Agreement, AgreementSection
    from projects.checklists import services as checklists
    from projects.checklists.models import Answer, AnswerRevision, ChecklistSection, Comment, Confirmation
    from projects.core.models import Collaboration, Event, Membership, Organisation, Party, Role, Sector

    rng = random.Random(seed)
    user_model = get_user_model()
    now = timezone.now()
    # The default sections of a kommun + förening collaboration, and their questions.
    probe = [kommun, Organisation(name="x", sector=Sector.IDEELL_FORENING)]
    default = checklists.default_sections(None, parties=[Party(organisation=org) for org in probe])
    section_ids = [s.pk for s in default]
    questions = list(
        Item.objects.current().filter(section_id__in=section_ids, kind=Item.Kind.QUESTION).values_list("pk", flat=True)
    )
    sample = list(AgreementSection.objects.order_by("pk").values("key", "title", "order", "required")[:40])
    per_collaboration = max(1, answers // count)
    per_collaboration = min(per_collaboration, len(questions))
    kommuner = [kommun] + Organisation.objects.bulk_create(
        Organisation(name=f"Kommun {n}", sector=Sector.KOMMUN, municipality=f"Kommun {n}") for n in range(1, 290)
    )
    foreningar = Organisation.objects.bulk_create(
        Organisation(name=f"Förening {seed}-{n}", sector=Sector.IDEELL_FORENING) for n in range(max(count // 5, 1))
    )
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        users = user_model.objects.bulk_create(
            user_model(
                email=f"other{seed}-{3 * made + n}@bench.example", full_name=f"Person {3 * made + n}", password=UNUSABLE
            )
            for n in range(size * 3)
        )
        collaborations = Collaboration.objects.bulk_create(
            Collaboration(
                title=f"Samverkan {seed}-{made + n}",
                challenge=TEXT,
                created_by=users[3 * n],
                archived=rng.random() < 0.1,
            )
            for n in range(size)
        )
        parties = Party.objects.bulk_create(
            party
            for n, collaboration in enumerate(collaborations)
            for party in (
                Party(
                    collaboration=collaboration,
                    organisation=kommun if rng.random() < 0.1 else rng.choice(kommuner),
                    is_coordinating=True,
                ),
                Party(collaboration=collaboration, organisation=rng.choice(foreningar)),
            )
        )
        Membership.objects.bulk_create(
            Membership(
                collaboration=collaboration,
                party=parties[2 * n + (k > 0)],
                user=users[3 * n + k],
                role=(Role.COORDINATOR, Role.EDITOR, Role.READER)[k],
            )
            for n, collaboration in enumerate(collaborations)
            for k in range(3)
        )
        ChecklistSection.objects.bulk_create(
            ChecklistSection(collaboration=collaboration, section_id=section_id, added_by=users[3 * n])
            for n, collaboration in enumerate(collaborations)
            for section_id in section_ids
        )
        stamps = [now - timedelta(minutes=rng.randrange(60, 60 * 24 * 365)) for _ in range(size)]
        answer_rows = Answer.objects.bulk_create(
            (
                Answer(
                    collaboration=collaboration,
                    item_id=item_id,
                    text=TEXT,
                    status="discussed",
                    version=1,
                    updated_by=users[3 * n + 1],
                    updated_at=stamps[n],
                )
                for n, collaboration in enumerate(collaborations)
                for item_id in rng.sample(questions, per_collaboration)
            ),
            batch_size=5000,
        )
        AnswerRevision.objects.bulk_create(
            (
                AnswerRevision(answer=a, version=1, text=a.text, status=a.status, author_id=a.updated_by_id)
                for a in answer_rows
            ),
            batch_size=5000,
        )
        Confirmation.objects.bulk_create(
            (
                Confirmation(answer=a, party_id=parties[2 * (k // per_collaboration)].pk, version=1)
                for k, a in enumerate(answer_rows)
                if k % 3 == 0
            ),
            batch_size=5000,
        )
        Comment.objects.bulk_create(
            Comment(collaboration=collaboration, item_id=questions[0], party=parties[2 * n], author=users[3 * n],
                    text="En kommentar.")
            for n, collaboration in enumerate(collaborations)
        )  # fmt: skip
        Event.objects.bulk_create(
            (
                Event(
                    collaboration=collaboration,
                    actor=users[3 * n],
                    actor_name=f"Person {made + n}",
                    kind=Event.Kind.ANSWER_STATUS,
                    subject="En fråga",
                    created_at=stamps[n] - timedelta(hours=k),
                )
                for n, collaboration in enumerate(collaborations)
                for k in range(8)
            ),
            batch_size=5000,
        )
        agreements = Agreement.objects.bulk_create(
            Agreement(collaboration=collaboration, title=f"Överenskommelse: {collaboration.title}")
            for collaboration in collaborations[: size // 2]
        )
        AgreementSection.objects.bulk_create(
            (
                AgreementSection(agreement=agreement, text=TEXT, version=1, **row)
                for agreement in agreements
                for row in sample
            ),
            batch_size=5000,
        )
        made += size
        if progress:
            progress(made)


@contextlib.contextmanager
def fast_inserts():
    """For building the scratch data only: no commit waits for the disk, and the foreign-key
    triggers are off (the rows are consistent by construction); both only in this session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET synchronous_commit = DEFAULT")


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def counts():
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for table in ("projects_collaboration", "projects_answer", "projects_answerrevision", "projects_event"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
            found[table.removeprefix("projects_")] = cursor.fetchone()[0]
    return found


def copy_database(source, target):
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(**pg_admin(PG_SERVER)) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source)))


def use(name):
    """Point Django's connection at database ``name`` (reconnects on the next query)."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


# Measuring -------------------------------------------------------------------------------------


def pages(data):
    from django.urls import reverse

    pk, cs = data["collaboration"], data["stepper"]
    return {
        "dashboard": reverse("projects:dashboard"),
        "overview": reverse("projects:overview", args=[pk]),
        "checklists": reverse("projects:checklists", args=[pk]),
        "stepper": reverse("projects:checklist_section", args=[pk, cs]),
        "poll": reverse("projects:checklist_changes", args=[pk, cs]) + f"?since={data['since']}",
        "agreement": reverse("projects:agreement", args=[pk]),
        "guide library": reverse("guides:library"),
        "guide search": reverse("guides:search") + "?q=ekonomi",
    }


def client_for(data):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = data["session"]
    return client


def request(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(path, headers={"HX-Request": "true"} if "andringar" in path else {})
        elapsed = time.perf_counter() - began
    if response.status_code not in (200, 204):
        raise Abort(f"GET {path} answered {response.status_code}")
    return elapsed, captured.captured_queries


def measure(data, repeat):
    """{size: {page: [seconds]}}, the sizes taking turns; and {size: {page: queries}}."""
    client = client_for(data)
    paths = pages(data)
    times = {SMALL: {page: [] for page in paths}, LARGE: {page: [] for page in paths}}
    queries = {SMALL: {}, LARGE: {}}
    for number in range(repeat + 1):
        order = (SMALL, LARGE) if number % 2 == 0 else (LARGE, SMALL)
        for name in order:
            use(name)
            request(client, paths["dashboard"])  # connects; not measured
            for page, path in paths.items():
                elapsed, captured = request(client, path)
                if number == 0:
                    continue  # the first round fills the caches (the guide content is cached per process)
                times[name][page].append(elapsed)
                queries[name].setdefault(page, captured)
    return times, queries


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def report(args, data, built, times, queries, started, load_before):
    print()
    print("== Samverkan: page times with 10 and with 10,000 collaborations (bench/size.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine    {machine_line(load_before)}")
    print(f"database   {data['db_label']}")
    for name, found in built.items():
        print(
            f"{'small' if name == SMALL else 'large':<10} {name}: " + ", ".join(f"{v:,} {k}" for k, v in found.items())
        )
    print(
        f"client     Django's test Client in this process, DEBUG off; {args.repeat} requests per page and size, "
        "the sizes taking turns (order reversed every other repetition); medians"
    )
    print(
        f"person     a coordinator in 3 collaborations; stepper: {data['sections']} checklist sections, every "
        "question of the section answered; agreement with 6 written sections"
    )
    print()
    header = f"{'page':<15}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'queries':>10}{'':>3}{'slowest query ms':>18}"
    print(header)
    print("-" * len(header))
    worst, unequal = 0.0, []
    for page in times[SMALL]:
        small, large = (statistics.median(times[name][page]) for name in (SMALL, LARGE))
        ratio = large / small
        worst = max(worst, ratio)
        n_small, n_large = len(queries[SMALL][page]), len(queries[LARGE][page])
        if n_small != n_large:
            unequal.append(page)
        slowest = max((float(q["time"]) for q in queries[LARGE][page]), default=0.0) * 1000
        print(
            f"{page:<15}{small * 1000:>10.1f}{large * 1000:>10.1f}{ratio:>8.2f}"
            f"{f'{n_small}/{n_large}':>10}{'' if n_small == n_large else ' !':>3}{slowest:>18.1f}"
        )
    print()
    verdict = "met" if worst <= TIME_GOAL else "NOT met"
    print(f"time ratio large / small: worst {worst:.2f}  goal <= {TIME_GOAL}: {verdict}")
    print(f"query counts equal:       {'yes' if not unequal else 'NO: ' + ', '.join(unequal)}")
    # The plans of the slowest queries at the large size (first run of each page, unmeasured).
    ranked = sorted(
        ((float(q["time"]), page, q["sql"]) for page in queries[LARGE] for q in queries[LARGE][page]),
        reverse=True,
    )
    seen = set()
    use(LARGE)
    shown = 0
    print(f"\nslowest queries at {args.large:,} collaborations, with their plans (EXPLAIN ANALYZE):")
    for seconds, page, sql in ranked:
        if sql in seen or not sql.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(sql)
        shown += 1
        print(f"\n[{page}] {seconds * 1000:.1f} ms: {sql[:300]}{'...' if len(sql) > 300 else ''}")
        plan = explain(sql)
        for line in plan[: args.plan_lines] + [line for line in plan[args.plan_lines :] if "Execution Time" in line]:
            print(f"    {line}")
        if shown >= args.explain:
            break
    return worst, unequal


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10, help="collaborations in the small database (default 10)")
    parser.add_argument("--large", type=int, default=10_000, help="collaborations in the large one (default 10,000)")
    parser.add_argument("--answers", type=int, default=300_000, help="answers in the large database (default 300,000)")
    parser.add_argument("--repeat", type=int, default=25, help="requests per page and size (default 25)")
    parser.add_argument("--explain", type=int, default=5, help="plans of the slowest queries to show (default 5)")
    parser.add_argument("--plan-lines", type=int, default=12, help="lines of each plan shown (default 12)")
    parser.add_argument("--keep-database", action="store_true", help="leave both databases for inspection")
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args(argv)
    if args.small < 3 or args.large <= args.small or args.repeat < 1 or args.answers < 0:
        parser.error("--small must be at least 3, --large more than --small, --repeat positive")
    args.small_answers = args.answers * args.small // args.large
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    with Guard(600) as guard:  # the hard stop: a normal run takes 2 to 4 minutes
        small = create_database(f"{PG_SERVER}/{SMALL}")
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(small))
        setup_django(small)
        clock = time.monotonic()
        data = build_small(args)
        data["db_label"] = small.label
        analyze()
        built = {SMALL: counts()}
        print(f"small      built in {time.monotonic() - clock:.0f} s: {built[SMALL]}", flush=True)
        copy_database(SMALL, LARGE)
        large = Database(url=f"{PG_SERVER}/{LARGE}", vendor="postgresql", label="", name=LARGE, admin=small.admin)
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(large))
        use(LARGE)
        clock = time.monotonic()
        from projects.core.models import Organisation

        def progress(made):
            if made % 2000 == 0 or made == args.large - args.small:
                print(f"large      {made:,} collaborations added ({time.monotonic() - clock:.0f} s)", flush=True)

        with fast_inserts():
            build_others(
                args.large - args.small,
                Organisation.objects.get(name="Benchkommun"),
                args.answers - args.small_answers,
                seed=2,
                progress=progress,
            )
        analyze()
        built[LARGE] = counts()
        print(f"large      built in {time.monotonic() - clock:.0f} s: {built[LARGE]}", flush=True)
        times, queries = measure(data, args.repeat)
        worst, unequal = report(args, data, built, times, queries, started, load_before)
        return 2 if args.check and (worst > TIME_GOAL or unequal) else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
