"""Organisations as tenants in a real browser, at desktop and phone width: an association's
administrator answers a municipality's request to take part (with the keyboard only), runs the
members page (a request to join, an invitation, a refused mail domain), removes a colleague who is
the only coordinator of a party, reads the register of collaborations; a second registration of a
taken organisationsnummer ends in a claim; an outsider asks to join. Every page is checked with axe
(WCAG 2.0/2.1 A and AA), for Content Security Policy violations and for sideways scrolling.

Screenshots of every page are written to ``$SCREENSHOTS_DIR/<page>-<width>.png`` when
SCREENSHOTS_DIR is set (nothing depends on them)."""

import os
import re
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.models import CollaborationForm
from projects.agreements.models import AgreementVersion
from projects.core import services as actions
from projects.core.models import Membership, PartyStatus, Role, Sector
from projects.organisations.models import (
    JoinRequest,
    OrganisationClaim,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
from tests.browser.conftest import VIEWPORTS, check_axe, check_csp, check_no_horizontal_scroll, log_in
from tests.factories import (
    PASSWORD,
    EmailAddressFactory,
    JoinRequestFactory,
    add_member,
    add_party,
    decided_iop,
    join_organisation,
    make_collaboration,
    make_organisation,
    make_user,
)
from tests.guide_content import load_guides

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect

TODAY = timezone.localdate()
OVERVIEW_URL = re.compile(r"/samverkan/(\d+)/$")


def label(text):
    """A form label as crispy renders it: the text, and an asterisk when the field is required."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def shot(page, name):
    """Save the whole page as $SCREENSHOTS_DIR/<name>-<width>.png, when SCREENSHOTS_DIR is set."""
    directory = os.environ.get("SCREENSHOTS_DIR")
    if not directory:
        return None
    path = Path(directory) / f"{name}-{page.viewport_size['width']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def check(page, name):
    """conftest.check_page for a page with JavaScript, with the screenshot where SCREENSHOTS_DIR says."""
    label_ = f"{name} at {page.viewport_size['width']}px"
    shot(page, name)
    check_csp(page, label_)
    check_axe(page, label_)
    check_no_horizontal_scroll(page, label_)


def url(live, name, *args):
    return live.url + reverse(f"projects:{name}", args=args)


def status(page, text):
    return page.locator("#messages").get_by_role("status").filter(has_text=text)


def field_error(page, field_id):
    """The message crispy puts beside a field (``<span id="error_1_<id>" class="invalid-feedback">``)."""
    return page.locator(f"#{field_id} ~ .invalid-feedback, #{field_id} ~ * .invalid-feedback").first


def error_summary(page):
    return page.locator("#error-summary")


def above(page, upper, lower):
    """``upper`` starts above ``lower`` on the page."""
    return upper.bounding_box()["y"] < lower.bounding_box()["y"]


@pytest.fixture
def gemenskap(live):
    """Föreningen Gemenskap (organisationsnummer 802000-0009), administered by Bo Berg."""
    load_guides()  # transactional tests start from an empty database
    bo = make_user("Bo Berg", email="bo@gemenskap.se")
    forening = make_organisation("Föreningen Gemenskap", Sector.IDEELL_FORENING, org_number="802000-0009")
    join_organisation(bo, forening)  # the first member: administrator
    return SimpleNamespace(live=live, organisation=forening, bo=bo)


# 1. An association administrator's day -----------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_administrator_accepts_a_party_request_with_the_keyboard(gemenskap, new_page, viewport):
    live, forening, bo = gemenskap.live, gemenskap.organisation, gemenskap.bo
    EmailAddressFactory(user=bo, email=bo.email, verified=True, primary=True)
    anna = make_user("Anna Andersson", email="anna@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna, title="Mötesplats för unga i Exempelkommun")
    party = actions.add_party(collaboration, user=anna, organisation=forening, contribution="Ledare och lokal")
    assert party.status == PartyStatus.PENDING

    page = new_page(viewport)
    page.goto(f"{live.url}/konto/login/")
    check(page, "login")
    page.get_by_label(label("E-postadress")).fill(bo.email)
    page.get_by_label(label("Lösenord")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()

    # The dashboard says what waits for his organisation.
    expect(page.get_by_role("heading", level=1, name="Mina samverkan")).to_be_visible()
    waiting = page.locator(".todo")
    expect(waiting).to_contain_text("1 förfrågan om att Föreningen Gemenskap ska vara part väntar på svar")
    check(page, "dashboard-party-request")
    waiting.get_by_role("link", name="Föreningen Gemenskap", exact=True).click()

    # The organisation page: the request, answered with Tab and Enter only.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Föreningen Gemenskap")
    requests = page.locator("section[aria-labelledby='requests-heading']")
    expect(requests.get_by_role("heading", name="Förfrågningar om att vara part")).to_be_visible()
    expect(requests).to_contain_text("Mötesplats för unga i Exempelkommun")
    expect(requests).to_contain_text("Föreslagen av Anna Andersson")
    expect(requests).to_contain_text("Bidrar med: Ledare och lokal")
    check(page, "org-detail-party-request")
    accept = requests.get_by_role("button", name="Tacka ja för organisationen – Mötesplats för unga i Exempelkommun")
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if accept.evaluate("el => el === document.activeElement"):
            break
    expect(accept).to_be_focused()
    assert accept.evaluate("el => el.matches(':focus-visible')"), "the focused button shows no focus ring"
    page.keyboard.press("Enter")

    # The collaboration, with Bo in it as the association's coordinator.
    expect(page).to_have_url(OVERVIEW_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mötesplats för unga i Exempelkommun")
    expect(
        status(
            page,
            "Föreningen Gemenskap är nu part i ”Mötesplats för unga i Exempelkommun”. Du är med för "
            "organisationen som samordnare.",
        )
    ).to_be_visible()
    check(page, "collaboration-after-party-accepted")
    party.refresh_from_db()
    assert party.status == PartyStatus.ACCEPTED and party.answered_by == bo
    assert Membership.objects.get(collaboration=collaboration, user=bo).role == Role.COORDINATOR


# 2. The members page ------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_members_page_for_an_administrator(gemenskap, new_page, mailoutbox, viewport):
    live, forening, bo = gemenskap.live, gemenskap.organisation, gemenskap.bo
    join_organisation(make_user("Eva Ek", email="eva@gemenskap.se"), forening, role=OrgRole.ADMIN)
    join_organisation(make_user("Cecilia Carlsson", email="cecilia@gemenskap.se"), forening)
    petra = make_user("Petra Persson", email="petra@example.se")
    JoinRequestFactory(organisation=forening, user=petra, message="Jag är kassör i föreningen sedan i våras.")

    page = new_page(viewport)
    log_in(page, live, bo)
    page.goto(url(live, "org_members", forening.pk))
    expect(page.get_by_role("heading", level=2, name="Medlemmar")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Organisationen")
    expect(tabs.get_by_role("link", name="Medlemmar")).to_have_attribute("aria-current", "page")
    waiting = page.locator("section[aria-labelledby='join-heading']")
    expect(waiting).to_contain_text("Petra Persson")
    expect(waiting).to_contain_text("Jag är kassör i föreningen sedan i våras.")
    table = page.get_by_role("table", name="Organisationens medlemmar")
    # Two administrators: Bo may leave, and remove the others.
    expect(table.get_by_role("link", name="Lämna organisationen")).to_have_count(1)
    expect(table.get_by_role("link", name="Ta bort Cecilia Carlsson")).to_be_visible()
    expect(table.get_by_role("link", name="Ta bort Eva Ek")).to_be_visible()
    check(page, "org-members")

    # The request to join, approved.
    waiting.get_by_role("button", name="Godkänn Petra Persson").click()
    expect(status(page, "Petra Persson är nu medlem i organisationen.")).to_be_visible()
    expect(page.locator("section[aria-labelledby='join-heading']")).to_have_count(0)
    expect(table.get_by_role("link", name="Ta bort Petra Persson")).to_be_visible()
    assert OrganisationMember.objects.filter(organisation=forening, user=petra, role=OrgRole.MEMBER).exists()
    check(page, "org-members-request-approved")

    # Invite a colleague: the empty form first.
    page.get_by_role("link", name="Bjud in en kollega").click()
    expect(page.get_by_role("heading", level=2, name="Bjud in en kollega")).to_be_visible()
    check(page, "org-invite")
    page.get_by_role("button", name="Skicka inbjudan").click()
    summary = error_summary(page)
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Rätta det här för att gå vidare:")
    expect(summary.get_by_role("link", name="E-postadress")).to_have_attribute("href", "#id_email")
    expect(summary).to_contain_text("Skriv e-postadressen till den du vill bjuda in.")
    email = page.get_by_label(label("E-postadress"))
    expect(email).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field_error(page, "id_email")).to_have_text("Skriv e-postadressen till den du vill bjuda in.")
    assert above(page, summary, page.locator("form[method=post]").last), "the error summary is not above the form"
    check(page, "org-invite-empty")
    summary.get_by_role("link", name="E-postadress").click()
    expect(email).to_be_focused()
    email.fill("david@gemenskap.se")
    page.get_by_label(label("Roll")).select_option(label="Medlem")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(status(page, "En inbjudan är skickad till david@gemenskap.se.")).to_be_visible()
    expect(page.locator("section[aria-labelledby='inv-heading']")).to_contain_text("david@gemenskap.se")
    assert OrganisationInvitation.objects.filter(organisation=forening, email="david@gemenskap.se").exists()
    assert [m.to for m in mailoutbox] == [["david@gemenskap.se"]]
    check(page, "org-members-invited")

    # A public mail domain is refused in Swedish, with what was typed kept.
    domain = page.get_by_label(label("Organisationens e-postdomän"))
    domain.fill("gmail.com")
    page.get_by_role("button", name="Lägg till domänen").click()
    refusal = (
        "gmail.com är en allmän e-posttjänst som vem som helst kan skaffa en adress hos. "
        "Lägg bara till organisationens egen domän."
    )
    expect(error_summary(page)).to_contain_text(refusal)
    expect(error_summary(page)).to_be_focused()  # the page opens at the error, not at its top
    expect(error_summary(page)).to_be_in_viewport()
    expect(field_error(page, "id_domain")).to_have_text(refusal)
    expect(domain).to_have_value("gmail.com")
    expect(tabs.get_by_role("link", name="Medlemmar")).to_have_attribute("aria-current", "page")
    expect(page.locator("section[aria-labelledby='domain-heading']")).to_contain_text("Ingen domän är registrerad.")
    assert not forening.domains.exists()
    check(page, "org-members-domain-refused")


# 3. Removing the only coordinator of a party ------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_remove_the_only_coordinator_with_a_successor(gemenskap, new_page, viewport):
    live, forening, bo = gemenskap.live, gemenskap.organisation, gemenskap.bo
    laxhjalp = make_collaboration(coordinator=bo, organisation=forening, title="Läxhjälp")
    motesplats = make_collaboration(coordinator=make_user("Anna Andersson"), title="Mötesplats för unga")
    cecilia = make_user("Cecilia Carlsson", email="cecilia@gemenskap.se")
    add_member(motesplats, user=cecilia, role=Role.COORDINATOR, party=add_party(motesplats, "Föreningen Gemenskap"))
    add_member(laxhjalp, user=cecilia, role=Role.READER, party=laxhjalp.parties.get(organisation=forening))
    member = OrganisationMember.objects.get(organisation=forening, user=cecilia)

    page = new_page(viewport)
    log_in(page, live, bo)
    page.goto(url(live, "org_members", forening.pk))
    page.get_by_role("link", name="Ta bort Cecilia Carlsson").click()
    expect(page).to_have_url(url(live, "org_member_remove", forening.pk, member.pk))
    expect(page.get_by_role("heading", level=2, name="Ta bort Cecilia Carlsson")).to_be_visible()
    roles = page.get_by_role("table", name="Roller i samverkan")
    expect(roles.locator("tbody tr")).to_have_count(2)
    lonely = roles.locator("tbody tr").filter(has_text="Mötesplats för unga")
    expect(lonely).to_contain_text("Samordnare")
    expect(lonely).to_contain_text("Enda samordnaren för organisationen")
    expect(roles.locator("tbody tr").filter(has_text="Läxhjälp")).not_to_contain_text("Enda samordnaren")
    check(page, "org-member-remove")

    # Without a successor: refused, at the top and beside the field.
    page.get_by_role("button", name="Ta bort ur organisationen").click()
    refusal = "Välj en kollega som tar över rollerna."
    expect(error_summary(page)).to_contain_text(refusal)
    expect(field_error(page, "id_successor")).to_have_text(refusal)
    assert OrganisationMember.objects.filter(pk=member.pk).exists()
    check(page, "org-member-remove-refused")

    page.get_by_label(label("Kollega som tar över rollerna")).select_option(label="Bo Berg (bo@gemenskap.se)")
    page.get_by_role("button", name="Ta bort ur organisationen").click()
    expect(page).to_have_url(url(live, "org_members", forening.pk))
    expect(
        status(page, "Cecilia Carlsson är borttagen. Bo Berg har tagit över rollerna i 2 samverkan.")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Organisationens medlemmar")).not_to_contain_text("Cecilia Carlsson")
    check(page, "org-members-after-removal")
    assert not OrganisationMember.objects.filter(pk=member.pk).exists()
    assert Membership.objects.get(collaboration=motesplats, user=bo).role == Role.COORDINATOR
    assert not Membership.objects.filter(user=cecilia).exists()


# 4. The register of collaborations ----------------------------------------------------------------


def _decide(collaboration, users):
    """The collaboration's IOP frozen and approved by every party (each user records their party's)."""
    version = decided_iop(collaboration, users, reference=lambda party: f"Dnr KS 2026/{party.pk:04d} § 114")
    assert version.status == AgreementVersion.Status.DECIDED
    return version


@pytest.fixture
def register(gemenskap):
    """Four collaborations with Föreningen Gemenskap as a party: its own, ending within 90 days; the
    municipality's, decided; a request from a sports club that waits; an archived one that ended."""
    forening, bo = gemenskap.organisation, gemenskap.bo
    iop = CollaborationForm.objects.get(slug="iop")
    make_collaboration(
        coordinator=bo,
        organisation=forening,
        title="Läxhjälp för högstadiet",
        start_date=TODAY - timedelta(days=300),
        end_date=TODAY + timedelta(days=30),
    )
    anna = make_user("Anna Andersson", email="anna@exempelkommun.se")
    motesplats = make_collaboration(
        coordinator=anna,
        title="Mötesplatser för unga i ytterområdena på kvällar och helger",
        start_date=date(2026, 1, 1),
        end_date=date(2029, 12, 31),
    )
    add_member(motesplats, user=bo, role=Role.EDITOR, party=add_party(motesplats, "Föreningen Gemenskap"))
    motesplats.form = iop
    motesplats.save(update_fields=["form"])
    _decide(motesplats, [anna, bo])
    idrott = make_organisation("Idrottsföreningen Kometen", Sector.IDEELL_FORENING)
    ida = make_user("Ida Idrott")
    simskola = make_collaboration(coordinator=ida, organisation=idrott, title="Simskola för nyanlända")
    actions.add_party(simskola, user=ida, organisation=forening)
    old = make_collaboration(
        coordinator=bo,
        organisation=forening,
        title="Sommarlovsaktiviteter",
        start_date=date(2024, 6, 1),
        end_date=date(2024, 8, 31),
    )
    old.archived = True
    old.save(update_fields=["archived"])
    return gemenskap


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_register_of_collaborations(register, new_page, viewport):
    live, forening = register.live, register.organisation
    page = new_page(viewport)
    log_in(page, live, register.bo)
    page.goto(url(live, "org_register", forening.pk))
    expect(page.get_by_role("heading", level=2, name="Samverkan som organisationen är part i")).to_be_visible()

    # The filters: visible, each with its label.
    filters = page.get_by_role("search", name="Filtrera samverkan")
    for name in ("Sök på titel", "Status", "Samverkansform", "Slutar inom 90 dagar"):
        expect(filters.get_by_label(name, exact=True)).to_be_visible()
    expect(filters.get_by_role("button", name="Visa")).to_be_visible()

    table = page.get_by_role("table", name=re.compile("^Samverkan där Föreningen Gemenskap är part"))
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("#register-results")).to_contain_text("4 träffar")
    expect(rows.filter(has_text="Läxhjälp för högstadiet")).to_contain_text("Ska omförhandlas")
    decided = rows.filter(has_text="Mötesplatser för unga i ytterområdena")
    expect(decided).to_contain_text("Beslutad version: 1")
    expect(decided.get_by_role("link", name=re.compile("^Läs den beslutade överenskommelsen"))).to_be_visible()
    expect(rows.filter(has_text="Simskola för nyanlända")).to_contain_text("Väntar på ert svar")
    expect(rows.filter(has_text="Sommarlovsaktiviteter")).to_contain_text("Arkiverad")

    first_cell = rows.first.locator("td[data-label='Fas']")
    if viewport == "phone":
        # The table stacks: no header row, every cell a block with its label above it.
        expect(table.locator("thead")).to_have_css("position", "absolute")
        expect(first_cell).to_have_css("display", "block")
        before = first_cell.evaluate("el => getComputedStyle(el, '::before').content")
        assert before == '"Fas"', before
    else:
        expect(table.locator("thead")).to_be_visible()
        expect(first_cell).to_have_css("display", "table-cell")
        # Every column in view at 1280 px: the table needs no scrolling inside its box either.
        box = page.locator("#register-results .table-responsive")
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), box.evaluate(
            "el => `table ${el.scrollWidth}px wide in a ${el.clientWidth}px box`"
        )
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width + 1, f"the register scrolls sideways: {scroll_width}px in {width}px"
    check(page, "org-register")

    # A filter (HTMX): the one that waits for an answer.
    filters.get_by_label("Status", exact=True).select_option(label="Väntar på ert svar")
    expect(page).to_have_url(re.compile(r"status=vantar"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Simskola för nyanlända")
    expect(page.locator("#register-results")).to_contain_text("1 träff")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1
    check(page, "org-register-filtered")


# 5. A taken organisationsnummer: the claim ----------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_registering_a_taken_organisation_number_leads_to_a_claim(gemenskap, new_page, viewport):
    live, forening = gemenskap.live, gemenskap.organisation
    eva = make_user("Eva Ek", email="eva.ek@example.se")
    page = new_page(viewport)
    log_in(page, live, eva)
    page.goto(url(live, "organisation_list"))
    check(page, "organisation-list")
    page.get_by_role("main").get_by_role("link", name="Registrera en organisation").click()
    expect(page.get_by_role("heading", level=1, name="Registrera en organisation")).to_be_visible()
    expect(page.get_by_role("group", name=label("Företräder du organisationen?"))).to_be_visible()
    check(page, "organisation-create")
    page.get_by_label(label("Namn")).fill("Föreningen Gemenskap i Exempelstad")
    page.get_by_label(label("Sektor")).select_option(label="Ideell förening")
    page.get_by_label(label("Organisationsnummer")).fill("8020000009")
    page.get_by_label("Ja, jag företräder organisationen och blir dess administratör").check()
    page.get_by_role("button", name="Registrera").click()

    taken = "Organisationsnumret 802000-0009 är redan registrerat för Föreningen Gemenskap."
    expect(error_summary(page)).to_contain_text(taken)
    expect(field_error(page, "id_org_number")).to_have_text(taken)
    notice = page.get_by_role("status").filter(has_text="Föreningen Gemenskap är redan registrerad.")
    expect(notice.get_by_role("link", name="Be att få gå med i Föreningen Gemenskap")).to_be_visible()
    expect(page.get_by_label(label("Namn"))).to_have_value("Föreningen Gemenskap i Exempelstad")
    check(page, "organisation-create-taken")
    notice.get_by_role("link", name="Gör anspråk på organisationen").click()

    expect(page).to_have_url(url(live, "org_claim", forening.pk))
    expect(page.get_by_role("heading", level=1, name="Gör anspråk på Föreningen Gemenskap")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("organisationsnummer 802000-0009")
    check(page, "org-claim")
    page.get_by_label(label("Din roll i organisationen")).fill("Ordförande")
    page.get_by_label(label("Varför du företräder organisationen")).fill(
        "Jag valdes till ordförande på årsmötet i mars. Protokollet finns hos sekreteraren."
    )
    page.get_by_role("button", name="Skicka anspråket").click()

    expect(page).to_have_url(url(live, "organisation_detail", forening.pk))
    expect(
        status(
            page,
            "Ditt anspråk på Föreningen Gemenskap är skickat till förvaltningen. De kontrollerar det och "
            "hör av sig till dig via e-post.",
        )
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Ditt anspråk på organisationen prövas av förvaltningen.")
    check(page, "org-detail-claimed")
    claim = OrganisationClaim.objects.get(organisation=forening)
    assert (claim.user, claim.position, claim.resolved_at) == (eva, "Ordförande", None)
    assert not OrganisationMember.objects.filter(user=eva).exists()


# 6. An outsider asks to join ----------------------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_outsider_asks_to_join(gemenskap, new_page, mailoutbox, viewport):
    live, forening = gemenskap.live, gemenskap.organisation
    olle = make_user("Olle Olsson", email="olle@example.se")
    page = new_page(viewport)
    log_in(page, live, olle)
    page.goto(url(live, "organisation_detail", forening.pk))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Föreningen Gemenskap")
    expect(heading.locator(".badge")).to_have_text("Inte verifierad")
    expect(page.get_by_role("navigation", name="Organisationen")).to_have_count(0)  # members only
    expect(page.get_by_role("heading", name="Företräder du organisationen?")).to_be_visible()
    check(page, "org-detail-outsider")

    page.get_by_label("Meddelande till administratörerna (frivilligt)").fill("Jag är ny ledare för läxhjälpen.")
    page.get_by_role("button", name="Be att få gå med").click()
    expect(
        status(
            page,
            "Din begäran är skickad till administratörerna för Föreningen Gemenskap. Du får ett "
            "e-postmeddelande när de svarat.",
        )
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Administratörerna har inte svarat än.")
    expect(page.get_by_role("button", name="Be att få gå med")).to_have_count(0)
    check(page, "org-detail-join-requested")
    request = JoinRequest.objects.get(organisation=forening, user=olle)
    assert request.message == "Jag är ny ledare för läxhjälpen." and request.answered_at is None
    assert [m.to for m in mailoutbox] == [["bo@gemenskap.se"]]


# Without JavaScript ---------------------------------------------------------------------------


def test_join_and_approve_without_javascript(gemenskap, browser):
    """The request to join and its approval are plain forms: they work with JavaScript off."""
    live, forening = gemenskap.live, gemenskap.organisation
    olle = make_user("Olle Olsson", email="olle@example.se")
    contexts = []
    try:
        for _ in range(2):  # Olle's browser and Bo's
            contexts.append(browser.new_context(viewport=VIEWPORTS["phone"], locale="sv-SE", java_script_enabled=False))
        outsider, admin = (context.new_page() for context in contexts)
        log_in(outsider, live, olle)
        outsider.goto(url(live, "organisation_detail", forening.pk))
        outsider.get_by_role("button", name="Be att få gå med").click()
        expect(outsider.locator("#messages")).to_contain_text("Din begäran är skickad till administratörerna")
        shot(outsider, "org-detail-join-requested-nojs")

        log_in(admin, live, gemenskap.bo)
        admin.goto(url(live, "org_members", forening.pk))
        admin.get_by_role("button", name="Godkänn Olle Olsson").click()
        expect(admin.locator("#messages")).to_contain_text("Olle Olsson är nu medlem i organisationen.")
        shot(admin, "org-members-approved-nojs")
        assert OrganisationMember.objects.filter(organisation=forening, user=olle).exists()
    finally:
        for context in contexts:
            context.close()
