import copy
import json
import time
from pathlib import Path

import pytest

from tests.factories import collaboration_with_people
from tests.notifications.smtp import smtp  # noqa: F401 (the fixture: a real SMTP server on loopback)

# What every test runs with (the autouse fixture below), and what module-wide data is made with.
FAST_AND_SWEDISH = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LANGUAGE_CODE": "sv",
    # The footer names the service owner; in tests not "Exempelkommun", which is a party in the
    # factories (pages that must not show a party's name would show it in the footer).
    "SERVICE_OWNER_NAME": "Tjänsteägaren",
    "SERVICE_OWNER_EMAIL": "tjanst@agaren.example",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The guide content, loaded once into the test database: every test that uses the database
    sees it (pytest-django runs transactional tests, which flush it, after the others)."""
    from tests.guide_content import load_guides

    with django_db_blocker.unblock():
        load_guides()


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    """Uploaded and generated files (PDF exports) go to a directory of the test run's own, not to the
    checkout's media/ (and each pytest-xdist worker has its own)."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_and_swedish(settings, _media_root):
    from django.core.cache import cache

    for name, value in FAST_AND_SWEDISH.items():
        setattr(settings, name, value)
    settings.MEDIA_ROOT = _media_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # allauth keeps its rate limits (and used two-factor codes) in the cache: each test starts without.
    cache.clear()


@pytest.fixture
def people(db):
    """(collaboration, {"coordinator": anna, "editor": bo, "reader": cecilia})"""
    return collaboration_with_people()


@pytest.fixture
def collaboration(people):
    return people[0]


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The permission matrix's context (tests/test_permission_matrix._context: a collaboration with
    its people, checklists, answers, an agreement with revisions …), built once per test module inside
    a transaction that is rolled back after the module's last test.

    Use ``matrix_ctx`` in a test: pytest-django's per-test transaction is then a savepoint inside this
    one, so the test sees these rows and what it changes is undone after it. Not for a module that
    also has transactional tests (``transactional_db``, ``live_server``): they would flush it."""
    from django.db import transaction
    from django.test import override_settings

    from tests.test_permission_matrix import _context

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(**FAST_AND_SWEDISH):
                world = _context(collaboration_with_people())
                world["sessions"] = _logged_in_sessions(world["users"])
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _logged_in_sessions(users):
    """{role: session key} of a session logged in as each user, made once: a test sets the cookie
    instead of logging in for every request (its changes to the session are rolled back with it)."""
    from django.conf import settings
    from django.test import Client

    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture
def matrix_ctx(matrix_world, db):
    """A copy of the module's matrix context for one test (cases add their own objects to it, and
    the model instances in it may be changed freely)."""
    return copy.deepcopy(matrix_world)


# The fuzzing's input count (tests/test_fuzz.py writes one file per process) ----------------------
def pytest_sessionstart(session):
    session.config._samverkan_started = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """Print how many hostile inputs the fuzzing tried in this run, summed over the xdist workers."""
    if hasattr(config, "workerinput"):
        return
    started = getattr(config, "_samverkan_started", 0)
    folder = Path(__file__).resolve().parents[1] / "test-artifacts"
    counts = [
        json.loads(path.read_text()) for path in folder.glob("fuzz-count*.txt") if path.stat().st_mtime >= started
    ]
    if counts:
        requests = sum(c["count"] for c in counts)
        urls = sum(c["urls"] for c in counts)
        terminalreporter.write_line(
            f"hostile-input fuzzing (hypothesis, profile {counts[0]['profile']}): "
            f"{requests} requests to {urls} URL/method pairs"
        )
