"""Every URL of the URLconf × anonymous, outsider, reader, editor, coordinator.

The matrix is checked against the URLconf: a URL without a case (or an entry in ``EXEMPT``, with the
reason) fails ``test_every_url_is_in_the_matrix``, so a new view cannot ship without its permission test.
That includes the libraries' URLs (allauth, the admin, the language switch: tests/cases_third_party.py).

The cases: ``CASES`` of every ``tests/<feature>/cases.py`` (and ``tests/cases_*.py`` for the libraries' and
the site's own URLs), merged automatically (a URL with cases in two modules fails ``test_no_url_has_two_cases``).
Each case names the permission it exercises (``Case.perm``): one of the collaboration policy's named
permissions (projects/core/permissions.py ``registry``), of the organisations policy, or a marker for
what needs none (public, logged in, a link that is the credential, a library's own rule); for a
collaboration permission the case's outcomes agree with the permission's role level.

Speed: the context (a collaboration with its people, checklists, answers, an agreement with revisions
…) is built once per module inside a transaction (``matrix_world`` in tests/conftest.py); each URL's
test works in its own savepoint on a copy of it, and each role's request runs in a savepoint of its
own that is rolled back, so a coordinator's POST does not change what the next role sees.
"""

import importlib
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from projects.core.models import Invitation, Role, Sector
from tests.factories import make_organisation, make_user
from tests.matrix import (
    ADMIN_LOGIN,
    LOGIN,
    NOT_A_PERMISSION,
    OK,
    ROLES,
    url_for,
    url_patterns,
)

pytestmark = pytest.mark.django_db


def _merge_cases():
    """The CASES of every tests/**/cases*.py (a feature's cases beside its tests, sorted by path), with
    the URLs defined twice."""
    merged, source, twice = {}, {}, []
    root = Path(__file__).parent
    for path in sorted(root.glob("**/cases*.py")):
        stem = ".".join(path.relative_to(root).with_suffix("").parts)
        module = importlib.import_module(f"tests.{stem}")
        for name, case in module.CASES.items():
            if name in merged:
                twice.append(f"{name}: {source[name]} and {stem}")
                continue
            merged[name] = case
            source[name] = stem
    return merged, source, twice


MATRIX, CASE_SOURCE, DEFINED_TWICE = _merge_cases()

# URLs of the URLconf that the matrix cannot request, with the reason. Checked for staleness:
# an exemption for a URL that no longer exists, or that has a case, fails the completeness test.
EXEMPT: dict[str, str] = {}


def _coverage_problems(urls):
    """What is wrong between the URLconf's URLs and MATRIX/EXEMPT, one line per kind of problem."""
    checks = [
        (
            "URLs without a permission-matrix case (add a case in tests/<feature>/cases.py or EXEMPT it)",
            urls - MATRIX.keys() - EXEMPT.keys(),
        ),
        ("Matrix cases for URLs that no longer exist", MATRIX.keys() - urls),
        ("EXEMPT lists URLs that no longer exist", EXEMPT.keys() - urls),
        ("EXEMPT lists URLs that have a case", EXEMPT.keys() & MATRIX.keys()),
    ]
    return [f"{what}: {sorted(keys)}" for what, keys in checks if keys]


def test_every_url_is_in_the_matrix():
    problems = _coverage_problems(url_patterns().keys())
    assert not problems, "\n".join(problems)


def test_a_new_url_without_a_case_is_caught(settings):
    """The completeness check sees a URL added anywhere in the URLconf, named or not."""
    import sys
    import types

    from django.http import HttpResponse
    from django.urls import include, path

    urlconf = types.ModuleType("tests._matrix_urlconf_with_new_urls")
    urlconf.urlpatterns = [
        path("ny/", lambda request: HttpResponse(), name="brand_new"),
        path("ny-utan-namn/", lambda request: HttpResponse()),
        path("", include("samverkan.urls")),
    ]
    sys.modules[urlconf.__name__] = urlconf
    settings.ROOT_URLCONF = urlconf.__name__
    try:
        problems = _coverage_problems(url_patterns().keys())
    finally:
        del sys.modules[urlconf.__name__]
    assert problems == [
        "URLs without a permission-matrix case (add a case in tests/<feature>/cases.py or EXEMPT it): "
        "['brand_new', 'ny-utan-namn/']"
    ]


def test_no_url_has_two_cases():
    assert not DEFINED_TWICE, "URLs with cases in two places (keep one): " + "; ".join(DEFINED_TWICE)


def test_every_case_expects_something_of_every_role():
    incomplete = {name: sorted(set(ROLES) - case.expect.keys()) for name, case in MATRIX.items()}
    incomplete = {name: roles for name, roles in incomplete.items() if roles}
    assert not incomplete, f"Cases without an expectation for these roles: {incomplete}"


# -- the permissions the cases exercise ------------------------------------------------------------------

MEMBER_ROLES = ("reader", "editor", "coordinator")

# Named permissions no URL's case exercises, with where they are asked (each URL has one case, and
# these are asked inside a URL whose case exercises another, or only for what a page shows).
ASKED_WITHOUT_A_CASE = {
    "checklists.comment": "the POST of projects:comments (its case is the GET); tests/checklists",
    "agreements.comment": "the POST of projects:agreement_section_comments (its case is the GET); tests/agreements",
    "core.coordinate": "what the overview and the evaluation page show coordinators",
}


def _permission_problem(perm):
    """None for a permission that exists (or a marker of what needs none), else what is wrong."""
    from projects.core.permissions import registry
    from projects.organisations.permissions import Perm

    if not perm:
        return "names no permission (Case.perm)"
    feature, _dot, what = perm.partition(".")
    if perm in NOT_A_PERMISSION or perm in registry or (feature == "organisations" and what in set(Perm)):
        return None
    return f"names {perm!r}, which is not a permission"


def test_every_case_names_a_permission_that_exists():
    problems = {name: problem for name, case in MATRIX.items() if (problem := _permission_problem(case.perm))}
    assert not problems, f"Cases whose permission is missing or unknown: {problems}"


def test_each_case_expects_what_its_permissions_role_level_says():
    """A member gets the page (or the POST's effect) when the permission's role level allows it and 403
    when it does not; someone outside the collaboration 404, anonymous the login page."""
    from projects.core.permissions import policy, registry

    wrong = {}
    for name, case in MATRIX.items():
        if case.perm not in registry or not case.role_check:
            continue
        perm = registry[case.perm]
        expected = {"anonymous": LOGIN, "outsider": 404} | {
            role: OK if policy.role_allows(role, perm.level) else 403 for role in MEMBER_ROLES
        }
        if case.expect != expected:
            wrong[name] = f"{case.perm} ({perm.level}) says {expected}, the case expects {case.expect}"
    assert not wrong, "Cases that disagree with their permission's role level:\n" + "\n".join(
        f"{name}: {why}" for name, why in sorted(wrong.items())
    )


def test_every_permission_is_exercised():
    """Every named permission has a case (or is listed, with where it is asked); the list only shrinks."""
    from projects.core.permissions import registry

    exercised = {case.perm for case in MATRIX.values()}
    without = {perm.name for perm in registry} - exercised
    assert without == set(ASKED_WITHOUT_A_CASE), (
        f"Without a case and not listed: {sorted(without - set(ASKED_WITHOUT_A_CASE))}; "
        f"listed but has a case (or no longer exists): {sorted(set(ASKED_WITHOUT_A_CASE) - without)}"
    )


def _context(people):
    collaboration, users = people
    civil_party = users["editor"].memberships.get().party
    empty_party = collaboration.parties.create(organisation=make_organisation("Stiftelsen Tom", Sector.STIFTELSE))
    invitation = Invitation(
        collaboration=collaboration,
        party=civil_party,
        email="ny@gemenskap.se",
        role=Role.EDITOR,
        invited_by=users["coordinator"],
    )
    token = invitation.new_token()
    invitation.save()
    from guides.models import Item
    from projects.checklists import services as checklists
    from projects.checklists.models import AnswerRevision, ChecklistSection

    checklists.ensure_default_sections(collaboration)
    cs = ChecklistSection.objects.get(collaboration=collaboration, section__slug="halland-agandeskap")
    item = Item.objects.filter(section=cs.section, kind="question").order_by("order").first()
    result = checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=users["coordinator"],
        text="Första",
        status="discussed",
        base_version=0,
    )
    checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=None,
        user=users["coordinator"],
        text="Andra",
        status="discussed",
        base_version=1,
    )
    from projects.agreements import services as agreements

    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    section = agreement.sections.first()
    agreements.save_section(section, user=users["coordinator"], text="Första", base_version=0)
    section.refresh_from_db()
    agreements.save_section(section, user=users["coordinator"], text="Andra", base_version=1)
    section.refresh_from_db()
    from tests.factories import PdfExportFactory

    return {
        "export": PdfExportFactory(agreement=agreement, filename="x.pdf"),
        "agreement": agreement,
        "agreement_section": section,
        "agreement_revision": section.revisions.get(version=1),
        "cs": cs,
        "item": item,
        "revision": AnswerRevision.objects.get(answer=result.obj, version=1),
        "collaboration": collaboration,
        "civil_party": civil_party,
        "empty_party": empty_party,
        "spare_org": make_organisation("Trossamfundet Hopp", Sector.TROSSAMFUND),
        "reader_membership": users["reader"].memberships.get(),
        "invitation": invitation,
        "token": token,
        "users": users | {"outsider": make_user("Olle Utomstående")},
    }


PATTERNS = url_patterns()


def _client(ctx, role):
    """A test client, logged in as the role (with the module's ready-made session when there is one)."""
    client = Client()
    if role == "anonymous":
        return client
    if "sessions" in ctx:
        client.cookies[settings.SESSION_COOKIE_NAME] = ctx["sessions"][role]
    else:
        client.force_login(ctx["users"][role])
    return client


def _request(case, role, ctx, url, data):
    """One role's request, in a savepoint that is rolled back (the role leaves nothing behind).
    Returns the response and whether the case's effect changed (None for a case without one)."""
    cache.clear()  # allauth counts its rate limits in the cache
    with transaction.atomic():
        before = case.effect(ctx) if case.effect else None
        client = _client(ctx, role)
        response = getattr(client, case.method)(url, data)
        changed = (case.effect(ctx) != before) if case.effect else None
        transaction.set_rollback(True)
    return response, changed


def _unexpected(response, expected):
    """What is wrong with the response, or None."""
    login_url = reverse("account_login")
    status, location = response.status_code, response.get("Location", "")
    if expected == LOGIN:
        ok = status == 302 and location.startswith(login_url)
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and location.startswith(reverse("admin:login")) and not response.content
    elif expected == OK:
        ok = status < 400 and not (status in (301, 302) and location.startswith(login_url))
    else:
        ok = status == expected
    return None if ok else f"expected {expected}, got {status} {location}".rstrip()


def _prepare(name, ctx):
    """The URL and the data of a case (their callables run once, before the roles)."""
    case = MATRIX[name]
    url = url_for(name, case.kwargs(ctx), PATTERNS)
    return case, url, case.data(ctx)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission(matrix_ctx, name):
    """Each role gets what the case expects (one context for the URL; every role's request rolled back)."""
    case, url, data = _prepare(name, matrix_ctx)
    failures = []
    for role in ROLES:
        try:
            response, changed = _request(case, role, matrix_ctx, url, data)
        except Exception as exc:  # noqa: BLE001 - a view that raises is a failure of this role, reported with the others
            failures.append(f"{role}: {case.method.upper()} {url} raised {exc!r}")
            continue
        if problem := _unexpected(response, case.expect[role]):
            failures.append(f"{role}: {case.method.upper()} {url}: {problem}")
        elif changed is not None and changed != case.should_change(role):
            what = "changed nothing although allowed" if case.should_change(role) else "changed data although refused"
            failures.append(f"{role}: {case.method.upper()} {url}: {what}")
    assert not failures, f"{name}:\n" + "\n".join(failures)


HOSTILE_VALUES = [
    "",
    "abc",
    "-1",
    "9" * 30,
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "x" * 30_000,
    "\u202eä\x00ö",
    "2024-13-45",
    "None",
]
PHASES = ["agendasattning", "formulering", "beslut", "genomforande", "uppfoljning", "omformulering"]
# Fields that no form class declares: read by views from request.POST/GET directly, added to forms in
# their __init__, or posted by the pages' own scripts. FIELD_NAMES adds every declared form field and
# every name a view reads with request.POST.get("…")/request.GET.get("…") (found in the source).
HAND_KEPT_FIELDS = [
    "q",
    "sida",
    "since",
    "version",
    "part",
    "fran",
    "till",
    "title",
    "text",
    "role",
    "email",
    "party",
    "organisation",
    "section",
    "agreement",
    "action",
    "answer_mode",
    "approved",
    "decided_on",
    "body",
    "reference",
    "comment",
    "record_number",
    "omitted_reason",
    "writers",
    "status",
    "merged",
    "use_merged",
    "withdraw",
    "next",
    "full_name",
    "password1",
    "password2",
    "name",
    "sector",
    "org_number",
    "start_date",
    "end_date",
    "contribution",
    "is_coordinating",
    "answer",
    "form",
    "note",
    "file",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "agenda",
    "members",
    "minutes",
    "decided_by",
    "mandate",
    "typ",
    "resolution",
    "principles",
    "specific",
    "measurable",
    "realistic",
    "due_date",
    "unit",
    "baseline",
    "baseline_date",
    "target",
    "target_date",
    "value",
    "measured_on",
    "avbryt",
    "kind",
    "category",
    "influence",
    "interest",
    "notes",
    "description",
    "probability",
    "consequence",
    "owner",
    "mitigation",
    "review_date",
    # The collaboration map: three fields per phase.
    *(f"{phase}-{field}" for phase in PHASES for field in ("planned", "actual", "note")),
]

# The apps whose forms and views are swept, and the libraries whose forms the app serves.
FORM_MODULES = (
    "accounts.",
    "projects.",
    "guides.",
    "samverkan.",
    "allauth.account.",
    "allauth.mfa.",
    "allauth.socialaccount.",
    "allauth.usersessions.",
    "django.contrib.admin.forms",
)
APP_DIRS = ("accounts", "projects", "guides", "samverkan")
_READ = re.compile(r"""request\.(POST|GET)\.get(?:list)?\(\s*["']([^"']+)["']""")


def _form_fields():
    """The field names of every Form class of the apps and of allauth (base_fields: declared and
    model fields; fields a form adds in its __init__ are in HAND_KEPT_FIELDS)."""
    from django import forms

    PATTERNS  # noqa: B018 - the URLconf is loaded: every view is imported, and with it every form
    names, seen, todo = set(), set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            todo.append(sub)
            module = sub.__module__
            if module.startswith(FORM_MODULES) and (module.startswith("django.") or "admin" not in module.split(".")):
                names |= set(getattr(sub, "base_fields", {}))
    return names


def _fields_read_in_views(method=("POST", "GET")):
    """The names views read with request.POST.get("…") or request.GET.get("…") (and getlist)."""
    root = Path(__file__).resolve().parents[1]
    return {
        name
        for folder in APP_DIRS
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts
        for read, name in _READ.findall(path.read_text(encoding="utf-8"))
        if read in method
    }


FIELD_NAMES = sorted(set(HAND_KEPT_FIELDS) | _form_fields() | _fields_read_in_views())
# No form is bound to request.GET: a GET reads only what views take from it by name (and the
# libraries' "next"), so the sweep's GETs carry those instead of every field (a query string of
# megabytes costs time, mostly in quoting it into the login redirect's "next").
GET_FIELD_NAMES = sorted(_fields_read_in_views(method=("GET",)) | {"next", "q", "page", "o", "p"})


def _sweep_roles(case):
    """Who sends the hostile input: the most capable role the URL lets in (the coordinator when it
    lets nobody in, so that the refusal is swept too), and anyone anonymous when the URL is open to them."""
    capable = next((r for r in ("coordinator", "editor", "reader", "outsider") if case.expect[r] == OK), "coordinator")
    return [capable, "anonymous"] if case.expect["anonymous"] == OK else [capable]


# A request body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is refused with 400 before any view sees it:
# a long value goes out in as many requests as it takes to stay under this.
BODY_BUDGET = 2_000_000


def _hostile_requests(fields, value):
    """Every field with the value, in requests that each stay under the budget."""
    per_request = max(1, BODY_BUDGET // (len(urlencode({"": value})) + 64))
    for start in range(0, len(fields), per_request):
        yield dict.fromkeys(fields[start : start + per_request], value)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_input_gives_a_server_error(matrix_ctx, name):
    """Every URL, as the roles it lets in, with each hostile value in every field a form or view of
    the app (or of allauth) reads: never a 500, never the script tag unescaped. One context per URL:
    the values are sent one after another, each role's in a savepoint that is rolled back."""
    from guides.models import Principle

    case, url, data = _prepare(name, matrix_ctx)
    key = f"{matrix_ctx['item'].pk}-j"
    section = matrix_ctx["agreement_section"].pk
    principles = list(Principle.objects.values_list("slug", flat=True))
    extra = [f"{key}-text", f"{key}-version", f"{key}-status", f"s{section}-text", f"s{section}-version"]
    extra += [f"{slug}-{field}" for slug in principles for field in ("text", "version")]
    names = [*FIELD_NAMES, *extra] if case.method == "post" else GET_FIELD_NAMES
    fields = list(dict.fromkeys([*names, *data]))
    failures = []
    for role in _sweep_roles(case):
        cache.clear()
        with transaction.atomic():
            client = _client(matrix_ctx, role)
            for value in HOSTILE_VALUES:
                for body in _hostile_requests(fields, value):
                    response = getattr(client, case.method)(url, body)
                    if response.status_code >= 500:
                        failures.append(f"{role}: {value[:40]!r} gave {response.status_code}")
                    body_bytes = b"" if response.streaming else response.content  # a download streams a stored file
                    if b"<script>alert(1)</script>" in body_bytes:
                        failures.append(f"{role}: {value[:40]!r} came back unescaped")
            transaction.set_rollback(True)
    assert not failures, f"{case.method.upper()} {url}:\n" + "\n".join(failures)
