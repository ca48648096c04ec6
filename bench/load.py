"""50 people working through the core loop at once against gunicorn on PostgreSQL, against one
person alone doing the same: errors (goal 0) and the 95th-percentile latency of 50 against 1
(goal <= 4).

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--workers 3 --threads 4] [--check]

1. A scratch PostgreSQL database (``samverkan_bench_load``, dropped and recreated) is migrated and
   the guides loaded. A collaboration (a kommun and a förening) per 5 people, every person an
   editor with a joint checklist question and an agreement section of their own (so their saves
   never conflict: conflicts are bench/lost_update.py's question). Every person has the same real
   password (hashed once). One person in --login-every logs in for real (the allauth login form
   and POST, through django-axes; --typos of them first mistype their password once); the others
   get a session made up front with SessionStore, as after an earlier login.
2. gunicorn serves the app (``bench.bench_settings``: the app's settings, DEBUG off) on a free port
   of 127.0.0.1: --workers gthread workers with --threads threads each (default 3 x 4, the
   configuration recommended for a 2-core server), or sync workers with --threads 1.
3. locust (``python -m locust -f bench/load_locustfile.py --headless``) runs the people: first 1 for
   --duration seconds, then --users for --duration seconds. Each person loops through: dashboard,
   overview, stepper, autosave (HTMX POST with the version, the new version read back), the poll,
   the agreement page, an agreement section save (the same), the guide library, with a think time
   of --think seconds (uniform) between steps. Every request's latency is recorded by the
   locustfile; a status other than expected, a save that did not give the next version or a
   refused login is an error.
4. It prints per endpoint and overall the count, p50, p95 and errors of both runs and the ratio of
   the 95th percentiles. The total run is bounded (a hard stop at about 2 x duration + 90 s); gunicorn
   and locust get SIGTERM if this script dies; the database is dropped at the end.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    HOST,
    PG_SERVER,
    ROOT,
    Abort,
    CpuMeter,
    Guard,
    People,
    collaboration_with_questions,
    create_database,
    drop_database,
    gunicorn_label,
    log_tail,
    machine_line,
    make_session,
    migrate_and_load_guides,
    percentile,
    setup_django,
    spawn,
    start_gunicorn,
    stop_process,
)

DATABASE = f"{PG_SERVER}/samverkan_bench_load"
PASSWORD = "bench-lösenord-2026"  # noqa: S105 (a scratch database's test users)
P95_GOAL = 4.0
PER_COLLABORATION = 5
ORDER = [
    "login form",
    "login (wrong password)",
    "login",
    "dashboard",
    "overview",
    "stepper",
    "autosave",
    "poll",
    "agreement",
    "agreement save",
    "guide library",
]
LOGIN = {"login form", "login (wrong password)", "login"}


def build_plan(args):
    """The collaborations and people; returns the plan the locustfile reads."""
    from django.conf import settings
    from django.urls import reverse

    from projects.agreements import services as agreements
    from projects.core.models import Membership, Organisation, Role, Sector

    migrate_and_load_guides()  # and the cache table with --shared-cache
    people = People(password=PASSWORD, prefix="load")
    kommun = Organisation.objects.create(name="Benchkommun", sector=Sector.KOMMUN)
    slots = []
    for number in range(math.ceil(args.users / PER_COLLABORATION)):
        coordinator = people.user(f"Samordnare {number + 1}")
        forening = Organisation.objects.create(name=f"Föreningen Last {number + 1}", sector=Sector.IDEELL_FORENING)
        collaboration, parties, questions = collaboration_with_questions(
            coordinator, kommun, forening, f"Lastsamverkan {number + 1}"
        )
        agreement = agreements.create_agreement(collaboration, user=coordinator)
        sections = list(agreement.sections.order_by("order", "pk"))
        if len(questions) < PER_COLLABORATION or len(sections) < PER_COLLABORATION:
            raise Abort("too few joint questions or agreement sections for 5 people a collaboration")
        for k in range(PER_COLLABORATION):
            index = len(slots)
            person = people.user(f"Redaktör {index + 1}")
            Membership.objects.create(collaboration=collaboration, party=parties[k % 2], user=person, role=Role.EDITOR)
            cs, item = questions[k]
            pk = collaboration.pk
            slots.append(
                {
                    "email": person.email,
                    "login": index % args.login_every == 0,
                    "typo": index % args.login_every == 0 and index // args.login_every < args.typos,
                    "session": make_session(person),
                    "overview": reverse("projects:overview", args=[pk]),
                    "stepper": reverse("projects:checklist_section", args=[pk, cs.pk]),
                    "answer_save": reverse("projects:answer_save", args=[pk, cs.pk, item.pk]),
                    "answer_key": f"{item.pk}-j",
                    "poll": reverse("projects:checklist_changes", args=[pk, cs.pk]),
                    "agreement": reverse("projects:agreement", args=[pk]),
                    "section_save": reverse("projects:agreement_section_save", args=[pk, sections[k].pk]),
                    "section_key": f"s{sections[k].pk}",
                }
            )
    return {
        "slots": slots[: args.users],
        "password": PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "think": [args.think_min, args.think_max],
        "ramp": args.ramp,
        "dashboard": reverse("projects:dashboard"),
        "library": reverse("guides:library"),
        "login": reverse("account_login"),
    }


def run_locust(args, port, users, plan_path, workdir, log):
    """One headless locust run of ``users`` people for --duration seconds; returns the samples."""
    out = Path(workdir) / f"samples-{users}.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
        "-u", str(users), "-r", str(users), "-t", f"{int(args.duration)}s", "--stop-timeout", "10",
        "--host", f"http://{HOST}:{port}", "--only-summary", "--loglevel", "WARNING",
        "--csv", str(Path(workdir) / f"locust-{users}"),
    ]  # fmt: skip
    env = os.environ.copy() | {"BENCH_LOAD_PLAN": str(plan_path), "BENCH_LOAD_OUT": str(out)}
    process = spawn(command, log, env)
    try:
        process.wait(timeout=args.duration + 60)
    except BaseException:
        stop_process(process)
        raise
    if not out.exists():
        raise Abort(f"locust ({users} users) exited with {process.returncode} and wrote no samples")
    return json.loads(out.read_text())


def summarise(samples):
    """{name: (latencies ms, errors)} and the overall entry of the core loop (logins apart)."""
    found = {}
    for name, ms, error in samples:
        latencies, errors = found.setdefault(name, ([], []))
        (errors if error else latencies).append(error or ms)
    loop = [ms for name, (latencies, _) in found.items() if name not in LOGIN for ms in latencies]
    return found, loop


def report(args, plan, db_label, server_label, runs, started, load_before, seconds, cpu):
    one, many = (summarise(runs[n]) for n in (1, args.users))
    print()
    print(f"== Samverkan: {args.users} people against 1 working through the core loop (bench/load.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine    {machine_line(load_before)}")
    print(f"server     {server_label} on {HOST}, DEBUG off (bench.bench_settings)")
    print(f"database   {db_label}")
    logins = sum(s["login"] for s in plan["slots"])
    typos = sum(s["typo"] for s in plan["slots"])
    cache = os.environ.get("CACHE_URL") or "local memory, one per gunicorn worker"
    print(
        f"client     locust {package_version('locust')} (HttpUser), a separate process; {args.duration:g} s with 1 "
        f"person, then {args.duration:g} s with {args.users}; think time {args.think_min:g} to {args.think_max:g} s "
        f"between steps; arrivals spread over the first {args.ramp:g} s"
    )
    print(
        f"people     {len(plan['slots'])} editors, 5 a collaboration; {logins} log in for real (allauth form + POST, "
        f"django-axes), {typos} of them after one wrong password; the others have a session made up front; "
        f"cache (allauth's rate limits): {cache}"
    )
    print()
    header = (
        f"{'endpoint':<24}{'1: n':>7}{'p50':>8}{'p95':>8}{'err':>5}   {args.users}: n{'p50':>8}{'p95':>8}{'err':>5}"
    )
    header += f"{'p95 ratio':>11}"
    print(header + "      (ms)")
    print("-" * len(header))
    total_errors = 0

    def cells(entry):
        latencies, errors = entry
        return (
            f"{len(latencies) + len(errors):>7}{percentile(latencies, 0.5):>8.0f}{percentile(latencies, 0.95):>8.0f}"
            f"{len(errors):>5}"
        )

    names = [n for n in ORDER if n in one[0] or n in many[0]] + sorted((set(one[0]) | set(many[0])) - set(ORDER))
    for name in names:
        a, b = one[0].get(name, ([], [])), many[0].get(name, ([], []))
        total_errors += len(b[1]) + len(a[1])
        ratio = percentile(b[0], 0.95) / percentile(a[0], 0.95) if a[0] and b[0] else float("nan")
        print(f"{name:<24}{cells(a)}   {cells(b)[1:]}{ratio:>11.2f}")
    p95_one, p95_many = percentile(one[1], 0.95), percentile(many[1], 0.95)
    ratio = p95_many / p95_one
    print("-" * len(header))
    loop_errors = [sum(len(e) for n, (_, e) in run[0].items() if n not in LOGIN) for run in (one, many)]
    print(
        f"{'core loop (no login)':<24}{len(one[1]) + loop_errors[0]:>7}{percentile(one[1], 0.5):>8.0f}"
        f"{p95_one:>8.0f}{loop_errors[0]:>5}   {len(many[1]) + loop_errors[1]:>6}{percentile(many[1], 0.5):>8.0f}"
        f"{p95_many:>8.0f}{loop_errors[1]:>5}{ratio:>11.2f}"
    )
    rates = [len(run[1]) / seconds[n] for run, n in ((one, 1), (many, args.users))]
    print(f"\nthroughput {rates[0]:.1f} requests/s with 1 person, {rates[1]:.1f} with {args.users} (core loop)")
    for n, run in ((1, one), (args.users, many)):
        requests = sum(len(latencies) + len(errors) for latencies, errors in run[0].values())
        used = cpu[n]
        db_ms = f"{used['db'] * 1000 / requests:.1f}" if used["db"] is not None and requests else "-"
        print(
            f"CPU        {n} people: gunicorn {used['server'] / seconds[n]:.2f} cores "
            f"({used['server'] * 1000 / max(requests, 1):.1f} ms a request, logins included), PostgreSQL "
            f"{(used['db'] or 0) / seconds[n]:.2f} cores ({db_ms} ms a request)"
        )
    print(f"errors     {total_errors}   goal 0: {'met' if total_errors == 0 else 'NOT met'}")
    print(f"p95 ratio  {ratio:.2f} ({args.users} people / 1, core loop)   goal <= {P95_GOAL}: ", end="")
    print("met" if ratio <= P95_GOAL else "NOT met")
    for n, run in ((1, one), (args.users, many)):
        for name, (_, errors) in run[0].items():
            if errors:
                kinds = {}
                for error in errors:
                    kinds[error] = kinds.get(error, 0) + 1
                print(f"errors     {n} people, {name}: {kinds}")
    return total_errors, ratio


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="people at once in the second run (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of each run (default 60)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker, gthread; 1: sync (default 4)")
    parser.add_argument("--think-min", type=float, default=2.0, help="shortest think time, s (default 2)")
    parser.add_argument("--think-max", type=float, default=6.0, help="longest think time, s (default 6)")
    parser.add_argument(
        "--ramp", type=float, default=20.0, help="people arrive spread over the first N seconds (default 20)"
    )
    parser.add_argument("--login-every", type=int, default=5, help="one person in N logs in for real (default 5)")
    parser.add_argument("--typos", type=int, default=2, help="of those, how many mistype first (default 2)")
    parser.add_argument(
        "--shared-cache",
        action="store_true",
        help="a cache shared by the workers (CACHE_URL=dbcache://bench_cache), as with several app servers",
    )
    parser.add_argument("--database-url", default=DATABASE, help=f"scratch database (default {DATABASE})")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args(argv)
    if min(args.users, args.duration, args.workers, args.threads, args.login_every) <= 0:
        parser.error("--users, --duration, --workers, --threads and --login-every must be positive")
    if not 0 <= args.think_min <= args.think_max:
        parser.error("--think-min must be between 0 and --think-max")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    workdir = tempfile.mkdtemp(prefix="samverkan-bench-load-")
    with Guard(2 * args.duration + 150) as guard:  # the hard stop
        guard.cleanups.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
        if args.shared_cache:
            os.environ["CACHE_URL"] = "dbcache://bench_cache"
        db = create_database(args.database_url)
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(db))
        setup_django(db)
        clock = time.monotonic()
        plan = build_plan(args)
        plan_path = Path(workdir) / "plan.json"
        plan_path.write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()
        print(f"setup      {len(plan['slots'])} people ready ({time.monotonic() - clock:.0f} s)", flush=True)
        guard.log = log = tempfile.NamedTemporaryFile(mode="w+", prefix="samverkan-bench-load-", suffix=".log")  # noqa: SIM115
        guard.cleanups.append(log.close)
        # An idle connection stays open longer than a person thinks: otherwise gunicorn closes it
        # (after 2 s by default) just as locust reuses it, and the request fails with a reset, which
        # a browser would retry (and which a proxy in front of gunicorn never meets).
        keep_alive = math.ceil(args.think_max) + 5
        server, port = start_gunicorn(log, workers=args.workers, threads=args.threads, keep_alive=keep_alive)
        guard.cleanups.append(lambda: stop_process(server))
        label = gunicorn_label(args.workers, args.threads) + f", --keep-alive {keep_alive}"
        print(f"server     {label}, pid {server.pid}, port {port}", flush=True)
        runs, seconds, cpu = {}, {}, {}
        meter = CpuMeter(server.pid, db)
        guard.cleanups.append(meter.close)
        for users in (1, args.users):
            clock = time.monotonic()
            before = meter.sample()
            runs[users] = run_locust(args, port, users, plan_path, workdir, log)
            cpu[users] = CpuMeter.difference(before, meter.sample())
            seconds[users] = args.duration
            print(
                f"run        {users} people: {len(runs[users])} requests ({time.monotonic() - clock:.0f} s)", flush=True
            )
            if server.poll() is not None:
                raise Abort(f"gunicorn exited with {server.returncode} during the run")
        errors, ratio = report(args, plan, db.label, label, runs, started, load_before, seconds, cpu)
        if errors:
            print("\nserver and locust log (last lines):\n" + log_tail(log, 30), file=sys.stderr)
            return 1
        return 2 if args.check and ratio > P95_GOAL else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
