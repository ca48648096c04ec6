"""Throughput of the checklist autosave endpoint under gunicorn, against a minimal correct versioned
save (and a bare Django view) served by the same server in the same run, and the ratios (goal:
autosave at least 0.5 of the minimal save).

    .venv/bin/python bench/autosave_throughput.py [--duration 10] [--concurrency 8] [--workers 2] [--sqlite]

Everything stays on 127.0.0.1 and the script stops by itself (about a minute with the defaults):

1. It creates a scratch database (PostgreSQL ``samverkan_bench``, dropped and recreated, or a
   temporary SQLite file with --sqlite), migrates it, loads the guide content and creates a
   collaboration of two parties in which every virtual user is an editor with a joint question of
   their own: concurrent saves never conflict, since this measures throughput, not conflicts.
   Each user gets a session made with SessionStore.
2. It starts gunicorn (sync workers, ``bench.bench_settings``: the app's settings with DEBUG off and
   the URLs of ``bench/bench_urls.py``) on a free port.
3. Every virtual user GETs its checklist page, as the browser does, for the csrftoken cookie and the
   answer's version; CSRF is checked for real (X-CSRFToken). Then, at a fixed number of concurrent
   users each sending its next request as soon as the last one is answered, it measures:
   ``bare`` (GET, ``HttpResponse("ok")``), ``bare+session`` (a CSRF-checked POST to a
   ``login_required`` view that returns "ok": the session and user every autosave loads too),
   ``minimal save`` (``bench_urls.minimal_save``: the same POST to a view that, after the session
   and user, locks the answer's row, compares the version, updates the row and inserts a revision
   in one transaction: 7 statements, the floor of a correct versioned save) and ``autosave`` (the
   HTMX POST of a changed text with the current version, read back from each response). The minimal
   save and the autosave write the same answer, each reading the version back from its response.
   The endpoints take turns in short rounds (--round seconds each, the order reversed every other
   round) until each has had --duration seconds, so a change in the machine's speed (other people's
   work on a shared machine) falls alike on all four.
4. It prints requests/s, p50/p95/p99 latency, errors, SQL queries per request, CPU per request
   (gunicorn workers, PostgreSQL backends, the client) and the ratios.
5. It stops gunicorn and drops the scratch database, also on errors, Ctrl-C and SIGTERM; gunicorn
   also gets SIGTERM if this script dies.
"""

import argparse
import http.client
import math
import os
import platform
import re
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    DEFAULT_DATABASE_URL,
    HOST,
    Abort,
    Connection,
    CpuMeter,
    People,
    Stats,
    collaboration_with_questions,
    create_database,
    drop_database,
    install_signals,
    log_tail,
    make_session,
    migrate_and_load_guides,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
)

GOAL = 0.5  # autosave / minimal save
ENDPOINTS = {"bare": "bare", "bare_session": "bare+session", "minimal": "minimal save", "autosave": "autosave"}
# A typical answer, a few sentences long; every save appends a counter so the text always changes.
ANSWER_TEXT = (
    "Vi träffas en gång i månaden, växelvis hos kommunen och hos föreningen. Föreningen ansvarar för "
    "verksamheten på kvällstid och kommunen för lokalen och för uppföljningen. Båda parter utser en "
    "kontaktperson som håller ihop arbetet och tar upp frågor om ekonomi och ansvar vid nästa möte."
)
VERSION_RE = r'name="{key}-version" value="(\d+)"'
THEIRS_RE = re.compile(rb'data-version="(\d+)"')


# The data: users, a collaboration, sessions ----------------------------------------------------


@dataclass
class Slot:
    """One virtual user's place to write: their session, checklist page and question."""

    session_key: str
    page: str  # the checklist section page (GET)
    save: str  # the autosave endpoint (POST)
    minimal: str  # the minimal save of the same answer (POST, bench_urls.minimal_save)
    key: str  # the form prefix of the answer, "<item pk>-j"


def prepare_data(count):
    """Migrate, load the guides and create ``count`` slots, each on its own joint question."""
    from django.urls import reverse

    from projects.core.models import Membership, Organisation, Role, Sector
    from projects.organisations.models import OrganisationMember, OrgRole

    migrate_and_load_guides()
    people = People()  # no password: nobody logs in with it
    make_user = people.user

    kommun = Organisation.objects.create(name="Benchkommun", sector=Sector.KOMMUN)
    forening = Organisation.objects.create(name="Föreningen Bench", sector=Sector.IDEELL_FORENING)
    slots = []
    while len(slots) < count:
        coordinator = make_user("Samordnare Bench")
        # The coordinator acts for both organisations (projects.organisations): the collaboration
        # starts in the kommun's name and the förening's party is accepted, not pending.
        for organisation in (kommun, forening):
            OrganisationMember.objects.create(
                organisation=organisation, user=coordinator, role=OrgRole.ADMIN, joined_via=OrganisationMember.Via.STAFF
            )
        collaboration, parties, questions = collaboration_with_questions(
            coordinator, kommun, forening, f"Benchsamverkan {len(slots) + 1}"
        )
        if not questions:
            raise Abort("the default checklist sections have no joint questions; are the guides loaded?")
        for cs, item in questions[: count - len(slots)]:
            editor = make_user(f"Redaktör {len(slots) + 1}")
            party = parties[len(slots) % 2]
            Membership.objects.create(collaboration=collaboration, party=party, user=editor, role=Role.EDITOR)
            slots.append(
                Slot(
                    session_key=make_session(editor),
                    page=reverse("projects:checklist_section", args=[collaboration.pk, cs.pk]),
                    save=reverse("projects:answer_save", args=[collaboration.pk, cs.pk, item.pk]),
                    minimal=reverse("bench_minimal_save", args=[collaboration.pk, item.pk]),
                    key=f"{item.pk}-j",
                )
            )
    return slots


def count_queries(slot):
    """SQL queries per request of each endpoint, measured in this process with Django's test client
    (a steady-state autosave: the answer exists already and its text changes)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = slot.session_key
    htmx = {"HX-Request": "true"}

    def form(version):
        return {
            f"{slot.key}-text": f"{ANSWER_TEXT} {version}",
            f"{slot.key}-status": "discussed",
            f"{slot.key}-version": version,
        }

    def measure(method, path, data=None):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, data, headers=htmx)
        if response.status_code != 200:
            raise Abort(f"{method.upper()} {path} answered {response.status_code} in the query count")
        return [query["sql"] for query in queries.captured_queries]

    measure("post", slot.save, form(0))  # creates the answer: version 1
    return {
        "bare": measure("get", "/bench/bare/"),
        "bare_session": measure("post", "/bench/bare-session/", form(1)),
        "minimal": measure("post", slot.minimal, form(1)),  # version 2
        "autosave": measure("post", slot.save, form(2)),
    }


# The client --------------------------------------------------------------------------------------


class VirtualUser:
    def __init__(self, slot, port, timeout):
        from django.conf import settings

        self.slot = slot
        self.conn = Connection(HOST, port, timeout=timeout)
        self.origin = f"http://{HOST}:{port}"
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={slot.session_key}"
        self.csrf_cookie_name = settings.CSRF_COOKIE_NAME
        self.version_re = re.compile(VERSION_RE.format(key=re.escape(slot.key)).encode())
        self.version = 0
        self.saves = 0
        self.post_headers = {}

    def _request(self, method, path, body=None, headers=None):
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            return response.status, response.read(), response
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise

    def open_page(self):
        """What the browser does first: the checklist page, its csrftoken cookie and the version."""
        status, body, response = self._request("GET", self.slot.page, headers={"Cookie": self.cookie})
        if status != 200:
            raise Abort(f"GET {self.slot.page} answered {status}; is the session accepted?")
        token = None
        for header in response.headers.get_all("Set-Cookie") or []:
            match = re.match(rf"{re.escape(self.csrf_cookie_name)}=([^;]+)", header)
            token = match.group(1) if match else token
        version = self.version_re.search(body)
        if not token or not version:
            raise Abort(f"GET {self.slot.page} gave no csrftoken cookie or no editable answer {self.slot.key}")
        self.version = int(version.group(1))
        self.cookie = f"{self.cookie}; {self.csrf_cookie_name}={token}"
        self.post_headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": token,
            "Origin": self.origin,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def _form(self):
        self.saves += 1
        key = self.slot.key
        text = f"{ANSWER_TEXT} ({key} #{self.saves})"
        return urlencode({f"{key}-text": text, f"{key}-status": "discussed", f"{key}-version": self.version}).encode()

    def bare(self):
        status, body, _ = self._request("GET", "/bench/bare/", headers={"Cookie": self.cookie})
        return None if status == 200 and body == b"ok" else f"HTTP {status}"

    def bare_session(self):
        status, body, _ = self._request("POST", "/bench/bare-session/", self._form(), self.post_headers)
        return None if status == 200 and body == b"ok" else f"HTTP {status}"

    def minimal(self):
        status, body, _ = self._request("POST", self.slot.minimal, self._form(), self.post_headers)
        version = self.version_re.search(body)
        if version:  # also after a 409: go on from the version it has
            self.version = int(version.group(1))
        if status != 200:
            return f"HTTP {status}"
        return None if version else "no version in the response"

    def autosave(self):
        status, body, _ = self._request("POST", self.slot.save, self._form(), self.post_headers)
        if status != 200:
            return f"HTTP {status}"
        if b"js-take-theirs" in body:  # the conflict fragment: take their version and go on
            theirs = THEIRS_RE.search(body)
            self.version = int(theirs.group(1)) if theirs else self.version
            return "conflict"
        version = self.version_re.search(body)
        if not version:
            return "no version in the response"
        saved = int(version.group(1)) == self.version + 1
        self.version = int(version.group(1))
        return None if saved else "not saved"


# The load ----------------------------------------------------------------------------------------


def run_phase(vus, endpoint, duration, stop, meter=None):
    """Every virtual user sends requests to ``endpoint`` back to back for ``duration`` seconds."""
    results = [Stats() for _ in vus]
    go = threading.Event()
    start = [0.0]

    def work(vu, stats):
        action = getattr(vu, endpoint)
        go.wait()
        deadline = start[0] + duration
        while not stop.is_set() and time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                error = action()
            except Exception as exc:  # a refused or reset connection, a timeout: counted, and go on
                error = type(exc).__name__
                time.sleep(0.01)
            if error:
                stats.errors[error] += 1
            else:
                stats.latencies.append(time.perf_counter() - began)

    threads = [
        threading.Thread(target=work, args=(vu, stats), daemon=True) for vu, stats in zip(vus, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    connects = sum(vu.conn.connects for vu in vus)
    before = meter.sample() if meter else None
    start[0] = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    total = Stats(elapsed=time.perf_counter() - start[0], planned=duration)
    after = meter.sample() if meter else None
    for stats in results:
        total.latencies += stats.latencies
        total.errors.update(stats.errors)
    total.connects = sum(vu.conn.connects for vu in vus) - connects
    if meter:
        total.cpu = CpuMeter.difference(before, after)
    return total


# The report --------------------------------------------------------------------------------------


def _ms(seconds):
    return f"{seconds * 1000:.1f}"


def _per_request(seconds, stats):
    return "-" if seconds is None or not stats.requests else f"{seconds * 1000 / stats.requests:.2f}"


def _total(rounds, endpoint):
    total = Stats()
    for stats in rounds:
        total.merge(stats[endpoint])
    return total


def report(args, db, port, rounds, queries, started, load_before):
    cpus = os.cpu_count()
    totals = {endpoint: _total(rounds, endpoint) for endpoint in ENDPOINTS}
    print()
    print("== Samverkan: autosave throughput against a minimal versioned save (bench/autosave_throughput.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(
        f"machine    {cpus} CPUs, {platform.platform()}, Python {platform.python_version()}; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(
        f"server     gunicorn {package_version('gunicorn')} on {HOST}:{port}, {args.workers} sync workers, "
        f"Django {package_version('django')}, DEBUG off (bench.bench_settings)"
    )
    print(f"database   {db.label}")
    print(
        f"client     {args.concurrency} virtual users in this process, closed loop (the next request when the "
        "last is answered)"
    )
    seconds = rounds[0]["bare"].planned
    print(
        f"schedule   warm-up {args.warmup:g} s per endpoint, then {len(rounds)} rounds of {seconds:g} s per endpoint "
        f"({', '.join(ENDPOINTS.values())}; every other round reversed): {len(rounds) * seconds:g} s each"
    )
    print(
        f"autosave   HTMX POST, a {len(ANSWER_TEXT)}-character text changed on every save, status 'discussed', "
        "the current version; a joint question per user"
    )
    print()
    header = f"{'endpoint':<14}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    header += f"{'queries':>9}{'CPU ms/req: server':>20}{'db':>7}{'client':>8}"
    print(header)
    print("-" * len(header))
    for endpoint, label in ENDPOINTS.items():
        stats = totals[endpoint]
        print(
            f"{label:<14}{stats.requests:>9}{stats.rate:>9.1f}{_ms(stats.percentile(0.5)):>9}"
            f"{_ms(stats.percentile(0.95)):>9}{_ms(stats.percentile(0.99)):>9}{sum(stats.errors.values()):>8}"
            f"{len(queries[endpoint]):>9}{_per_request(stats.cpu['server'], stats):>20}"
            f"{_per_request(stats.cpu['db'], stats) if db.vendor == 'postgresql' else 'in srv':>7}"
            f"{_per_request(stats.cpu['client'], stats):>8}"
        )
    print()
    rate = {name: totals[name].rate for name in ENDPOINTS}
    cpu = {name: (totals[name].cpu["server"] or 0.0) / max(totals[name].requests, 1) for name in ENDPOINTS}
    autosave = rate["autosave"]
    ratio = autosave / rate["minimal"] if rate["minimal"] else 0.0
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"ratio autosave / minimal save  {ratio:.2f}   goal >= {GOAL}: {verdict}")
    if cpu["autosave"] and cpu["minimal"]:
        print(
            f"server CPU per request         autosave {cpu['autosave'] * 1000:.2f} ms, minimal save "
            f"{cpu['minimal'] * 1000:.2f} ms: minimal / autosave {cpu['minimal'] / cpu['autosave']:.2f} "
            "(counts work, not waiting: steadier than req/s on a busy machine)"
        )
    if rate["bare"]:
        print(
            f"ratio autosave / bare          {autosave / rate['bare']:.2f}   (minimal save / bare "
            f"{rate['minimal'] / rate['bare']:.2f})"
        )
    if rate["bare_session"]:
        print(
            f"ratio autosave / bare+session  {autosave / rate['bare_session']:.2f}   "
            "(session, user and CSRF paid on both sides)"
        )
    if cpu["bare"]:
        print(f"server CPU per request         autosave {cpu['autosave'] / cpu['bare']:.1f}x bare")
    per_round = sorted(r["autosave"].rate / r["minimal"].rate for r in rounds if r["minimal"].rate)
    if len(per_round) > 1:
        middle = per_round[len(per_round) // 2]
        print(
            f"per round  autosave / minimal save from {per_round[0]:.2f} to {per_round[-1]:.2f} (median {middle:.2f}) "
            f"over {len(per_round)} rounds"
        )
        drifts = []
        for endpoint, label in ENDPOINTS.items():
            first = _total(rounds[: len(rounds) // 2], endpoint).rate
            second = _total(rounds[(len(rounds) + 1) // 2 :], endpoint).rate
            change = (second / first - 1) * 100 if first else 0.0
            drifts.append(change)
            print(
                f"drift      {label:<14} {first:.1f} req/s in the first half of the rounds, "
                f"{second:.1f} in the second ({change:+.0f}%)"
            )
        if max(abs(change) for change in drifts) > 20:
            print(
                "           (the machine's speed changed during the run: other load; the CPU per request is steadier)"
            )
    busy = []
    for endpoint, label in ENDPOINTS.items():
        stats = totals[endpoint]
        cores = {name: (seconds or 0.0) / stats.elapsed for name, seconds in stats.cpu.items()}
        busy.append(f"{label} {cores['server']:.2f}+{cores['db']:.2f}+{cores['client']:.2f}")
    print(f"CPUs busy  server+db+client of {cpus}: {'; '.join(busy)}")
    connects = sum(t.connects for t in totals.values()) / max(sum(t.requests for t in totals.values()), 1)
    print(f"TCP        {connects:.2f} new connections per request (sync workers close after every response)")
    for endpoint, label in ENDPOINTS.items():
        if totals[endpoint].errors:
            print(f"errors     {label}: {dict(totals[endpoint].errors)}")
    if args.show_queries:
        for endpoint, label in ENDPOINTS.items():
            print(f"\nqueries of one {label} request:")
            for number, query in enumerate(queries[endpoint], 1):
                print(f"  {number:>2}. {query}")
    return ratio


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per endpoint (default 10)")
    parser.add_argument(
        "--round", type=float, default=2.0, help="seconds per endpoint and round; rounds alternate (default 2)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="virtual users at once (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds per endpoint first (default 1)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the scratch PostgreSQL database, dropped and recreated (default {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--keep-database", action="store_true", help="leave the scratch database for inspection")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one request of each endpoint")
    parser.add_argument("--check", action="store_true", help="exit with 2 when the goal is not met")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a request counts as failed")
    args = parser.parse_args(argv)
    if min(args.duration, args.round, args.concurrency, args.workers, args.timeout) <= 0 or args.warmup < 0:
        parser.error("--duration, --round, --concurrency, --workers and --timeout must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    # A safety net, well above a normal run (each endpoint gets --duration and --warmup seconds).
    install_signals(120 + 2 * len(ENDPOINTS) * args.duration + 2 * len(ENDPOINTS) * args.warmup)
    db = process = meter = log = None
    stop = threading.Event()
    try:
        db = create_database(args.database_url, sqlite=args.sqlite)
        print(f"database   {db.label}", flush=True)
        setup_django(db)
        clock = time.monotonic()
        slots = prepare_data(args.concurrency + 1)  # one more for counting queries in this process
        queries = count_queries(slots.pop())
        from django.db import connections

        connections.close_all()
        print(f"setup      migrated, guides loaded, {len(slots)} users ({time.monotonic() - clock:.0f} s)", flush=True)
        log = tempfile.NamedTemporaryFile(mode="w+", prefix="samverkan-bench-gunicorn-", suffix=".log")  # noqa: SIM115
        process, port = start_gunicorn(log, workers=args.workers)
        print(f"server     gunicorn pid {process.pid} on {HOST}:{port}, {args.workers} workers", flush=True)
        vus = [VirtualUser(slot, port, args.timeout) for slot in slots]
        for vu in vus:
            vu.open_page()
        meter = CpuMeter(process.pid, db)
        if args.warmup:
            for endpoint in ENDPOINTS:
                run_phase(vus, endpoint, args.warmup, stop)
        # Short rounds in alternating order: a change in the machine's speed (other people's work on
        # a shared machine) falls alike on the endpoints instead of on whichever ran then.
        count = max(1, math.ceil(args.duration / args.round - 1e-9))
        seconds = args.duration / count
        rounds = []
        for number in range(count):
            order = list(ENDPOINTS) if number % 2 == 0 else list(ENDPOINTS)[::-1]
            rounds.append({endpoint: run_phase(vus, endpoint, seconds, stop, meter) for endpoint in order})
            rates = ", ".join(f"{ENDPOINTS[e]} {rounds[-1][e].rate:.1f}" for e in ENDPOINTS)
            print(f"round {number + 1:<4} req/s: {rates}", flush=True)
        if process.poll() is not None:
            raise Abort(f"gunicorn exited with {process.returncode} during the run")
        ratio = report(args, db, port, rounds, queries, started, load_before)
        errors = sum(sum(r[endpoint].errors.values()) for r in rounds for endpoint in ENDPOINTS)
        if errors:
            print("\ngunicorn's log (last lines):\n" + log_tail(log), file=sys.stderr)
            return 1
        return 2 if args.check and ratio < GOAL else 0
    except Abort as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        if log is not None:
            print("gunicorn's log (last lines):\n" + log_tail(log), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    finally:
        signal.alarm(0)
        stop.set()
        if meter is not None:
            meter.close()
        if process is not None:
            stop_gunicorn(process)
        if db is not None and not args.keep_database:
            drop_database(db)
        if log is not None:
            log.close()


if __name__ == "__main__":
    sys.exit(main())
