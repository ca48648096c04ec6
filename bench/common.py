"""What the benchmarks in bench/ share: the scratch database (PostgreSQL whose name contains
``bench``, on loopback only, or a temporary SQLite file), Django set up against it with
``bench.bench_settings``, users and sessions made without a login, gunicorn on a free port of
127.0.0.1 that dies with the benchmark, latency statistics, and the signal handling that stops a
run cleanly (Ctrl-C, SIGTERM, a hard time limit)."""

import contextlib
import ctypes
import http.client
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASE_URL = f"{PG_SERVER}/samverkan_bench"


class Abort(Exception):
    """The run cannot go on; the message says why."""


# The scratch database --------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    vendor: str  # "postgresql" or "sqlite"
    label: str
    name: str
    admin: dict | None = None  # psycopg connection arguments for the maintenance database
    tmpdir: str | None = None


def pg_admin(url):
    """psycopg arguments for the maintenance database of the server in ``url`` (loopback only)."""
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise Abort(f"the benchmark only talks to loopback; {parts.hostname} is not")
    admin = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "dbname": "postgres",
        "autocommit": True,
    }
    return {key: value for key, value in admin.items() if value is not None}


def create_database(url=DEFAULT_DATABASE_URL, *, sqlite=False):
    """A new empty database: PostgreSQL ``url`` dropped and recreated (its name must contain
    'bench'), or with ``sqlite`` a temporary file."""
    if sqlite:
        tmpdir = tempfile.mkdtemp(prefix="samverkan-bench-")
        path = Path(tmpdir) / "bench.sqlite3"
        label = f"SQLite {sqlite3.sqlite_version}, temporary file, WAL, a new connection per request (CONN_MAX_AGE 0)"
        return Database(url=f"sqlite:///{path}", vendor="sqlite", label=label, name=str(path), tmpdir=tmpdir)
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise Abort(f"the database is dropped and recreated, so its name must contain 'bench' (got {name!r})")
    admin = pg_admin(url)
    try:
        with psycopg.connect(**admin) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            server = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as exc:
        raise Abort(f"PostgreSQL at {admin['host']}:{admin['port']}: {exc}".strip()) from exc
    conn_max_age = os.environ.get("DB_CONN_MAX_AGE", "60")
    label = (
        f"PostgreSQL {server.split()[0]}, scratch database {name} on {admin['host']}:{admin['port']}, "
        f"persistent connections (CONN_MAX_AGE {conn_max_age})"
    )
    return Database(url=url, vendor="postgresql", label=label, name=name, admin=admin)


def drop_database(db):
    if db.tmpdir:
        shutil.rmtree(db.tmpdir, ignore_errors=True)
        return
    import psycopg
    from psycopg import sql

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    with psycopg.connect(**db.admin) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))


# Django, users and sessions ---------------------------------------------------------------------


def setup_django(db):
    """Django in this process against ``db``, with the settings gunicorn gets too."""
    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise: no collectstatic here
    os.environ["DATABASE_URL"] = db.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    os.environ["SAMVERKAN_ENV"] = "development"  # production would redirect plain http to https
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate_and_load_guides():
    from django.core.management import call_command

    from guides import loader

    call_command("migrate", interactive=False, verbosity=0)
    if os.environ.get("CACHE_URL", "").startswith("dbcache://"):
        call_command("createcachetable", verbosity=0)
    loader.load()


class People:
    """Users without a password hash of their own (hashing costs a quarter of a second each):
    ``password`` (when given) is hashed once and the hash shared by everybody made here."""

    def __init__(self, password=None, prefix="bench"):
        from django.contrib.auth.hashers import make_password

        self.prefix = prefix
        self.count = 0
        self.hash = make_password(password) if password else None

    def user(self, name):
        from django.contrib.auth import get_user_model

        self.count += 1
        user = get_user_model().objects.create_user(
            email=f"{self.prefix}{self.count}@bench.example", password=None, full_name=name
        )
        if self.hash:
            user.password = self.hash
            user.save(update_fields=["password"])
        return user


def collaboration_with_questions(coordinator, kommun, forening, title):
    """A collaboration of ``kommun`` (coordinating) and ``forening`` with its default checklist
    sections; returns (collaboration, [kommun's party, förening's party], [(checklist section,
    joint question), ...] in guide order)."""
    from guides.models import Item
    from projects.checklists.services import ensure_default_sections, ordered_sections
    from projects.core import services as actions

    collaboration = actions.create_collaboration(user=coordinator, organisation=kommun, title=title)
    parties = [collaboration.parties.get(), actions.add_party(collaboration, user=coordinator, organisation=forening)]
    ensure_default_sections(collaboration, coordinator)
    questions = [
        (cs, item)
        for cs in ordered_sections(collaboration)
        if not cs.per_party
        for item in Item.objects.current().filter(section_id=cs.section_id, kind=Item.Kind.QUESTION).order_by("pk")
    ]
    if not questions:
        raise Abort("the default checklist sections have no joint questions; are the guides loaded?")
    return collaboration, parties, questions


def make_session(user):
    """A logged-in session for ``user``, as a login would leave it; returns the session key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def signed_in_client(session_key):
    """Django's test Client, in this process, signed in with ``session_key`` (make_session)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def timed_get(client, path):
    """(seconds, number of queries, response) of one GET; Abort unless it answered 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise Abort(f"GET {path} answered {response.status_code}")
    return elapsed, len(captured.captured_queries), response


# gunicorn ----------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def die_with_parent():
    """In the child before exec: SIGTERM when the benchmark process dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(command, log, env=None):
    """A child in its own session that gets SIGTERM when this process dies."""
    return subprocess.Popen(
        command,
        env=env or os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        preexec_fn=die_with_parent,  # safe: called before any thread of ours is started
    )


def gunicorn_label(workers, threads):
    kind = f"{workers} gthread workers x {threads} threads" if threads > 1 else f"{workers} sync workers"
    return f"gunicorn {package_version('gunicorn')}, {kind}"


def start_gunicorn(log, *, workers=2, threads=1, keep_alive=None, env=None):
    """gunicorn serving ``samverkan.wsgi`` with this process's DJANGO_SETTINGS_MODULE and
    DATABASE_URL on a free port of 127.0.0.1; returns (process, port) once it answers.
    ``keep_alive``: seconds an idle connection is kept open (gthread; gunicorn's default is 2)."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "samverkan.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--chdir", str(ROOT),
        "--error-logfile", "-", "--log-level", "warning", "--graceful-timeout", "5",
    ]  # fmt: skip
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    if keep_alive:
        command += ["--keep-alive", str(keep_alive)]
    process = spawn(command, log, env)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise Abort(f"gunicorn exited with {process.returncode} before it was ready")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return process, port
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise Abort("gunicorn did not answer within 30 s")
        time.sleep(0.1)


def stop_process(process):
    """SIGTERM, then after 10 s SIGKILL to its whole session (the master and its workers)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


stop_gunicorn = stop_process


def log_tail(log, lines=20):
    if log is None:
        return ""
    log.flush()
    log.seek(0)
    return "".join(log.readlines()[-lines:])


# Running a benchmark -----------------------------------------------------------------------------


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


def _raise_time_limit(signum, frame):
    raise Abort("the run took longer than its time limit and was stopped")


def install_signals(limit_seconds):
    """SIGTERM ends the run through ``finally`` blocks, Ctrl-C works in the background too, and
    SIGALRM after ``limit_seconds`` stops a run that hangs (the hard stop)."""
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGALRM, _raise_time_limit)
    signal.alarm(int(limit_seconds))


class Guard:
    """The frame of a benchmark's main(), as ``with Guard(seconds) as guard:``: the hard stop and
    the signals (install_signals), an Abort reported with the end of ``guard.log`` (exit status 1),
    Ctrl-C (130), and ``guard.cleanups`` run last-in first-out whatever happens (stop the servers,
    then drop the database). ``guard.status`` is the exit status when the body did not return."""

    def __init__(self, limit_seconds):
        self.limit_seconds = limit_seconds
        self.status = 1
        self.log = None
        self.cleanups = []

    def __enter__(self):
        install_signals(self.limit_seconds)
        return self

    def __exit__(self, kind, exc, traceback):
        signal.alarm(0)
        if isinstance(exc, Abort):
            print(f"benchmark stopped: {exc}", file=sys.stderr)
            if self.log is not None:
                print("server log (last lines):\n" + log_tail(self.log, 30), file=sys.stderr)
            self.status = 1
        elif isinstance(exc, KeyboardInterrupt):
            print("benchmark interrupted", file=sys.stderr)
            self.status = 130
        for cleanup in reversed(self.cleanups):
            cleanup()
        return isinstance(exc, (Abort, KeyboardInterrupt))


def machine_line(load_before):
    return (
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"Django {package_version('django')}; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )


# CPU accounting from /proc -----------------------------------------------------------------------


def _cpu_seconds(pid):
    """User plus system CPU seconds of a process, or None when it is gone or not visible."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _parent(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


class CpuMeter:
    """CPU seconds used by the gunicorn master and workers, the PostgreSQL backends serving the
    benchmark database, and this process (the client)."""

    def __init__(self, gunicorn_pid, db):
        self.gunicorn_pid = gunicorn_pid
        self.db = db
        self.monitor = None
        if db.vendor == "postgresql":
            import psycopg

            self.monitor = psycopg.connect(**db.admin)

    def _db_pids(self):
        if self.monitor is None:
            return []
        rows = self.monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.db.name]
        )
        return [row[0] for row in rows]

    def sample(self):
        workers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
        workers = [pid for pid in workers if _parent(pid) == self.gunicorn_pid]
        server = sum(_cpu_seconds(pid) or 0.0 for pid in [self.gunicorn_pid, *workers])
        backends = {pid: _cpu_seconds(pid) for pid in self._db_pids()}
        return {"server": server, "db": backends, "client": time.process_time()}

    @staticmethod
    def difference(before, after):
        db = None
        if after["db"] and all(value is not None for value in after["db"].values()):
            db = sum(value - (before["db"].get(pid) or 0.0) for pid, value in after["db"].items())
        return {"server": after["server"] - before["server"], "db": db, "client": after["client"] - before["client"]}

    def close(self):
        if self.monitor is not None:
            self.monitor.close()


# Statistics --------------------------------------------------------------------------------------


def percentile(values, share):
    """The nearest-rank percentile of ``values`` (NaN when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Stats:
    latencies: list = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    planned: float = 0.0
    connects: int = 0
    cpu: dict = field(default_factory=lambda: {"server": 0.0, "db": 0.0, "client": 0.0})

    @property
    def requests(self):
        return len(self.latencies) + sum(self.errors.values())

    @property
    def rate(self):
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def merge(self, other):
        self.latencies += other.latencies
        self.errors.update(other.errors)
        self.elapsed += other.elapsed
        self.connects += other.connects
        for name, seconds in other.cpu.items():
            self.cpu[name] = None if seconds is None or self.cpu[name] is None else self.cpu[name] + seconds

    def percentile(self, share):
        return percentile(self.latencies, share)


class Connection(http.client.HTTPConnection):
    """Counts the TCP connections it opens (gunicorn's sync workers close one after every response;
    http.client then opens the next one by itself)."""

    connects = 0

    def connect(self):
        self.connects += 1
        super().connect()
