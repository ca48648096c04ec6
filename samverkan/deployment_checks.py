"""What ``manage.py check_deployment`` checks (docs/deployment.md, "Checking a deployment").

Every check is a function of a :class:`Context` (the settings, the environment, and the database
connection to ask) that returns a :class:`Result`: ``OK`` (✓), ``FAIL`` (✗: the deployment is not ready;
the command exits 1) or ``WARN`` (!: works, but read the message). Checks take the settings and the
environment as arguments so that tests can hand them a namespace and a dict; the checks that need the
database ask the connection ``Context.using`` (the configured one), and the HTTPS check runs Django's own
``check --deploy`` against the running settings.

The messages are in English: they are read by IT staff, like the rest of the deployment guide.
"""

import smtplib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from django_tasks import task

OK, FAIL, WARN = "ok", "fail", "warn"
SYMBOLS = {OK: "✓", FAIL: "✗", WARN: "!"}

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
DEV_FROM_EMAIL = "noreply@samverkan.localhost"
DATABASE_TASK_BACKEND = "django_tasks_db.DatabaseBackend"
IMMEDIATE_TASK_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
OIDC_VARIABLES = ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
# A background task finished within this many minutes counts as "a worker was seen recently".
WORKER_SEEN_MINUTES = 60
# A task ready for longer than this means no worker is taking tasks (the same limit as /halsa/?full=1).
QUEUE_MAX_AGE_MINUTES = 10
HEALTH_PATH = "halsa/"
SEAL_WARN_DAYS = 30  # the seal certificate expires within this many days: a warning


@dataclass
class Result:
    name: str
    status: str
    message: str

    @property
    def symbol(self):
        return SYMBOLS[self.status]

    def as_dict(self):
        return asdict(self)


@dataclass
class Context:
    settings: object
    env: dict
    using: str = "default"
    send_test_email_to: str = ""
    probe_worker_seconds: float = 0  # > 0: enqueue a probe task and wait this long for a worker to run it
    database_ok: bool | None = None  # set by check_database_reachable; later checks skip when False
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)  # tests hand in their own

    def setting(self, name, default=None):
        return getattr(self.settings, name, default)

    @property
    def connection(self):
        from django.db import connections

        return connections[self.using]


def _skip_without_database(ctx, name):
    if ctx.database_ok is False:
        return Result(name, FAIL, "not checked: the database is not reachable")
    return None


# The environment --------------------------------------------------------------------------------


def check_environment(ctx):
    value = ctx.env.get("SAMVERKAN_ENV", "")
    if value == "production":
        return Result("environment", OK, "SAMVERKAN_ENV=production")
    return Result(
        "environment",
        FAIL,
        f"SAMVERKAN_ENV is {value or 'not set'}: set SAMVERKAN_ENV=production "
        "(HTTPS redirects, HSTS, secure cookies, DEBUG off)",
    )


def check_debug(ctx):
    if ctx.setting("DEBUG"):
        return Result("debug", FAIL, "DEBUG is on: unset DEBUG (it is off by default in production)")
    return Result("debug", OK, "DEBUG is off")


def check_secret_key(ctx):
    key = ctx.setting("SECRET_KEY") or ""
    if not key:
        return Result("secret_key", FAIL, "SECRET_KEY is not set")
    if key == DEV_SECRET_KEY or key.startswith("django-insecure"):
        return Result("secret_key", FAIL, "SECRET_KEY is the development key: generate a new one")
    if len(key) < 50 or len(set(key)) < 5:
        return Result(
            "secret_key",
            FAIL,
            f"SECRET_KEY is weak ({len(key)} characters, {len(set(key))} different): use at least 50 random "
            "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'",
        )
    return Result("secret_key", OK, f"SECRET_KEY is set ({len(key)} characters)")


def check_allowed_hosts(ctx):
    hosts = list(ctx.setting("ALLOWED_HOSTS") or [])
    if not hosts:
        return Result("allowed_hosts", FAIL, "ALLOWED_HOSTS is empty: set it to the site's host name")
    if "*" in hosts:
        return Result("allowed_hosts", FAIL, "ALLOWED_HOSTS contains '*': name the site's host names")
    return Result("allowed_hosts", OK, "ALLOWED_HOSTS: " + ", ".join(hosts))


def _host_allowed(host, allowed):
    from django.http.request import validate_host

    return validate_host(host, allowed)


def check_csrf_trusted_origins(ctx):
    origins = list(ctx.setting("CSRF_TRUSTED_ORIGINS") or [])
    hosts = list(ctx.setting("ALLOWED_HOSTS") or [])
    if not origins:
        return Result(
            "csrf_trusted_origins",
            OK,
            "CSRF_TRUSTED_ORIGINS is empty: fine when the proxy passes the original Host header",
        )
    not_https = [origin for origin in origins if urlsplit(origin).scheme != "https"]
    if not_https:
        return Result(
            "csrf_trusted_origins", FAIL, "CSRF_TRUSTED_ORIGINS must be https:// origins: " + ", ".join(not_https)
        )
    unknown = [origin for origin in origins if not _host_allowed(urlsplit(origin).hostname or "", hosts)]
    if unknown:
        return Result(
            "csrf_trusted_origins",
            WARN,
            "CSRF_TRUSTED_ORIGINS names hosts that ALLOWED_HOSTS does not: " + ", ".join(unknown),
        )
    return Result("csrf_trusted_origins", OK, "CSRF_TRUSTED_ORIGINS: " + ", ".join(origins))


# The database -------------------------------------------------------------------------------------


def check_database_engine(ctx):
    engine = (ctx.setting("DATABASES") or {}).get(ctx.using, {}).get("ENGINE", "")
    if engine.endswith("postgresql"):
        return Result("database_engine", OK, "DATABASE_URL is PostgreSQL")
    return Result(
        "database_engine",
        FAIL,
        f"the database is {engine.rsplit('.', 1)[-1] or 'not configured'}: "
        "set DATABASE_URL=postgres://user:password@host:5432/samverkan",
    )


def check_database_reachable(ctx):
    from django.db import DatabaseError

    try:
        with ctx.connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        ctx.database_ok = False
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Result("database_reachable", FAIL, f"the database does not answer: {first_line}")
    ctx.database_ok = True
    version = ""
    if ctx.connection.vendor == "postgresql":
        major = ctx.connection.pg_version // 10000
        version = f" (PostgreSQL {major})"
        if major < 14:
            return Result(
                "database_reachable", WARN, f"the database answers{version}: PostgreSQL 14 or newer is tested"
            )
    return Result("database_reachable", OK, f"the database answers{version}")


def check_migrations(ctx):
    if skipped := _skip_without_database(ctx, "migrations"):
        return skipped
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(ctx.connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:3])
        more = f" and {len(plan) - 3} more" if len(plan) > 3 else ""
        return Result("migrations", FAIL, f"{len(plan)} migrations not applied ({names}{more}): run manage.py migrate")
    return Result("migrations", OK, "every migration is applied")


def check_guide_content(ctx):
    if skipped := _skip_without_database(ctx, "guide_content"):
        return skipped
    from django.db import DatabaseError

    from guides.models import Guide, Item

    try:
        guides = Guide.objects.using(ctx.using).count()
        items = Item.objects.using(ctx.using).count()
    except DatabaseError:
        return Result("guide_content", FAIL, "the guide tables cannot be read: run manage.py migrate")
    if not guides:
        return Result("guide_content", FAIL, "no guide content: run manage.py load_guides")
    return Result("guide_content", OK, f"guide content loaded ({guides} guides, {items} items)")


# Static files and e-mail --------------------------------------------------------------------------


def check_static_files(ctx):
    storages = ctx.setting("STORAGES") or {}
    backend = storages.get("staticfiles", {}).get("BACKEND", "")
    root = ctx.setting("STATIC_ROOT")
    if not root:
        return Result("static_files", FAIL, "STATIC_ROOT is not set")
    if "Manifest" not in backend:
        return Result(
            "static_files",
            WARN,
            "static files are not stored with a manifest (SAMVERKAN_ENV=production uses whitenoise's "
            "CompressedManifestStaticFilesStorage): browsers cannot cache them for long",
        )
    manifest = Path(root) / "staticfiles.json"
    if not manifest.is_file():
        return Result("static_files", FAIL, f"{manifest} is missing: run manage.py collectstatic --noinput")
    return Result("static_files", OK, f"static files collected in {root}")


def check_email(ctx):
    backend = ctx.setting("EMAIL_BACKEND") or ""
    host = ctx.setting("EMAIL_HOST") or ""
    if backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        return Result(
            "email", FAIL, "e-mail is not sent (EMAIL_BACKEND is the console): set EMAIL_HOST and the SMTP settings"
        )
    if backend.endswith("smtp.EmailBackend") and not host:
        return Result("email", FAIL, "EMAIL_HOST is not set")
    if backend.endswith("smtp.EmailBackend"):
        port = ctx.setting("EMAIL_PORT")
        secure = "TLS" if ctx.setting("EMAIL_USE_TLS") else "SSL" if ctx.setting("EMAIL_USE_SSL") else "no TLS"
        if secure == "no TLS":
            return Result("email", WARN, f"SMTP {host}:{port} without TLS: set EMAIL_USE_TLS or EMAIL_USE_SSL")
        return Result("email", OK, f"SMTP {host}:{port} ({secure})")
    return Result("email", WARN, f"e-mail goes through {backend}")


def check_default_from_email(ctx):
    sender = ctx.setting("DEFAULT_FROM_EMAIL") or ""
    if not sender or DEV_FROM_EMAIL in sender or sender.rstrip(">").endswith((".localhost", "@localhost")):
        return Result(
            "default_from_email",
            FAIL,
            f"DEFAULT_FROM_EMAIL is {sender or 'not set'}: set an address of your domain, "
            "e.g. 'Samverkan <noreply@kommun.se>'",
        )
    return Result("default_from_email", OK, f"DEFAULT_FROM_EMAIL: {sender}")


def check_test_email(ctx):
    from django.core.mail import send_mail

    try:
        send_mail(
            "[Samverkan] Test message",
            "This message was sent by manage.py check_deployment --send-test-email.",
            ctx.setting("DEFAULT_FROM_EMAIL"),
            [ctx.send_test_email_to],
        )
    except (OSError, smtplib.SMTPException) as exc:
        return Result("test_email", FAIL, f"sending to {ctx.send_test_email_to} failed: {type(exc).__name__}: {exc}")
    return Result("test_email", OK, f"a test message was handed to the mail server for {ctx.send_test_email_to}")


# Background tasks ---------------------------------------------------------------------------------


def _task_backend(ctx):
    return ((ctx.setting("TASKS") or {}).get("default") or {}).get("BACKEND", "")


def check_task_backend(ctx):
    backend = _task_backend(ctx)
    if backend == DATABASE_TASK_BACKEND:
        return Result("task_backend", OK, "TASK_BACKEND is the database backend (run manage.py db_worker)")
    if backend == IMMEDIATE_TASK_BACKEND:
        return Result(
            "task_backend",
            WARN,
            "TASK_BACKEND is the immediate backend: large PDFs are rendered inside the request; "
            f"set TASK_BACKEND={DATABASE_TASK_BACKEND} and run manage.py db_worker",
        )
    return Result("task_backend", WARN, f"TASK_BACKEND is {backend or 'not set'}")


def check_worker(ctx, now=None):
    if _task_backend(ctx) != DATABASE_TASK_BACKEND:
        return Result("worker", OK, "no worker needed: tasks run inside the request")
    if skipped := _skip_without_database(ctx, "worker"):
        return skipped
    from django.db import DatabaseError
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    tasks = DBTaskResult.objects.using(ctx.using)
    cutoff = now - timedelta(minutes=QUEUE_MAX_AGE_MINUTES)
    try:
        waiting = (
            tasks.ready().filter(Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)).count()
        )
        last = tasks.exclude(finished_at=None).order_by("-finished_at").values_list("finished_at", flat=True).first()
        any_task = tasks.exists()
    except DatabaseError:
        return Result("worker", FAIL, "the task table cannot be read: run manage.py migrate")
    if waiting:
        return Result(
            "worker",
            FAIL,
            f"{waiting} tasks have waited more than {QUEUE_MAX_AGE_MINUTES} minutes: is manage.py db_worker running?",
        )
    if last is None:
        note = "tasks are waiting" if any_task else "no background task has run yet"
        return Result("worker", WARN, f"{note}: to see whether a worker runs, add --probe-worker")
    minutes = int((now - last).total_seconds() // 60)
    if minutes <= WORKER_SEEN_MINUTES:
        return Result("worker", OK, f"a worker finished a task {minutes} minutes ago")
    return Result(
        "worker",
        WARN,
        f"the last task finished {minutes} minutes ago and none is waiting: quiet, or no worker runs "
        "(add --probe-worker to find out)",
    )


@task()
def worker_probe():
    """Enqueued by ``check_deployment --probe-worker``: a worker that runs it is alive."""
    return "ok"


def check_worker_probe(ctx):
    """Enqueue :func:`worker_probe` and wait up to ``ctx.probe_worker_seconds`` for a worker to run it."""
    if _task_backend(ctx) != DATABASE_TASK_BACKEND:
        return Result("worker_probe", WARN, "nothing to probe: tasks run inside the request")
    if skipped := _skip_without_database(ctx, "worker_probe"):
        return skipped
    from django_tasks_db.models import DBTaskResult

    result = worker_probe.enqueue()
    started = time.monotonic()
    while True:
        result.refresh()
        waited = time.monotonic() - started
        if result.is_finished:
            return Result("worker_probe", OK, f"a worker ran the probe task within {waited:.0f} s")
        if waited >= ctx.probe_worker_seconds:
            break
        ctx.sleep(0.5)
    # Leave nothing behind for a worker that starts later.
    DBTaskResult.objects.filter(id=result.id, status="READY").delete()
    return Result(
        "worker_probe",
        FAIL,
        f"no worker ran the probe task within {ctx.probe_worker_seconds:.0f} s: is manage.py db_worker running?",
    )


# The application's own settings -------------------------------------------------------------------


def check_poll_seconds(ctx):
    seconds = ctx.setting("CHECKLIST_POLL_SECONDS")
    if not isinstance(seconds, int) or seconds < 2:
        return Result(
            "checklist_poll",
            FAIL,
            f"CHECKLIST_POLL_SECONDS is {seconds}: at least 2 (every open checklist asks the server this often)",
        )
    if seconds < 5:
        return Result("checklist_poll", WARN, f"CHECKLIST_POLL_SECONDS is {seconds}: under 5 s adds load")
    if seconds > 120:
        return Result(
            "checklist_poll", WARN, f"CHECKLIST_POLL_SECONDS is {seconds}: people see each other's changes late"
        )
    return Result("checklist_poll", OK, f"CHECKLIST_POLL_SECONDS is {seconds}")


def check_sessions(ctx):
    engine = ctx.setting("SESSION_ENGINE") or "django.contrib.sessions.backends.db"
    problems, warnings = [], []
    if engine.endswith(".cache"):
        problems.append("SESSION_ENGINE keeps sessions only in the cache (lost on restart, per process)")
    elif engine.endswith("signed_cookies"):
        warnings.append("sessions in signed cookies cannot be ended from the server (log out everywhere)")
    if not ctx.setting("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off")
    if ctx.setting("SESSION_COOKIE_HTTPONLY") is False:
        problems.append("SESSION_COOKIE_HTTPONLY is off")
    age = ctx.setting("SESSION_COOKIE_AGE") or 0
    if age > 24 * 60 * 60:
        warnings.append(f"SESSION_COOKIE_AGE is {age // 3600} hours: a session outlives a working day")
    idle = ctx.setting("SESSION_IDLE_MINUTES")
    if idle is not None and not 5 <= idle <= 8 * 60:
        warnings.append(f"SESSION_IDLE_MINUTES is {idle}: 5 to 480 minutes is sane")
    if problems:
        return Result("sessions", FAIL, "; ".join(problems + warnings))
    if warnings:
        return Result("sessions", WARN, "; ".join(warnings))
    where = "the database" if engine.endswith((".db", ".cached_db")) else engine
    return Result("sessions", OK, f"sessions in {where}, secure cookie, at most {age // 3600} hours")


def check_https(ctx):
    """Django's own ``check --deploy`` (against the running settings) and the proxy header."""
    from django.core import checks

    messages = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.WARNING and not message.is_silenced()
    ]
    if messages:
        ids = ", ".join(sorted({message.id for message in messages}))
        return Result("https", FAIL, f"manage.py check --deploy reports {len(messages)} issues: {ids}")
    if not ctx.setting("SECURE_PROXY_SSL_HEADER"):
        return Result(
            "https",
            WARN,
            "check --deploy is clean, but SECURE_PROXY_SSL_HEADER is not set: behind a TLS proxy every "
            "request looks like plain HTTP",
        )
    if ctx.setting("SECURE_SSL_REDIRECT"):
        import re

        exempt = ctx.setting("SECURE_REDIRECT_EXEMPT") or []
        if not any(re.search(pattern, HEALTH_PATH) for pattern in exempt):
            return Result(
                "https",
                WARN,
                "check --deploy is clean, but /halsa/ is redirected to HTTPS: load balancers that probe over "
                'HTTP get 301 (SECURE_REDIRECT_EXEMPT = [r"^halsa/$"])',
            )
    return Result("https", OK, "manage.py check --deploy reports 0 issues")


def check_oidc(ctx):
    present = [name for name in OIDC_VARIABLES if ctx.env.get(name)]
    if not present:
        return Result("oidc", OK, "single sign-on (OIDC) is not configured")
    missing = [name for name in OIDC_VARIABLES if name not in present]
    if missing:
        return Result("oidc", FAIL, "single sign-on is half configured: set " + ", ".join(missing) + " too")
    if urlsplit(ctx.env["OIDC_SERVER_URL"]).scheme != "https":
        return Result("oidc", FAIL, "OIDC_SERVER_URL must be an https:// URL")
    return Result("oidc", OK, f"single sign-on through {ctx.env['OIDC_SERVER_URL']}")


def check_privacy_controller(ctx):
    controller = ctx.setting("PRIVACY_CONTROLLER", "") or ""
    if not controller.strip():
        return Result(
            "privacy_controller",
            FAIL,
            "PRIVACY_CONTROLLER is not set: the privacy page must name who is responsible for the personal data",
        )
    return Result("privacy_controller", OK, f"PRIVACY_CONTROLLER: {controller}")


# The demo's service owner (settings.py's defaults): a deployment names its own.
DEMO_OWNER_DOMAIN = "@exempelkommun.se"


def check_service_owner(ctx):
    """The footer and the accessibility statement name who is responsible for the service, and
    barriers reported there are e-mailed to SERVICE_OWNER_EMAIL (lag 2018:1937)."""
    name = (ctx.setting("SERVICE_OWNER_NAME", "") or "").strip()
    email = (ctx.setting("SERVICE_OWNER_EMAIL", "") or "").strip()
    if not name or not email or email.lower().endswith(DEMO_OWNER_DOMAIN):
        return Result(
            "service_owner",
            FAIL,
            "SERVICE_OWNER_NAME and SERVICE_OWNER_EMAIL are not set (or are the demo's): the accessibility "
            "statement must name who is responsible, and reported barriers are e-mailed to that address",
        )
    return Result("service_owner", OK, f"service owner: {name} <{email}>")


def check_seal(ctx):
    """Decided agreements are sealed with the certificate in SEAL_PKCS12_PATH (projects/records/seal.py):
    it must be readable with SEAL_PKCS12_PASSWORD, valid for at least SEAL_WARN_DAYS more, and not
    self-signed (the development's test seal, manage.py make_test_seal)."""
    from projects.records import seal

    path = ctx.setting("SEAL_PKCS12_PATH", "") or ""
    if not path or not Path(path).is_file():
        return Result("seal", FAIL, f"the seal certificate is missing: SEAL_PKCS12_PATH ({path or 'not set'})")
    try:
        certificate = seal.load_certificate(path, ctx.setting("SEAL_PKCS12_PASSWORD", "") or "")
    except Exception as exc:  # unreadable, wrong password, not PKCS#12
        return Result("seal", FAIL, f"the seal certificate cannot be read: {exc}")
    if certificate.expired:
        return Result(
            "seal", FAIL, f"the seal certificate expired {certificate.not_after:%Y-%m-%d}: {certificate.subject}"
        )
    if certificate.self_signed:
        return Result(
            "seal",
            FAIL,
            f"the seal certificate is self-signed (a test seal): {certificate.subject}; use the organisation's "
            "seal certificate",
        )
    left = certificate.not_after - timezone.now()
    if left < timedelta(days=SEAL_WARN_DAYS):
        return Result("seal", WARN, f"the seal certificate expires {certificate.not_after:%Y-%m-%d}: renew it")
    timestamp = ctx.setting("TSA_URL", "") or ""
    note = f", timestamps from {timestamp}" if timestamp else ", no timestamp service (TSA_URL)"
    return Result("seal", OK, f"seal: {certificate.subject}, valid until {certificate.not_after:%Y-%m-%d}{note}")


def check_cache(ctx):
    caches = ctx.setting("CACHES") or {}
    backend = caches.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache") or not backend:
        return Result(
            "cache",
            WARN,
            "the cache is per process (local memory): allauth's rate limits and its memory of used two-factor "
            "codes are per process; set CACHE_URL (redis://… or dbcache://…) when running more than one process",
        )
    from django.core.cache import caches as django_caches
    from django.db import transaction

    try:
        with transaction.atomic(using=ctx.using):  # a database cache's failed query must not spoil what follows
            cache = django_caches["default"]
            cache.set("samverkan-check-deployment", "ok", 10)
            answer = cache.get("samverkan-check-deployment")
    except Exception as exc:  # any failure of the cache server is the answer
        hint = ": run manage.py createcachetable" if backend.endswith("DatabaseCache") else ""
        detail = (str(exc).strip().splitlines() or [""])[0]
        return Result("cache", FAIL, f"the cache does not answer ({type(exc).__name__}: {detail}){hint}")
    if answer != "ok":
        return Result("cache", FAIL, "the cache does not keep what is stored")
    return Result("cache", OK, f"shared cache ({backend.rsplit('.', 1)[-1]}) answers")


CHECKS = [
    check_environment,
    check_debug,
    check_secret_key,
    check_allowed_hosts,
    check_csrf_trusted_origins,
    check_https,
    check_database_engine,
    check_database_reachable,
    check_migrations,
    check_guide_content,
    check_static_files,
    check_email,
    check_default_from_email,
    check_task_backend,
    check_worker,
    check_poll_seconds,
    check_sessions,
    check_cache,
    check_oidc,
    check_privacy_controller,
    check_service_owner,
    check_seal,
]


def run_checks(settings, env, *, using="default", send_test_email_to="", probe_worker_seconds=0):
    ctx = Context(
        settings=settings,
        env=dict(env),
        using=using,
        send_test_email_to=send_test_email_to,
        probe_worker_seconds=probe_worker_seconds,
    )
    results = [check(ctx) for check in CHECKS]
    if send_test_email_to:
        results.append(check_test_email(ctx))
    if probe_worker_seconds:
        results.append(check_worker_probe(ctx))
    return results


def failed(results):
    return [result for result in results if result.status == FAIL]
