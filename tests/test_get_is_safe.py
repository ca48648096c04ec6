"""No state change on GET, anywhere: every URL pattern of the URLconf (the app's, the admin's,
allauth's …; a URL added later is walked without anyone adding it here) is requested with GET,
anonymously and as the collaboration's coordinator (the admin's as a superuser too), and every
table of every model is compared row by row before and after, with the files under MEDIA_ROOT and
the outgoing e-mail. ``transaction.on_commit`` work runs, so a write deferred to the commit counts.
Every HTML page of the walk is checked for the security headers as well (test_security_headers).

URL arguments come from the permission matrix's case (tests/test_permission_matrix.MATRIX, with its
query data, in its context: the ``matrix_ctx`` fixture); a URL without a case gets an existing
object's key where one can be found (the admin's object pages) and a placeholder otherwise. A URL
whose case posts must refuse GET (405) or show a page without writing.

What a GET may legitimately write, left out of the comparison: ``sessions.Session`` only, the
request's own security state rather than anyone's data: logging in, the language, the inactivity
clock, and allauth's password-reset link, whose key it moves from the URL into the session (so that
the key does not leak through the Referer header) before it shows the form. Everything else is
compared: django-axes' login records and lockout counters (written by login attempts, which a GET
never is) and allauth's list of signed-in devices (``USERSESSIONS_TRACK_ACTIVITY`` is off; the last
activity is kept in the session) included.
"""

import functools
import re
import uuid
from pathlib import Path

import pytest
from allauth.account.internal.flows.manage_email import sync_user_email_address
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.signals import request_started
from django.db import connection, transaction
from django.urls import resolve
from django.urls.converters import IntConverter, UUIDConverter

from tests.factories import make_user
from tests.matrix import parameters, url_for, url_patterns
from tests.test_permission_matrix import MATRIX
from tests.test_security_headers import assert_security_headers

pytestmark = pytest.mark.django_db

IGNORED_MODELS = {"sessions.Session"}
IGNORED_FIELDS = {}  # {"app.Model": {"field", …}}: none needed so far


# -- walking the URLconf (tests/matrix.py's url_patterns, parameters and url_for) ------------------


WALK = url_patterns()  # {key: chain of patterns}: the key is the URL name, or the route if it has none


def _is_name(key):
    return re.fullmatch(r"[\w:.-]+", key) is not None


def _placeholder(name, converter, ctx, model):
    """A value for a URL argument of a pattern that has no matrix case."""
    if name == "object_id" and model is not None:
        obj = model._base_manager.order_by("pk").first()
        return str(obj.pk) if obj else "1"
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(type(ctx["collaboration"])).pk)
    if name == "app_label":
        return "projects"
    if name in {"id", "pk", "user_id"}:
        return str(ctx["users"]["coordinator"].pk)
    if name.endswith("pk") or isinstance(converter, IntConverter):
        return str(ctx["collaboration"].pk)
    if isinstance(converter, UUIDConverter):
        return str(uuid.uuid4())
    return "x1"


def _is_admin(key):
    return key.startswith(("admin:", "admin/", "^admin/"))


def _url(key, ctx, case):
    """The path to request: reversed by name, or for an unnamed pattern its route filled in; the
    arguments are the matrix case's, else an existing object's key where one can be found (the
    admin's object pages), else a placeholder."""
    chain = WALK[key]
    kwargs = case.kwargs(ctx) if case else {}
    model = None
    if _is_admin(key) and len(chain) >= 2:
        route = str(chain[-2].pattern).strip("^$/").split("/")
        if len(route) == 2:
            try:
                model = apps.get_model(*route)
            except LookupError:
                model = None
    converters = {}
    for pattern in chain:
        converters |= getattr(pattern.pattern, "converters", {})
    values = {
        name: kwargs[name] if name in kwargs else _placeholder(name, converters.get(name), ctx, model)
        for name in parameters(chain)
    }
    path = url_for(key, values, WALK)
    if not _is_name(key):
        target = resolve(path)  # the path must reach the pattern it was built from
        assert target.func == chain[-1].callback, f"{key}: {path} resolves to {target.view_name}"
    return path


# -- the state -----------------------------------------------------------------------------------


@functools.cache
def _queries():
    """(model label, SQL selecting every row, ordered) for every table a GET must leave alone.
    Plain SQL rather than the ORM: the rows are only compared, and this runs six times per URL."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in IGNORED_MODELS:
            continue
        ignored = IGNORED_FIELDS.get(meta.label, set())
        columns = ", ".join(quote(f.column) for f in meta.concrete_fields if f.name not in ignored)
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        queries.append((meta.label, f"SELECT {columns} FROM {table} ORDER BY {pk}"))  # noqa: S608
    return queries


def _snapshot(media_root):
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _queries():
            cursor.execute(sql)
            state[label] = cursor.fetchall()
    files = (path for path in Path(media_root).rglob("*") if path.is_file())
    state["files under MEDIA_ROOT"] = sorted((str(path.relative_to(media_root)), path.stat().st_size) for path in files)
    state["e-mail sent"] = [(message.subject, message.to) for message in mail.outbox]
    return state


def _differences(before, after):
    lines = []
    for label in before:
        if before[label] != after[label]:
            gone = [row for row in before[label] if row not in after[label]]
            new = [row for row in after[label] if row not in before[label]]
            lines.append(f"{label}: removed/changed {gone[:3]!r} → added/changed {new[:3]!r}")
    return lines


def _get(client, url, data, media_root, capture):
    before = _snapshot(media_root)
    with capture(execute=True):
        response = client.get(url, data)
    after = _snapshot(media_root)
    return response, _differences(before, after)


def _expect_no_change(key, who, url, response, changes):
    assert response.status_code < 500, f"GET {url} as {who}: {response.status_code}"
    assert not changes, f"GET {url} as {who} ({key}) changed the database:\n" + "\n".join(changes)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_security_headers(response)


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(WALK))
def test_get_changes_nothing(client, matrix_ctx, key, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    ctx = matrix_ctx  # tests/test_permission_matrix._context, built once for the module
    for user in ctx["users"].values():
        # As signing up leaves them: allauth's e-mail page adds a missing address row on first sight.
        sync_user_email_address(user)
    case = MATRIX.get(key)
    url = _url(key, ctx, case)
    data = case.data(ctx) if case else {}

    response, changes = _get(client, url, data, tmp_path, django_capture_on_commit_callbacks)
    _expect_no_change(key, "anonymous", url, response, changes)

    client.force_login(ctx["users"]["coordinator"])
    response, changes = _get(client, url, data, tmp_path, django_capture_on_commit_callbacks)
    _expect_no_change(key, "coordinator", url, response, changes)
    if case and case.method == "post":
        # A view the matrix posts to: refused (405), a page whose form posts (200: a form, or a
        # confirmation), or sent on without acting (a logged-in person on the login page; the language
        # switch, which sets its cookie only when posted to).
        assert response.status_code in (200, 302, 405), f"GET {url} of a POST view answered {response.status_code}"
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies, url

    if _is_admin(key):
        client.force_login(make_user("Sara Superanvändare", is_staff=True, is_superuser=True))
        response, changes = _get(client, url, data, tmp_path, django_capture_on_commit_callbacks)
        _expect_no_change(key, "superuser", url, response, changes)


def test_the_walk_covers_the_whole_urlconf():
    """Every URL of the permission matrix is walked, the libraries' too, and the admin's object pages."""
    assert set(MATRIX) <= set(WALK)
    names = {key for key in WALK if _is_name(key)}
    assert {"account_login", "account_logout", "set_language", "admin:index", "mfa_index"} <= names
    registered = {f"admin:{m._meta.app_label}_{m._meta.model_name}_delete" for m in admin_site._registry}
    assert registered <= names


def test_a_write_on_get_is_caught(client, matrix_ctx, settings, tmp_path, django_capture_on_commit_callbacks):
    """The comparison sees a row changed and a file written while a GET is served, even when the
    write waits for the commit."""
    settings.MEDIA_ROOT = tmp_path
    collaboration = matrix_ctx["collaboration"]

    def write_on_commit(**kwargs):
        def write():
            type(collaboration).objects.filter(pk=collaboration.pk).update(title="Ändrad av en GET")
            (tmp_path / "export.pdf").write_bytes(b"%PDF")

        transaction.on_commit(write)

    request_started.connect(write_on_commit)
    try:
        response, changes = _get(client, "/om/", {}, tmp_path, django_capture_on_commit_callbacks)
    finally:
        request_started.disconnect(write_on_commit)
    assert response.status_code == 200
    assert [line.split(":")[0] for line in changes] == ["projects.Collaboration", "files under MEDIA_ROOT"]
