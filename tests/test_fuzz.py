"""Property-based fuzzing (hypothesis) of every form and every HTMX endpoint: whatever arrives, the
answer is never a server error and never carries the input back unescaped.

What is fuzzed, found without a list kept by hand:
- every URL of the permission matrix (tests/test_permission_matrix.MATRIX) whose case posts;
- every URL a template calls with ``hx-post`` or ``hx-get`` (an HTMX endpoint), with ``HX-Request: true``;
- every URL whose case sends query data (search, filters, polling).
Each request is sent as the most capable role the URL lets in (anonymously when it is open to everyone,
as the login and signup forms are).

The input: the case's own valid data with some fields replaced, removed or added (every field name a
form or view reads: FIELD_NAMES, and the case's own keys), so that the hostile value gets past the
first check and reaches the code behind it. Hostile values: huge strings, control characters and NUL,
right-to-left and zero-width marks, emoji and combining marks, markup that breaks out of an element or
an attribute (carrying a token, so that an unescaped echo is recognised), SQL fragments, numbers out of
range, impossible dates, several values for one field, an empty list, an uploaded file. Lone
surrogates cannot travel in HTTP (UTF-8) and are not sent.

Each example runs in a savepoint that is rolled back, so every example starts from the same state
(its ``transaction.on_commit`` work runs first). Profiles: ``ci`` (the default: 15 examples per URL and
method plus the explicit ones, derandomized so that CI is reproducible, no example database) and
``thorough`` (300 examples, random): ``HYPOTHESIS_PROFILE=thorough``. The number of requests is printed
at the end of the module and written to test-artifacts/fuzz-count.txt.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.matrix import OK, Case, url_for, url_patterns
from tests.test_permission_matrix import FIELD_NAMES, MATRIX

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
COUNT_FILE = ROOT / "test-artifacts" / "fuzz-count.txt"

hypothesis_settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
hypothesis_settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# -- what is fuzzed --------------------------------------------------------------------------------

_HX = re.compile(r"""hx-(get|post)="\{% url ['"]([^'"]+)['"]""")


def _htmx_endpoints():
    """{(url name, method)} of every hx-get/hx-post in the templates."""
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for method, name in _HX.findall(template.read_text(encoding="utf-8")):
            found.add((name, method))
    return found


HTMX = _htmx_endpoints()


def _role(case):
    """Anonymous when the URL is open to everyone (login, signup …), else the most capable role it lets
    in, or None when it lets nobody in (the admin: the permission matrix checks that refusal)."""
    if case.expect.get("anonymous") == OK:
        return "anonymous"
    return next((r for r in ("coordinator", "editor", "reader", "outsider") if case.expect.get(r) == OK), None)


def _targets():
    """(key, method) pairs: a POST to every URL someone may use (a view that takes no POST answers 405,
    and that is all its test checks), a GET with query data where the case sends some or a template
    calls it with hx-get."""
    usable = {key for key, case in MATRIX.items() if _role(case)}
    targets = {(key, "post") for key in usable}
    targets |= {(key, "get") for key in usable if MATRIX[key].method == "get" and MATRIX[key].data is not Case.data}
    targets |= {(name, "get") for name, method in HTMX if method == "get" and name in usable}
    return sorted(targets)


TARGETS = _targets()
PATTERNS = url_patterns()


# -- hostile input ---------------------------------------------------------------------------------

TOKEN = "fz7q31"
MARKERS = {
    # payload sent → what must never appear in an HTML answer (the payload, unescaped)
    f"<script>alert('{TOKEN}')</script>": f"<script>alert('{TOKEN}')",
    f'"><img src=x onerror=alert("{TOKEN}")>': f'<img src=x onerror=alert("{TOKEN}")',
    f'" onmouseover="alert({TOKEN})" x="': f'onmouseover="alert({TOKEN})"',
    f"' onfocus='alert({TOKEN})' x='": f"onfocus='alert({TOKEN})'",
    f"</textarea><svg onload=alert({TOKEN})>": f"<svg onload=alert({TOKEN})",
    f"javascript:alert({TOKEN})//": f'href="javascript:alert({TOKEN})',
}
SQL = [
    "'; DROP TABLE projects_collaboration; --",
    "1 OR 1=1",
    "%' OR '1'='1",
    "1; SELECT pg_sleep(0)",
    '" OR ""="',
    "\\",
    "%",
    "_",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    "1,5",
    "0x10",
    "١٢",
]
DATES = [
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "31/12/2026",
    "2026-11-22T25:61",
    "2026-11-22 24:00",
    "1970-01-01T00:00:00+25:00",
]
UNICODE = [
    "\u202eöppen\u202c",  # right-to-left override
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width
    "\u2066x\u2069",
    "👩‍👩‍👧‍👦🇸🇪",
    "Z\u0337\u0322\u0349\u0353\u0344\u035aa\u0336l\u0334g\u0337o\u0335",  # combining marks
    "e\u0301" * 500,
    "ﷺ" * 50,
    "\U0001f4a9" * 1000,
    "Ω≈ç√∫˜µ≤≥÷",
]
CONTROL = st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=20)  # NUL, ESC, CR, LF …
PLAIN = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)  # no lone surrogates
HUGE = st.builds(lambda s, n: (s or "x") * n, st.text(max_size=3), st.integers(10_000, 300_000))
TEMPLATE = ["{{ 7*7 }}", "{% debug %}", "${7*7}", "%s%s%s%n", "{0.__class__}"]

ATOM = st.one_of(
    st.sampled_from(list(MARKERS)),
    st.sampled_from(SQL),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(UNICODE),
    st.sampled_from(TEMPLATE),
    CONTROL,
    PLAIN,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
TEXT = st.one_of(ATOM, st.lists(ATOM, min_size=2, max_size=4).map("".join), HUGE)
VALUE = st.one_of(
    TEXT,
    TEXT,
    st.lists(TEXT, max_size=3),  # several values for one field, or none (an empty list)
    st.just(""),
)
UPLOAD = st.builds(
    lambda name, content: SimpleUploadedFile(name or "x", content),
    st.sampled_from(["x.pdf", "../../etc/passwd", "a\u202efdp.exe", "<script>.txt", "", "x" * 300]),
    st.binary(max_size=2000),
)


def _payloads(names, base_keys):
    """Changes to the case's valid data: fields replaced or added, and some of its own removed."""
    field = st.sampled_from(names)
    changes = st.dictionaries(field, VALUE, min_size=1, max_size=6)
    dropped = st.sets(st.sampled_from(base_keys), max_size=len(base_keys)) if base_keys else st.just(set())
    return st.tuples(changes, dropped, st.booleans(), st.one_of(st.none(), UPLOAD))


# -- the requests ----------------------------------------------------------------------------------

REQUESTS = {"count": 0, "urls": 0, "seconds": 0.0, "statuses": {}}
# A body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is refused before any view sees it (400): the
# huge values are kept under it, so that they reach the views.
BODY_LIMIT = 2_000_000


def _check(response, method, url):
    assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode("utf-8", errors="replace")
        for payload, echo in MARKERS.items():
            assert echo not in html, f"{method.upper()} {url} echoed {payload!r} unescaped"


def _trim(data):
    """Keep the body under the request size limit (the longest values are shortened)."""
    size = sum(len(str(v)) for v in data.values())
    if size <= BODY_LIMIT:
        return data
    scale = BODY_LIMIT / size
    return {k: v if not isinstance(v, str) else v[: max(1, int(len(v) * scale))] for k, v in data.items()}


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    started = time.monotonic()
    yield
    REQUESTS["seconds"] = round(time.monotonic() - started, 1)
    line = (
        f"hostile-input fuzzing (hypothesis, profile {PROFILE}): {REQUESTS['count']} requests "
        f"to {REQUESTS['urls']} URL/method pairs in {REQUESTS['seconds']} s"
    )
    COUNT_FILE.parent.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    target = COUNT_FILE.with_name(f"fuzz-count-{worker}.txt") if worker else COUNT_FILE
    target.write_text(json.dumps(REQUESTS | {"profile": PROFILE, "line": line}) + "\n", encoding="utf-8")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # as capsys.disabled(): straight to the terminal
            reporter.write_line("")
            reporter.write_line(line)


@pytest.mark.parametrize(("key", "method"), TARGETS, ids=[f"{m}-{k}" for k, m in TARGETS])
def test_hostile_input_gives_no_server_error_and_no_unescaped_echo(matrix_ctx, key, method):
    case = MATRIX[key]
    role = _role(case)
    ctx = matrix_ctx
    url = url_for(key, case.kwargs(ctx), PATTERNS)
    base = case.data(ctx)
    names = sorted(set(FIELD_NAMES) | set(base))
    user = ctx["users"].get(role)
    REQUESTS["urls"] += 1

    def send(changes, dropped, htmx, upload):
        data = {k: v for k, v in base.items() if k not in dropped} | changes
        if upload is not None and method == "post":
            upload.seek(0)
            data["file"] = upload
        headers = {"HX-Request": "true"} if htmx else {}  # every endpoint also answers without HTMX
        cache.clear()  # allauth's rate limits would otherwise answer 429 before the form is read
        client = Client()
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, _trim(data), headers=headers)
            REQUESTS["count"] += 1
            status = str(response.status_code)
            REQUESTS["statuses"][status] = REQUESTS["statuses"].get(status, 0) + 1
            transaction.set_rollback(True)
        _check(response, method, url)
        return response

    if method == "post" and send({}, set(), False, None).status_code == 405:
        return  # a page that takes no POST refuses it: nothing more to send

    every_field = dict.fromkeys(names)

    @hypothesis_settings(hypothesis_settings.get_profile(PROFILE))
    @given(_payloads(names, sorted(base)))
    @example((dict.fromkeys(every_field, next(iter(MARKERS))), set(), True, None))
    @example(({n: list(MARKERS)[i % len(MARKERS)] for i, n in enumerate(names)}, set(), False, None))
    @example((dict.fromkeys(names, ""), set(base), False, None))
    def fuzz(payload):
        send(*payload)

    fuzz()


def test_every_form_and_htmx_endpoint_is_fuzzed():
    """The targets follow the matrix and the templates: each posting case and each HTMX call."""
    keys = {key for key, _ in TARGETS}
    assert {key for key, case in MATRIX.items() if case.method == "post"} <= keys
    assert {name for name, _ in HTMX} <= keys, "an hx-get/hx-post URL without a matrix case"
    assert {(key, "post") for key, case in MATRIX.items() if _role(case)} <= set(TARGETS)
    assert ("projects:checklist_changes", "get") in TARGETS and ("projects:answer_save", "post") in TARGETS


def test_the_markers_are_caught():
    """The echo check fails on each payload put into a page as it came, and passes on Django's
    escaping of it (in text and in an attribute value)."""
    from django.http import HttpResponse
    from django.utils.html import escape

    for payload in MARKERS:
        with pytest.raises(AssertionError):
            _check(HttpResponse(f'<p>{payload}</p><a href="{payload}">x</a>'), "post", "/x/")
        _check(HttpResponse(f'<p>{escape(payload)}</p><input value="{escape(payload)}">'), "post", "/x/")
