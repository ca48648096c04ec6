"""Every URL of the app × anonymous, outsider, reader, editor, coordinator.

The matrix is checked against the URLconf: a URL without an entry fails
``test_every_url_is_in_the_matrix``, so a new view cannot ship without its permission test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.models import Invitation, Role, Sector
from tests import (
    cases_evaluation,
    cases_form_choice,
    cases_goals,
    cases_meetings,
    cases_phases,
    cases_principles,
    cases_stakeholders,
)
from tests.factories import make_organisation, make_user
from tests.matrix import EDIT, LOGIN, MANAGE, MEMBERS_VIEW, OK, ROLES, THIRD_PARTY_PREFIXES, Case, everyone, pk

pytestmark = pytest.mark.django_db


def cs_kwargs(ctx):
    return pk(ctx) | {"cs_pk": ctx["cs"].pk}


def item_kwargs(ctx):
    return cs_kwargs(ctx) | {"item_pk": ctx["item"].pk}


def answer_data(ctx):
    key = f"{ctx['item'].pk}-j"
    return {f"{key}-text": "Ny text", f"{key}-version": 2, f"{key}-status": "discussed"}


def _section_not_taken(ctx):
    from projects.checklists import sections_with_questions

    taken = ctx["collaboration"].checklist_sections.values_list("section_id")
    return sections_with_questions().exclude(pk__in=taken).first().pk


MATRIX = {
    "projects:dashboard": Case(expect=everyone(OK)),
    "projects:collaboration_create": Case(expect=everyone(OK)),
    "projects:overview": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:collaboration_edit": Case(kwargs=pk, expect=MANAGE),
    "projects:events": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:parties": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:party_add": Case(
        kwargs=pk, method="post", data=lambda ctx: {"organisation": ctx["spare_org"].pk}, expect=MANAGE
    ),
    "projects:party_edit": Case(kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["civil_party"].pk}, expect=MANAGE),
    "projects:party_remove": Case(
        kwargs=lambda ctx: pk(ctx) | {"party_pk": ctx["empty_party"].pk}, method="post", expect=MANAGE
    ),
    "projects:people": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:member_role": Case(
        kwargs=lambda ctx: pk(ctx) | {"membership_pk": ctx["reader_membership"].pk},
        method="post",
        data=lambda ctx: {"role": Role.EDITOR},
        expect=MANAGE,
    ),
    "projects:member_remove": Case(
        kwargs=lambda ctx: pk(ctx) | {"membership_pk": ctx["reader_membership"].pk}, method="post", expect=MANAGE
    ),
    "projects:invitation_create": Case(kwargs=pk, expect=MANAGE),
    "projects:invitation_resend": Case(
        kwargs=lambda ctx: pk(ctx) | {"invitation_pk": ctx["invitation"].pk}, method="post", expect=MANAGE
    ),
    "projects:invitation_revoke": Case(
        kwargs=lambda ctx: pk(ctx) | {"invitation_pk": ctx["invitation"].pk}, method="post", expect=MANAGE
    ),
    # The link is the credential: anyone holding it sees it; a logged-in account that is not the
    # invited address gets a page saying so (403).
    "projects:invitation_accept": Case(
        kwargs=lambda ctx: {"token": ctx["token"]},
        expect={"anonymous": OK, "outsider": 403, "reader": 403, "editor": 403, "coordinator": 403},
    ),
    "projects:organisation_list": Case(expect=everyone(OK)),
    "projects:organisation_create": Case(expect=everyone(OK)),
    "projects:organisation_detail": Case(
        kwargs=lambda ctx: {"org_pk": ctx["civil_party"].organisation.pk}, expect=everyone(OK)
    ),
    # Those who write for an organisation edit it: the editor acts for Föreningen Gemenskap (the
    # reader too, but only reads), the coordinator for Exempelkommun.
    "projects:organisation_edit": Case(
        kwargs=lambda ctx: {"org_pk": ctx["civil_party"].organisation.pk},
        expect={"anonymous": LOGIN, "outsider": 403, "reader": 403, "editor": OK, "coordinator": 403},
    ),
    "accounts:profile": Case(expect=everyone(OK)),
    # The agreement: members read and download, writers write, coordinators start and freeze it,
    # every party's writers record its decision and record number.
    "projects:agreement": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_start": Case(kwargs=pk, method="post", data=lambda ctx: {"form": ""}, expect=MANAGE),
    "projects:agreement_section_save": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk},
        method="post",
        data=lambda ctx: {f"s{ctx['agreement_section'].pk}-text": "Text", f"s{ctx['agreement_section'].pk}-version": 2},
        expect=EDIT,
    ),
    "projects:agreement_section_omit": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk},
        method="post",
        data=lambda ctx: {"omitted_reason": "Inget att skriva"},
        expect=MANAGE,
    ),
    "projects:agreement_freeze": Case(
        kwargs=pk, method="post", data=lambda ctx: {"agreement": ctx["agreement"].pk}, expect=MANAGE
    ),
    "projects:agreement_redraft": Case(kwargs=pk, expect=MANAGE),
    "projects:agreement_decide": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"approved": "yes", "body": "Styrelsen", "decided_on": "2026-11-20", "reference": "§ 7"},
        expect=EDIT,
    ),
    "projects:agreement_record": Case(
        kwargs=pk, method="post", data=lambda ctx: {"record_number": "KS 2026/1"}, expect=EDIT
    ),
    "projects:agreement_pdf": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_print": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_export": Case(
        kwargs=lambda ctx: pk(ctx) | {"export_pk": ctx["export"].pk}, expect=MEMBERS_VIEW
    ),
    "projects:agreement_compare": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:agreement_sections": Case(
        kwargs=pk, method="post", data=lambda ctx: {"action": "add", "title": "Nytt"}, expect=MANAGE
    ),
    "projects:agreement_writers": Case(kwargs=pk, method="post", data=lambda ctx: {"writers": []}, expect=MANAGE),
    "projects:agreement_section_comments": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk}, expect=MEMBERS_VIEW
    ),
    "projects:agreement_section_history": Case(
        kwargs=lambda ctx: pk(ctx) | {"section_pk": ctx["agreement_section"].pk}, expect=MEMBERS_VIEW
    ),
    "projects:agreement_section_restore": Case(
        kwargs=lambda ctx: (
            pk(ctx) | {"section_pk": ctx["agreement_section"].pk, "revision_pk": ctx["agreement_revision"].pk}
        ),
        method="post",
        expect=EDIT,
    ),
    # Checklists: members read, editors and coordinators write, coordinators choose the sections.
    "projects:checklists": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:checklist_add": Case(
        kwargs=pk, method="post", data=lambda ctx: {"section": _section_not_taken(ctx)}, expect=MANAGE
    ),
    "projects:checklist_section": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW),
    "projects:checklist_save": Case(kwargs=cs_kwargs, method="post", data=lambda ctx: answer_data(ctx), expect=EDIT),
    "projects:checklist_changes": Case(
        kwargs=cs_kwargs, data=lambda ctx: {"since": "2000-01-01T00:00:00+00:00"}, expect=MEMBERS_VIEW
    ),
    "projects:checklist_print": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW),
    "projects:checklist_remove": Case(kwargs=cs_kwargs, method="post", expect=MANAGE),
    "projects:checklist_mode": Case(
        kwargs=cs_kwargs, method="post", data=lambda ctx: {"answer_mode": "per_party"}, expect=MANAGE
    ),
    # A save posted without a session is kept for after the login: a redirect, like the others.
    "projects:answer_save": Case(kwargs=item_kwargs, method="post", data=lambda ctx: answer_data(ctx), expect=EDIT),
    "projects:answer_confirm": Case(kwargs=item_kwargs, method="post", data=lambda ctx: {"version": 2}, expect=EDIT),
    "projects:answer_history": Case(kwargs=item_kwargs, expect=MEMBERS_VIEW),
    "projects:answer_restore": Case(
        kwargs=lambda ctx: item_kwargs(ctx) | {"revision_pk": ctx["revision"].pk}, method="post", expect=EDIT
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
# Each feature keeps its cases beside its own tests.
for cases in (cases_form_choice, cases_principles, cases_phases, cases_stakeholders, cases_goals, cases_meetings):
    MATRIX |= cases.CASES
MATRIX |= cases_evaluation.CASES


def _url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_is_in_the_matrix():
    ours = {name for name in _url_names() if not name.startswith(THIRD_PARTY_PREFIXES)}
    missing = ours - MATRIX.keys()
    assert not missing, f"URLs without a permission-matrix entry: {sorted(missing)}"
    stale = MATRIX.keys() - ours
    assert not stale, f"Matrix entries for URLs that no longer exist: {sorted(stale)}"


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
    from projects import checklists
    from projects.models import AnswerRevision, ChecklistSection

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
    from projects import agreements

    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    section = agreement.sections.first()
    agreements.save_section(section, user=users["coordinator"], text="Första", base_version=0)
    section.refresh_from_db()
    agreements.save_section(section, user=users["coordinator"], text="Andra", base_version=1)
    section.refresh_from_db()
    from projects.models import PdfExport

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission(client, people, name, role):
    case = MATRIX[name]
    ctx = _context(people)
    if role != "anonymous":
        client.force_login(ctx["users"][role])
    url = reverse(name, kwargs=case.kwargs(ctx))
    response = getattr(client, case.method)(url, case.data(ctx))
    expected = case.expect[role]
    login_url = reverse("account_login")
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(login_url), response
    elif expected == OK:
        assert response.status_code < 400, response
        if response.status_code == 302:
            assert not response.url.startswith(login_url)
    else:
        assert response.status_code == expected, response


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
FIELD_NAMES = [
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


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_input_gives_a_server_error(client, people, name):
    """Every URL, as its most capable role, with each hostile value in every field it might read
    (one context per URL: the values are posted one after another)."""
    case = MATRIX[name]
    ctx = _context(people)
    client.force_login(ctx["users"]["coordinator"])
    url = reverse(name, kwargs=case.kwargs(ctx))
    key = f"{ctx['item'].pk}-j"
    section = ctx["agreement_section"].pk
    from guides.models import Principle

    principles = list(Principle.objects.values_list("slug", flat=True))
    for value in HOSTILE_VALUES:
        data = dict.fromkeys(FIELD_NAMES, value)
        data |= {f"{key}-text": value, f"{key}-version": value, f"{key}-status": value}
        data |= {f"s{section}-text": value, f"s{section}-version": value}
        data |= {f"{slug}-{name}": value for slug in principles for name in ("text", "version")}
        response = getattr(client, case.method)(url, data)
        assert response.status_code < 500, (value[:40], response)
        assert b"<script>alert(1)</script>" not in response.content, value[:40]
