"""Every URL of the URLconf × anonymous, outsider, reader, editor, coordinator.

The matrix is checked against the URLconf: a URL without a case (or an entry in ``EXEMPT``, with the
reason) fails ``test_every_url_is_in_the_matrix``, so a new view cannot ship without its permission test.
That includes the libraries' URLs (allauth, the admin, the language switch: tests/cases_third_party.py).

The cases: ``CORE`` below, and ``CASES`` of every ``tests/<feature>/cases.py``, merged automatically (a URL
with cases in two modules fails ``test_no_url_has_two_cases``).

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
    EDIT,
    LOGIN,
    MANAGE,
    MEMBERS_VIEW,
    OK,
    ROLES,
    Case,
    everyone,
    pk,
    url_for,
    url_patterns,
)

pytestmark = pytest.mark.django_db


def cs_kwargs(ctx):
    return pk(ctx) | {"cs_pk": ctx["cs"].pk}


def item_kwargs(ctx):
    return cs_kwargs(ctx) | {"item_pk": ctx["item"].pk}


def answer_data(ctx):
    key = f"{ctx['item'].pk}-j"
    return {f"{key}-text": "Ny text", f"{key}-version": 2, f"{key}-status": "discussed"}


def _section_not_taken(ctx):
    from projects.checklists.services import sections_with_questions

    taken = ctx["collaboration"].checklist_sections.values_list("section_id")
    return sections_with_questions().exclude(pk__in=taken).first().pk


# -- effects: what each POST changes when it is allowed (tests/matrix.py ``Case.effect``) ---------------


def _parties(ctx):
    from projects.core.models import Party

    return list(
        Party.objects.filter(collaboration=ctx["collaboration"]).order_by("pk").values_list("organisation_id", "status")
    )


def _memberships(ctx):
    from projects.core.models import Membership

    return list(
        Membership.objects.filter(collaboration=ctx["collaboration"])
        .order_by("pk")
        .values_list("pk", "user_id", "role")
    )


def _invitation_state(ctx):
    return list(Invitation.objects.filter(pk=ctx["invitation"].pk).values_list("token_hash", "revoked_at"))


def _agreements(ctx):
    from projects.agreements.models import Agreement

    return list(
        Agreement.objects.filter(collaboration=ctx["collaboration"]).order_by("pk").values_list("pk", "period", "state")
    )


def _no_agreement_yet(ctx):
    """Starting an agreement needs a collaboration without one (the context has one: remove it)."""
    from projects.agreements.models import Agreement

    Agreement.objects.filter(collaboration=ctx["collaboration"]).delete()
    return pk(ctx)


def _agreement_section(ctx):
    from projects.agreements.models import AgreementSection

    return list(
        AgreementSection.objects.filter(pk=ctx["agreement_section"].pk).values_list("text", "version", "omitted_reason")
    )


def _agreement_sections(ctx):
    return list(ctx["agreement"].sections.order_by("order", "pk").values_list("pk", "title"))


def _agreement_state(ctx):
    from projects.agreements.models import Agreement, AgreementVersion

    state = Agreement.objects.filter(pk=ctx["agreement"].pk).values_list("state", flat=True)
    versions = AgreementVersion.objects.filter(agreement=ctx["agreement"]).order_by("number")
    return list(state), list(versions.values_list("number", "status"))


def _complete_agreement(ctx):
    """Freezing needs every required section written or its omission explained."""
    from projects.agreements.models import AgreementSection

    AgreementSection.objects.filter(agreement=ctx["agreement"], required=True, text="", omitted_reason="").update(
        omitted_reason="Inte aktuellt i den här samverkan."
    )
    return pk(ctx)


def _frozen_agreement(ctx):
    """A version for decision: deciding needs one."""
    from projects.agreements import services as agreements

    _complete_agreement(ctx)
    agreements.freeze(ctx["agreement"], user=ctx["users"]["coordinator"])
    return pk(ctx)


def _decisions(ctx):
    from projects.agreements.models import Decision

    decisions = Decision.objects.filter(version__agreement=ctx["agreement"]).order_by("pk")
    return list(decisions.values_list("version__number", "party_id", "approved", "reference"))


def _party_records(ctx):
    return list(ctx["agreement"].party_records.order_by("party_id").values_list("party_id", "record_number"))


def _writers(ctx):
    return sorted(ctx["agreement"].writers.values_list("pk", flat=True))


def _checklist_sections(ctx):
    from projects.checklists.models import ChecklistSection

    rows = ChecklistSection.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("section_id", "active", "answer_mode"))


def _joint_answer(ctx):
    from projects.checklists.models import Answer

    answer = Answer.objects.filter(collaboration=ctx["collaboration"], item=ctx["item"], party=None)
    return list(answer.values_list("text", "version", "status"))


def _confirmations(ctx):
    from projects.checklists.models import Confirmation

    rows = Confirmation.objects.filter(answer__collaboration=ctx["collaboration"], answer__item=ctx["item"])
    return list(rows.order_by("party_id").values_list("party_id", "version"))


CORE = {
    "projects:dashboard": Case(expect=everyone(OK)),
    "projects:collaboration_create": Case(expect=everyone(OK)),
    "projects:overview": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:collaboration_edit": Case(kwargs=pk, expect=MANAGE),
    "projects:events": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:parties": Case(kwargs=pk, expect=MEMBERS_VIEW),
    # permission: manage (the coordinator names Trossamfundet Hopp: a pending party, as it does not act for it).
    "projects:party_add": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"organisation": ctx["spare_org"].pk},
        expect=MANAGE,
        effect=_parties,
    ),
    "projects:party_edit": Case(kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["civil_party"].pk}, expect=MANAGE),
    # permission: manage.
    "projects:party_remove": Case(
        kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["empty_party"].pk}, method="post", expect=MANAGE, effect=_parties
    ),
    "projects:people": Case(kwargs=pk, expect=MEMBERS_VIEW),
    # permission: manage.
    "projects:member_role": Case(
        kwargs=lambda ctx: pk(ctx) | {"membership_pk": ctx["reader_membership"].pk},
        method="post",
        data=lambda ctx: {"role": Role.EDITOR},
        expect=MANAGE,
        effect=_memberships,
    ),
    # permission: manage.
    "projects:member_remove": Case(
        kwargs=lambda ctx: pk(ctx) | {"membership_pk": ctx["reader_membership"].pk},
        method="post",
        expect=MANAGE,
        effect=_memberships,
    ),
    "projects:invitation_create": Case(kwargs=pk, expect=MANAGE),
    # permission: manage (a new link: the stored hash changes).
    "projects:invitation_resend": Case(
        kwargs=lambda ctx: pk(ctx) | {"invitation_pk": ctx["invitation"].pk},
        method="post",
        expect=MANAGE,
        effect=_invitation_state,
    ),
    # permission: manage.
    "projects:invitation_revoke": Case(
        kwargs=lambda ctx: pk(ctx) | {"invitation_pk": ctx["invitation"].pk},
        method="post",
        expect=MANAGE,
        effect=_invitation_state,
    ),
    # The link is the credential: anyone holding it sees it; a logged-in account that is not the
    # invited address gets a page saying so (403).
    "projects:invitation_accept": Case(
        kwargs=lambda ctx: {"token": ctx["token"]},
        expect={"anonymous": OK, "outsider": 403, "reader": 403, "editor": 403, "coordinator": 403},
    ),
    # The organisation pages: tests/organisations/cases.py.
    "accounts:profile": Case(expect=everyone(OK)),
    # The agreement: members read and download, writers write, coordinators start and freeze it,
    # every party's writers record its decision and record number.
    "projects:agreement": Case(kwargs=pk, expect=MEMBERS_VIEW),
    # permission: manage (on a collaboration without an agreement: with one, starting is only a message).
    "projects:agreement_start": Case(
        kwargs=_no_agreement_yet, method="post", data=lambda ctx: {"form": ""}, expect=MANAGE, effect=_agreements
    ),
    # permission: edit, and agreements.can_write (no writing group chosen: every editor writes).
    "projects:agreement_section_save": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk},
        method="post",
        data=lambda ctx: {f"s{ctx['agreement_section'].pk}-text": "Text", f"s{ctx['agreement_section'].pk}-version": 2},
        expect=EDIT,
        effect=_agreement_section,
    ),
    # permission: manage.
    "projects:agreement_section_omit": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk},
        method="post",
        data=lambda ctx: {"omitted_reason": "Inget att skriva"},
        expect=MANAGE,
        effect=_agreement_section,
    ),
    # permission: manage (on an agreement whose required sections are written or explained).
    "projects:agreement_freeze": Case(
        kwargs=_complete_agreement,
        method="post",
        data=lambda ctx: {"agreement": ctx["agreement"].pk},
        expect=MANAGE,
        effect=_agreement_state,
    ),
    "projects:agreement_redraft": Case(kwargs=pk, expect=MANAGE),
    # permission: edit (each writer records the decision of their own party, on a frozen version).
    "projects:agreement_decide": Case(
        kwargs=_frozen_agreement,
        method="post",
        data=lambda ctx: {"approved": "yes", "body": "Styrelsen", "decided_on": "2026-11-20", "reference": "§ 7"},
        expect=EDIT,
        effect=_decisions,
    ),
    # permission: edit (for their own party).
    "projects:agreement_record": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"record_number": "KS 2026/1"},
        expect=EDIT,
        effect=_party_records,
    ),
    "projects:agreement_pdf": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_print": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_export": Case(
        kwargs=lambda ctx: pk(ctx) | {"export_pk": ctx["export"].pk}, expect=MEMBERS_VIEW
    ),
    "projects:agreement_compare": Case(kwargs=pk, expect=MEMBERS_VIEW),
    # permission: manage.
    "projects:agreement_sections": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"action": "add", "title": "Nytt"},
        expect=MANAGE,
        effect=_agreement_sections,
    ),
    # permission: manage (the editor is chosen as the writing group; an empty choice changed nothing).
    "projects:agreement_writers": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"writers": [ctx["users"]["editor"].memberships.get().pk]},
        expect=MANAGE,
        effect=_writers,
    ),
    "projects:agreement_section_comments": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk}, expect=MEMBERS_VIEW
    ),
    "projects:agreement_section_history": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk}, expect=MEMBERS_VIEW
    ),
    # permission: edit, and agreements.can_write.
    "projects:agreement_section_restore": Case(
        kwargs=lambda ctx: (
            pk(ctx) | {"section_pk": ctx["agreement_section"].pk, "revision_pk": ctx["agreement_revision"].pk}
        ),
        method="post",
        expect=EDIT,
        effect=_agreement_section,
    ),
    # Checklists: members read, editors and coordinators write, coordinators choose the sections.
    "projects:checklists": Case(kwargs=pk, expect=MEMBERS_VIEW),
    # permission: manage.
    "projects:checklist_add": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"section": _section_not_taken(ctx)},
        expect=MANAGE,
        effect=_checklist_sections,
    ),
    "projects:checklist_section": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW),
    # permission: edit (can_edit_answer: the joint answers).
    "projects:checklist_save": Case(
        kwargs=cs_kwargs, method="post", data=lambda ctx: answer_data(ctx), expect=EDIT, effect=_joint_answer
    ),
    "projects:checklist_changes": Case(
        kwargs=cs_kwargs, data=lambda ctx: {"since": "2000-01-01T00:00:00+00:00"}, expect=MEMBERS_VIEW
    ),
    "projects:checklist_print": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW),
    # permission: manage.
    "projects:checklist_remove": Case(kwargs=cs_kwargs, method="post", expect=MANAGE, effect=_checklist_sections),
    # permission: manage.
    "projects:checklist_mode": Case(
        kwargs=cs_kwargs,
        method="post",
        data=lambda ctx: {"answer_mode": "per_party"},
        expect=MANAGE,
        effect=_checklist_sections,
    ),
    # A save posted without a session is kept for after the login: a redirect, like the others.
    # permission: edit (can_edit_answer: the joint answer).
    "projects:answer_save": Case(
        kwargs=item_kwargs, method="post", data=lambda ctx: answer_data(ctx), expect=EDIT, effect=_joint_answer
    ),
    # permission: edit (each writer confirms for their own party).
    "projects:answer_confirm": Case(
        kwargs=item_kwargs, method="post", data=lambda ctx: {"version": 2}, expect=EDIT, effect=_confirmations
    ),
    "projects:answer_history": Case(kwargs=item_kwargs, expect=MEMBERS_VIEW),
    # permission: edit (can_edit_answer).
    "projects:answer_restore": Case(
        kwargs=lambda ctx: item_kwargs(ctx) | {"revision_pk": ctx["revision"].pk},
        method="post",
        expect=EDIT,
        effect=_joint_answer,
    ),
    "projects:comments": Case(kwargs=item_kwargs, expect=MEMBERS_VIEW),
    # The guide library is open to everyone logged in.
    "guides:library": Case(expect=everyone(OK)),
    "guides:guide": Case(kwargs=lambda ctx: {"guide_slug": "mucf"}, expect=everyone(OK)),
    "guides:section": Case(
        kwargs=lambda ctx: {"guide_slug": "mucf", "section_slug": "mucf-status"}, expect=everyone(OK)
    ),
    "guides:principles": Case(expect=everyone(OK)),
    "guides:forms": Case(expect=everyone(OK)),
    "guides:levels": Case(expect=everyone(OK)),
    "guides:tools": Case(expect=everyone(OK)),
    "guides:templates": Case(expect=everyone(OK)),
    "guides:search": Case(data=lambda ctx: {"q": "mandat"}, expect=everyone(OK)),
    "about": Case(expect=dict.fromkeys(ROLES, OK)),
}


def _merge_cases():
    """CORE and the CASES of every tests/**/cases*.py (a feature's cases beside its tests, sorted by path),
    with the URLs defined twice."""
    merged = dict(CORE)
    source = dict.fromkeys(CORE, "test_permission_matrix.CORE")
    twice = []
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
        "URLs without a permission-matrix case (add one to a tests/<feature>/cases.py, or to EXEMPT with the reason): "
        "['brand_new', 'ny-utan-namn/']"
    ]


def test_no_url_has_two_cases():
    assert not DEFINED_TWICE, "URLs with cases in two places (keep one): " + "; ".join(DEFINED_TWICE)


def test_every_case_expects_something_of_every_role():
    incomplete = {name: sorted(set(ROLES) - case.expect.keys()) for name, case in MATRIX.items()}
    incomplete = {name: roles for name, roles in incomplete.items() if roles}
    assert not incomplete, f"Cases without an expectation for these roles: {incomplete}"


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
    from projects.agreements.models import PdfExport

    return {
        "export": PdfExport.objects.create(agreement=agreement, filename="x.pdf"),
        "agreement": agreement,
        "agreement_section": section,
        "agreement_revision": section.revisions.get(version=1),
        "cs": cs,
        "item": item,
        "revision": AnswerRevision.objects.get(answer=result.answer, version=1),
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
                    if b"<script>alert(1)</script>" in response.content:
                        failures.append(f"{role}: {value[:40]!r} came back unescaped")
            transaction.set_rollback(True)
    assert not failures, f"{case.method.upper()} {url}:\n" + "\n".join(failures)
