"""manage.py check_deployment (samverkan/deployment_checks.py) and the deployment guide (docs/deployment.md).

Each check is tested passing and failing with a settings namespace and an environment dict; the
checks that ask the database use the test database. The command runs end to end with call_command
in a good and a bad configuration.
"""

import json
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from samverkan import deployment_checks as dc
from tests.factories import DBTaskResultFactory

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "Vh3kP9-qLm2xZr8tY6wB4nC1dF7gJ0sAeUiOoK5" + "hT2rE9wQ1zX8cV"
DB_TASKS = {"default": {"BACKEND": dc.DATABASE_TASK_BACKEND}}
GOOD_ENV = {"SAMVERKAN_ENV": "production"}


def good_settings(static_root, **overrides):
    values = {
        "DEBUG": False,
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": ["samverkan.kommun.se"],
        "CSRF_TRUSTED_ORIGINS": ["https://samverkan.kommun.se"],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
        "STATIC_ROOT": static_root,
        "STORAGES": {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}},
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.kommun.se",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "Samverkan <noreply@kommun.se>",
        "SERVICE_OWNER_NAME": "Kommunstyrelsen i Kommunen",
        "SERVICE_OWNER_EMAIL": "tillganglighet@kommun.se",
        "TASKS": DB_TASKS,
        "CHECKLIST_POLL_SECONDS": 10,
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 12 * 3600,
        "SESSION_IDLE_MINUTES": 60,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^halsa/$"],
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}},
        "PRIVACY_CONTROLLER": "Exempelkommun, kommunstyrelsen",
    }
    return SimpleNamespace(**(values | overrides))


@pytest.fixture
def static_root(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}}')
    return tmp_path


def run(check, static_root, env=None, **overrides):
    ctx = dc.Context(settings=good_settings(static_root, **overrides), env=GOOD_ENV if env is None else env)
    return check(ctx)


# Checks on settings and the environment ---------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "overrides", "env", "status", "words"),
    [
        (dc.check_environment, {}, {"SAMVERKAN_ENV": "production"}, dc.OK, "production"),
        (dc.check_environment, {}, {}, dc.FAIL, "not set"),
        (dc.check_environment, {}, {"SAMVERKAN_ENV": "development"}, dc.FAIL, "development"),
        (dc.check_debug, {}, None, dc.OK, "off"),
        (dc.check_debug, {"DEBUG": True}, None, dc.FAIL, "DEBUG is on"),
        (dc.check_secret_key, {}, None, dc.OK, "53 characters"),
        (dc.check_secret_key, {"SECRET_KEY": ""}, None, dc.FAIL, "not set"),
        (dc.check_secret_key, {"SECRET_KEY": dc.DEV_SECRET_KEY}, None, dc.FAIL, "development key"),
        (dc.check_secret_key, {"SECRET_KEY": "django-insecure-" + "x" * 60}, None, dc.FAIL, "development key"),
        (dc.check_secret_key, {"SECRET_KEY": "kort-nyckel-123"}, None, dc.FAIL, "weak (15 characters"),
        (dc.check_secret_key, {"SECRET_KEY": "ab" * 40}, None, dc.FAIL, "2 different"),
        (dc.check_allowed_hosts, {}, None, dc.OK, "samverkan.kommun.se"),
        (dc.check_allowed_hosts, {"ALLOWED_HOSTS": []}, None, dc.FAIL, "empty"),
        (dc.check_allowed_hosts, {"ALLOWED_HOSTS": ["*"]}, None, dc.FAIL, "'*'"),
        (dc.check_csrf_trusted_origins, {}, None, dc.OK, "https://samverkan.kommun.se"),
        (dc.check_csrf_trusted_origins, {"CSRF_TRUSTED_ORIGINS": []}, None, dc.OK, "empty"),
        (
            dc.check_csrf_trusted_origins,
            {"CSRF_TRUSTED_ORIGINS": ["http://samverkan.kommun.se"]},
            None,
            dc.FAIL,
            "https://",
        ),
        (
            dc.check_csrf_trusted_origins,
            {"CSRF_TRUSTED_ORIGINS": ["https://annan.kommun.se"]},
            None,
            dc.WARN,
            "annan.kommun.se",
        ),
        (
            dc.check_csrf_trusted_origins,
            {"ALLOWED_HOSTS": [".kommun.se"], "CSRF_TRUSTED_ORIGINS": ["https://samverkan.kommun.se"]},
            None,
            dc.OK,
            "",
        ),
        (dc.check_database_engine, {}, None, dc.OK, "PostgreSQL"),
        (
            dc.check_database_engine,
            {"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}},
            None,
            dc.FAIL,
            "sqlite3",
        ),
        (dc.check_static_files, {}, None, dc.OK, "collected"),
        (dc.check_static_files, {"STATIC_ROOT": ""}, None, dc.FAIL, "not set"),
        (
            dc.check_static_files,
            {"STORAGES": {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}},
            None,
            dc.WARN,
            "manifest",
        ),
        (dc.check_email, {}, None, dc.OK, "smtp.kommun.se:587 (TLS)"),
        (dc.check_email, {"EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True}, None, dc.OK, "(SSL)"),
        (dc.check_email, {"EMAIL_USE_TLS": False}, None, dc.WARN, "without TLS"),
        (dc.check_email, {"EMAIL_HOST": ""}, None, dc.FAIL, "EMAIL_HOST is not set"),
        (
            dc.check_email,
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "EMAIL_HOST": ""},
            None,
            dc.FAIL,
            "console",
        ),
        (dc.check_default_from_email, {}, None, dc.OK, "noreply@kommun.se"),
        (
            dc.check_default_from_email,
            {"DEFAULT_FROM_EMAIL": "Samverkan <noreply@samverkan.localhost>"},
            None,
            dc.FAIL,
            "samverkan.localhost",
        ),
        (dc.check_default_from_email, {"DEFAULT_FROM_EMAIL": "root@localhost"}, None, dc.FAIL, "localhost"),
        (dc.check_task_backend, {}, None, dc.OK, "database backend"),
        (
            dc.check_task_backend,
            {"TASKS": {"default": {"BACKEND": dc.IMMEDIATE_TASK_BACKEND}}},
            None,
            dc.WARN,
            "inside",
        ),
        (dc.check_poll_seconds, {}, None, dc.OK, "10"),
        (dc.check_poll_seconds, {"CHECKLIST_POLL_SECONDS": 1}, None, dc.FAIL, "at least 2"),
        (dc.check_poll_seconds, {"CHECKLIST_POLL_SECONDS": 3}, None, dc.WARN, "load"),
        (dc.check_poll_seconds, {"CHECKLIST_POLL_SECONDS": 600}, None, dc.WARN, "late"),
        (dc.check_sessions, {}, None, dc.OK, "database"),
        (dc.check_sessions, {"SESSION_COOKIE_SECURE": False}, None, dc.FAIL, "SESSION_COOKIE_SECURE"),
        (dc.check_sessions, {"SESSION_ENGINE": "django.contrib.sessions.backends.cache"}, None, dc.FAIL, "cache"),
        (
            dc.check_sessions,
            {"SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies"},
            None,
            dc.WARN,
            "signed cookies",
        ),
        (dc.check_sessions, {"SESSION_COOKIE_AGE": 7 * 24 * 3600}, None, dc.WARN, "168 hours"),
        (dc.check_sessions, {"SESSION_IDLE_MINUTES": 0}, None, dc.WARN, "SESSION_IDLE_MINUTES"),
        (dc.check_oidc, {}, {}, dc.OK, "not configured"),
        (
            dc.check_oidc,
            {},
            {
                "OIDC_SERVER_URL": "https://login.microsoftonline.com/t/v2.0",
                "OIDC_CLIENT_ID": "a",
                "OIDC_CLIENT_SECRET": "b",
            },
            dc.OK,
            "login.microsoftonline.com",
        ),
        (dc.check_oidc, {}, {"OIDC_CLIENT_ID": "a"}, dc.FAIL, "OIDC_SERVER_URL, OIDC_CLIENT_SECRET"),
        (
            dc.check_oidc,
            {},
            {"OIDC_SERVER_URL": "http://idp.kommun.se", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"},
            dc.FAIL,
            "https://",
        ),
        (dc.check_privacy_controller, {}, None, dc.OK, "kommunstyrelsen"),
        (dc.check_privacy_controller, {"PRIVACY_CONTROLLER": "  "}, None, dc.FAIL, "PRIVACY_CONTROLLER"),
        (dc.check_service_owner, {}, None, dc.OK, "tillganglighet@kommun.se"),
        (dc.check_service_owner, {"SERVICE_OWNER_EMAIL": ""}, None, dc.FAIL, "SERVICE_OWNER_EMAIL"),
        (dc.check_service_owner, {"SERVICE_OWNER_EMAIL": "tillganglighet@exempelkommun.se"}, None, dc.FAIL, "demo"),
        (
            dc.check_cache,
            {"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}},
            None,
            dc.WARN,
            "per process",
        ),
    ],
)
def test_check(static_root, check, overrides, env, status, words):
    result = run(check, static_root, env=env, **overrides)
    assert (result.status, words in result.message) == (status, True), result


def test_privacy_controller_missing_from_settings_fails(static_root):
    settings = good_settings(static_root)
    del settings.PRIVACY_CONTROLLER
    assert dc.check_privacy_controller(dc.Context(settings, GOOD_ENV)).status == dc.FAIL


def test_static_files_without_the_manifest_fail(tmp_path):
    result = run(dc.check_static_files, tmp_path)
    assert result.status == dc.FAIL and "collectstatic" in result.message


@pytest.mark.django_db
def test_shared_cache_that_answers_passes(static_root, settings):
    """The configured cache is asked for real; here the test's local-memory cache stands in for Redis."""
    result = run(dc.check_cache, static_root)
    assert result.status == dc.OK and "RedisCache" in result.message


@pytest.mark.django_db
def test_shared_cache_that_does_not_answer_fails(static_root):
    broken = mock.MagicMock()
    broken.set.side_effect = ConnectionRefusedError("Connection refused")
    with mock.patch("django.core.cache.caches", {"default": broken}):
        result = run(dc.check_cache, static_root)
    assert result.status == dc.FAIL and "ConnectionRefusedError" in result.message


@pytest.mark.django_db
def test_database_cache_without_its_table_fails(static_root, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_table"}}
    result = run(dc.check_cache, static_root, CACHES=settings.CACHES)
    assert result.status == dc.FAIL and result.message.endswith("run manage.py createcachetable")
    assert "\n" not in result.message


@pytest.mark.django_db
def test_database_cache_with_its_table_passes(static_root, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kv_cache"}}
    call_command("createcachetable", verbosity=0)
    result = run(dc.check_cache, static_root, CACHES=settings.CACHES)
    assert (result.status, result.message) == (dc.OK, "shared cache (DatabaseCache) answers")


def _settings_with(monkeypatch, **env):
    """samverkan/settings.py evaluated afresh with these environment variables (the running settings stay)."""
    import runpy

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "samverkan" / "settings.py"))


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", None),
        ("redis://10.0.0.7:6379/0", "django.core.cache.backends.redis.RedisCache", "redis://10.0.0.7:6379/0"),
        ("dbcache://samverkan_cache", "django.core.cache.backends.db.DatabaseCache", "samverkan_cache"),
    ],
)
def test_cache_url_chooses_the_cache(monkeypatch, url, backend, location):
    cache = _settings_with(monkeypatch, CACHE_URL=url)["CACHES"]["default"]
    assert (cache["BACKEND"], cache.get("LOCATION")) == (backend, location)


@pytest.mark.parametrize("url", ["memcached://10.0.0.7", "dbcache://", "dbcache://x; drop table"])
def test_cache_url_of_another_kind_is_refused(monkeypatch, url):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be"):
        _settings_with(monkeypatch, CACHE_URL=url)


# HTTPS: Django's check --deploy against the running settings ------------------------------------


@pytest.fixture
def secure_settings(settings, monkeypatch):
    # The browser tests allow the ORM beside Playwright's loop for the rest of the session; Django's
    # check --deploy would report that (async.E001), which no production server has.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.ALLOWED_HOSTS = ["samverkan.kommun.se"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_https_clean(secure_settings, static_root):
    result = dc.check_https(dc.Context(secure_settings, GOOD_ENV))
    assert result.status == dc.OK and "0 issues" in result.message, result


def test_https_reports_the_count_of_check_deploy_issues(secure_settings):
    secure_settings.SECURE_SSL_REDIRECT = False
    secure_settings.SECURE_HSTS_SECONDS = 0
    result = dc.check_https(dc.Context(secure_settings, GOOD_ENV))
    assert result.status == dc.FAIL
    assert "reports 2 issues: security.W004, security.W008" in result.message


def test_https_warns_without_the_proxy_header(secure_settings):
    secure_settings.SECURE_PROXY_SSL_HEADER = None
    result = dc.check_https(dc.Context(secure_settings, GOOD_ENV))
    assert result.status == dc.WARN and "SECURE_PROXY_SSL_HEADER" in result.message


def test_https_warns_when_the_health_check_is_redirected(secure_settings):
    secure_settings.SECURE_REDIRECT_EXEMPT = []
    result = dc.check_https(dc.Context(secure_settings, GOOD_ENV))
    assert result.status == dc.WARN and "/halsa/" in result.message


# Checks that ask the database ---------------------------------------------------------------------


class _BrokenConnection:
    vendor = "postgresql"

    def cursor(self):
        raise OperationalError('connection to server at "db.internal" failed: Connection refused\nmore')


@pytest.mark.django_db
def test_database_reachable(static_root):
    ctx = dc.Context(good_settings(static_root), GOOD_ENV)
    result = dc.check_database_reachable(ctx)
    assert result.status == dc.OK and ctx.database_ok is True
    if connection.vendor == "postgresql":
        assert "PostgreSQL" in result.message


def test_database_unreachable_fails_and_skips_what_needs_it(static_root):
    ctx = dc.Context(good_settings(static_root), GOOD_ENV)
    with mock.patch.object(dc.Context, "connection", new=property(lambda self: _BrokenConnection())):
        result = dc.check_database_reachable(ctx)
    assert result.status == dc.FAIL
    assert (
        result.message
        == 'the database does not answer: connection to server at "db.internal" failed: Connection refused'
    )
    for check in (dc.check_migrations, dc.check_guide_content, dc.check_worker):
        skipped = check(ctx)
        assert skipped.status == dc.FAIL and "not reachable" in skipped.message


@pytest.mark.django_db
def test_migrations_applied(static_root):
    assert run(dc.check_migrations, static_root).status == dc.OK


@pytest.mark.django_db
def test_migrations_not_applied(static_root):
    from django.db.migrations.recorder import MigrationRecorder

    # The newest migration of the app is "not applied" (an older one alone would not show: its
    # successor's record makes the plan empty).
    latest = MigrationRecorder(connection).migration_qs.filter(app="projects").order_by("-name").first()
    latest.delete()
    result = run(dc.check_migrations, static_root)
    assert result.status == dc.FAIL
    assert f"1 migrations not applied (projects.{latest.name}" in result.message and "migrate" in result.message


@pytest.mark.django_db
def test_guide_content_loaded(static_root):
    result = run(dc.check_guide_content, static_root)
    assert result.status == dc.OK and "4 guides" in result.message


@pytest.mark.django_db
def test_guide_content_missing(static_root):
    from guides.models import Guide

    with mock.patch.object(Guide.objects, "using", return_value=Guide.objects.none()):
        result = run(dc.check_guide_content, static_root)
    assert result.status == dc.FAIL and "load_guides" in result.message


def _task(status, finished_minutes_ago=None, enqueued_minutes_ago=0):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    task = DBTaskResultFactory(  # the PDF task, ready to run
        status=status,
        finished_at=None if finished_minutes_ago is None else now - timedelta(minutes=finished_minutes_ago),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - timedelta(minutes=enqueued_minutes_ago))
    return task


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tasks", "status", "words"),
    [
        ([], dc.WARN, "no background task has run yet"),
        ([("SUCCESSFUL", 5, 6)], dc.OK, "5 minutes ago"),
        ([("FAILED", 5, 6)], dc.OK, "5 minutes ago"),
        ([("SUCCESSFUL", 300, 301)], dc.WARN, "300 minutes ago"),
        ([("READY", None, 1)], dc.WARN, "tasks are waiting"),
        ([("SUCCESSFUL", 5, 6), ("READY", None, 30)], dc.FAIL, "1 tasks have waited"),
    ],
)
def test_worker(static_root, tasks, status, words):
    for task_status, finished, enqueued in tasks:
        _task(task_status, finished, enqueued)
    ctx = dc.Context(good_settings(static_root), GOOD_ENV, database_ok=True)
    result = dc.check_worker(ctx)
    assert (result.status, words in result.message) == (status, True), result


def test_worker_not_needed_with_the_immediate_backend(static_root):
    result = run(dc.check_worker, static_root, TASKS={"default": {"BACKEND": dc.IMMEDIATE_TASK_BACKEND}})
    assert result.status == dc.OK and "no worker needed" in result.message


def test_test_email_is_sent(static_root):
    ctx = dc.Context(good_settings(static_root), GOOD_ENV, send_test_email_to="it@kommun.se")
    result = dc.check_test_email(ctx)
    assert result.status == dc.OK
    assert [message.to for message in mail.outbox] == [["it@kommun.se"]]
    assert mail.outbox[0].from_email == "Samverkan <noreply@kommun.se>"


def test_test_email_failure_is_reported(static_root):
    ctx = dc.Context(good_settings(static_root), GOOD_ENV, send_test_email_to="it@kommun.se")
    with mock.patch("django.core.mail.send_mail", side_effect=ConnectionRefusedError(111, "Connection refused")):
        result = dc.check_test_email(ctx)
    assert result.status == dc.FAIL and "ConnectionRefusedError" in result.message


# The command end to end -------------------------------------------------------------------------


@pytest.fixture
def good_deployment(secure_settings, static_root, monkeypatch, tmp_path):
    from tests.records.certs import issued_seal

    settings = secure_settings
    settings.SEAL_PKCS12_PATH = str(issued_seal(tmp_path / "seal.p12", "sigill"))
    settings.SEAL_PKCS12_PASSWORD = "sigill"
    for name in ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAMVERKAN_ENV", "production")
    settings.CSRF_TRUSTED_ORIGINS = ["https://samverkan.kommun.se"]
    settings.STATIC_ROOT = static_root
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.kommun.se"
    settings.EMAIL_USE_TLS = True
    settings.DEFAULT_FROM_EMAIL = "Samverkan <noreply@kommun.se>"
    settings.TASKS = DB_TASKS
    settings.PRIVACY_CONTROLLER = "Exempelkommun, kommunstyrelsen"
    settings.SERVICE_OWNER_NAME = "Kommunstyrelsen i Kommunen"
    settings.SERVICE_OWNER_EMAIL = "tillganglighet@kommun.se"
    _task("SUCCESSFUL", finished_minutes_ago=2, enqueued_minutes_ago=3)
    return settings


def _call(*args):
    out = StringIO()
    try:
        call_command("check_deployment", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


# SQLite is not a production database: there the good configuration fails that one check only.
EXPECTED_FAILURES_HERE = set() if connection.vendor == "postgresql" else {"database_engine"}


@pytest.mark.django_db
def test_command_in_a_good_configuration(good_deployment):
    code, out = _call()
    lines = out.strip().splitlines()
    failures = {line.split(":")[0][2:] for line in lines if line.startswith("✗")}
    assert failures == EXPECTED_FAILURES_HERE, out
    assert code == (1 if failures else 0)
    assert "✓ secret_key: SECRET_KEY is set" in out
    assert "✓ https: manage.py check --deploy reports 0 issues" in out
    assert "! cache: the cache is per process" in out  # the tests' cache is local memory
    assert lines[-1].startswith(f"{len(dc.CHECKS)} checks: {len(failures)} missing or wrong")


@pytest.mark.django_db
def test_command_json_in_a_good_configuration(good_deployment):
    code, out = _call("--json")
    report = json.loads(out)
    assert report["ok"] is (not EXPECTED_FAILURES_HERE)
    assert code == (0 if report["ok"] else 1)
    assert [check["name"] for check in report["checks"]] == [
        "environment",
        "debug",
        "secret_key",
        "allowed_hosts",
        "csrf_trusted_origins",
        "https",
        "database_engine",
        "database_reachable",
        "migrations",
        "guide_content",
        "static_files",
        "email",
        "default_from_email",
        "task_backend",
        "worker",
        "checklist_poll",
        "sessions",
        "cache",
        "oidc",
        "privacy_controller",
        "service_owner",
        "seal",
    ]
    assert {c["name"] for c in report["checks"] if c["status"] == "fail"} == EXPECTED_FAILURES_HERE
    assert set(report["checks"][0]) == {"name", "status", "message"}


@pytest.mark.django_db
def test_command_sends_a_test_email(good_deployment):
    good_deployment.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    code, out = _call("--send-test-email", "it@kommun.se")
    assert "✓ test_email: a test message was handed to the mail server for it@kommun.se" in out
    assert mail.outbox[0].to == ["it@kommun.se"]


@pytest.mark.django_db
def test_command_in_a_bad_configuration(settings, monkeypatch):
    """The development defaults: the command names what is missing and exits 1."""
    monkeypatch.delenv("SAMVERKAN_ENV", raising=False)
    settings.DEBUG = True
    settings.SECRET_KEY = dc.DEV_SECRET_KEY
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Samverkan <noreply@samverkan.localhost>"
    settings.SESSION_COOKIE_SECURE = False
    code, out = _call()
    assert code == 1
    for expected in (
        "✗ environment: SAMVERKAN_ENV is not set",
        "✗ debug: DEBUG is on",
        "✗ secret_key: SECRET_KEY is the development key",
        "✗ https: manage.py check --deploy reports",
        "✗ email: e-mail is not sent",
        "✗ default_from_email:",
        "✗ sessions: SESSION_COOKIE_SECURE is off",
        "✗ privacy_controller:",
        "! task_backend: TASK_BACKEND is the immediate backend",
    ):
        assert expected in out, out
    report = json.loads(_call("--json")[1])
    assert report["ok"] is False


# The guide documents every environment variable -------------------------------------------------

ENV_READ = re.compile(
    r"""\b(?:env|env_bool|env_list|environ\.get|environ\.pop|getenv|env\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
# Modules that parse an environment handed to them (samverkan/sso.py) name their variables as constants.
ENV_CONSTANT = re.compile(r"""["']((?:OIDC|SAMVERKAN|SESSION|CSP|PRIVACY|LOGIN|TRUSTED)_[A-Z0-9_]+)["']""")


def environment_variables():
    names = set()
    for path in sorted((ROOT / "samverkan").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in ENV_READ.finditer(text):
            names.add(match.group(1) or match.group(2))
        if re.search(r"def \w+\(environ\b", text):
            names.update(ENV_CONSTANT.findall(text))
        if "dj_database_url.config(" in text:
            names.add("DATABASE_URL")  # read by dj-database-url itself
    return names


def test_the_env_var_scan_finds_what_settings_read():
    names = environment_variables()
    assert {"SAMVERKAN_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_USE_TLS", "CACHE_URL"} <= names


def test_every_env_var_is_documented():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    table_rows = "\n".join(line for line in guide.splitlines() if line.startswith("|"))
    missing = sorted(name for name in environment_variables() if f"`{name}`" not in table_rows)
    assert not missing, f"Environment variables missing from the table in docs/deployment.md: {missing}"


# Static files: what `collectstatic` does in production ------------------------------------------


def test_collectstatic_with_the_manifest_storage_succeeds(settings, tmp_path):
    """Production stores static files with a manifest (whitenoise's CompressedManifestStaticFilesStorage),
    which rewrites every url() and source-map reference and refuses one that points to a missing file.
    Django's own manifest storage does the same rewriting, without the slow compression."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()


# --probe-worker: a task through the real queue ---------------------------------------------------


def test_worker_probe_with_the_immediate_backend_has_nothing_to_probe(static_root):
    ctx = dc.Context(good_settings(static_root, TASKS={"default": {"BACKEND": dc.IMMEDIATE_TASK_BACKEND}}), GOOD_ENV)
    assert dc.check_worker_probe(ctx).status == dc.WARN


@pytest.mark.django_db
def test_worker_probe_without_a_worker_fails_and_leaves_no_task(settings, static_root):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    ctx = dc.Context(good_settings(static_root), GOOD_ENV, probe_worker_seconds=1, database_ok=True)
    naps = []
    ctx.sleep = naps.append
    with mock.patch.object(dc.time, "monotonic", side_effect=[0, 0, 0.5, 1.0]):
        result = dc.check_worker_probe(ctx)
    assert result.status == dc.FAIL and "no worker ran the probe task within 1 s" in result.message
    assert naps == [0.5, 0.5]
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_worker_probe_run_by_db_worker_passes(settings, static_root):
    """While the check waits, django-tasks-db's own worker takes the task from the database."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    ctx = dc.Context(good_settings(static_root), GOOD_ENV, probe_worker_seconds=30, database_ok=True)
    ctx.sleep = lambda seconds: call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # The worker closes connections it thinks are stale; the test's transaction is one of those.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        result = dc.check_worker_probe(ctx)
    assert result.status == dc.OK and "a worker ran the probe task" in result.message
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_command_probes_the_worker(good_deployment):
    code, out = _call("--json", "--probe-worker", "0.01")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert report["checks"][-1]["name"] == "worker_probe" and report["checks"][-1]["status"] == "fail"
