"""The health check at /halsa/ (samverkan/health.py): cheap, anonymous, cookie-free, no details on failure."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from samverkan import health
from tests.factories import DBTaskResultFactory, make_user

pytestmark = pytest.mark.django_db

URL = "/halsa/"
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _BrokenConnection:
    def cursor(self):
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed: secret')


def test_url_name_is_health():
    assert reverse("health") == URL


def test_ok_answers_json_without_cookies_or_caching(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Set-Cookie" not in str(response.serialize_headers())


def test_ok_for_a_logged_in_user_too(client):
    client.force_login(make_user("Anna Andersson"))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(URL).status_code == 200


def test_database_down_is_503_without_detail(client):
    with mock.patch.object(health, "connection", _BrokenConnection()):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "checks": {"database": "failed"}}
    body = response.content.decode()
    assert "10.0.0.5" not in body and "secret" not in body and "Traceback" not in body
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_head_works(client):
    response = client.head(URL)
    assert response.status_code == 200
    assert response.content == b""


def test_post_is_405_even_without_a_csrf_token():
    response = Client(enforce_csrf_checks=True).post(URL)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^halsa/$"])
def test_not_redirected_to_https_when_exempt(client):
    """The exemption the production settings carry (docs/deployment.md): a probe over plain HTTP gets
    the answer, every other page still goes to HTTPS."""
    assert client.get(URL).status_code == 200
    assert client.get("/om/").status_code == 301


def test_production_settings_exempt_the_health_check_from_the_https_redirect():
    from tests.test_settings_and_pages import run_manage

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, settings.SECURE_REDIRECT_EXEMPT)",
        SAMVERKAN_ENV="production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="samverkan.example.se",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['^halsa/$']"


def test_full_without_the_database_task_backend_says_not_used(client):
    response = client.get(URL, {"full": "1"})
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "not-used", "cache": "local"}}


@override_settings(TASKS=DB_BACKEND)
def test_full_with_an_empty_queue_is_ok(client):
    response = client.get(URL, {"full": "1"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "cache": "local"}}


def _ready_task(enqueued_minutes_ago, run_after=None):
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResultFactory(run_after=run_after or get_date_max())  # the PDF task, ready to run
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(minutes=enqueued_minutes_ago))
    return task


@override_settings(TASKS=DB_BACKEND)
def test_full_with_a_fresh_ready_task_is_ok(client):
    _ready_task(enqueued_minutes_ago=1)
    assert client.get(URL, {"full": "1"}).json()["status"] == "ok"


@override_settings(TASKS=DB_BACKEND)
def test_full_with_a_task_waiting_too_long_is_degraded_but_200(client):
    _ready_task(enqueued_minutes_ago=health.QUEUE_MAX_AGE_MINUTES + 5)
    response = client.get(URL, {"full": "1"})
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "queue": "stale", "cache": "local"}}
    # The plain check (what the load balancer asks) stays ok.
    assert client.get(URL).json()["status"] == "ok"


@override_settings(TASKS=DB_BACKEND)
def test_full_with_a_task_scheduled_for_later_is_ok(client):
    _ready_task(enqueued_minutes_ago=60, run_after=timezone.now() + timedelta(hours=1))
    assert client.get(URL, {"full": "1"}).json()["status"] == "ok"


@override_settings(TASKS=DB_BACKEND)
def test_full_when_the_queue_cannot_be_read_is_503(client):
    with mock.patch.object(health, "check_queue", side_effect=OperationalError("relation missing")):
        response = client.get(URL, {"full": "1"})
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "checks": {"database": "ok", "queue": "failed"}}


SHARED_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "health_cache"}}


@override_settings(CACHES=SHARED_CACHE)
def test_full_with_a_shared_cache_that_answers(client):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    response = client.get(URL, {"full": "1"})
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "not-used", "cache": "ok"}}


@override_settings(CACHES=SHARED_CACHE)
def test_full_with_a_shared_cache_that_does_not_answer_is_degraded(client):
    broken = mock.MagicMock()
    broken.set.side_effect = ConnectionError("Error 111 connecting to 10.0.1.20:6379. Connection refused.")
    with mock.patch("django.core.cache.cache", broken):
        response = client.get(URL, {"full": "1"})
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "queue": "not-used", "cache": "failed"},
    }
    assert "10.0.1.20" not in response.content.decode()
    # The plain check (what the load balancer asks) stays ok.
    assert client.get(URL).json()["status"] == "ok"
