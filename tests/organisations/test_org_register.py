"""The organisation's register of collaborations (projects/organisations/register.py and
register_views.py): who sees it, what a row says, the filters, the spreadsheet, the decided
agreements for administrators, and a query count that does not grow with the collaborations."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementVersion, Decision
from projects.core.models import Collaboration, PartyStatus, Phase, Role, Sector
from tests.factories import (
    AgreementFactory,
    AgreementVersionFactory,
    CollaborationFactory,
    DecisionFactory,
    PartyFactory,
    PartyRecordFactory,
    add_member,
    add_party,
    decided_iop,
    join_organisation,
    make_collaboration,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """Exempelkommun (Anna administers it, Maja is a plain member) is a party in:

    * "Mötesplats för unga": Anna coordinates it, with Föreningen Gemenskap (Bo);
    * "Läxhjälp": Föreningen Gemenskap's, where Exempelkommun takes part but none of its people do;
    * "Simskola": Idrottsföreningen's, which asks Exempelkommun to take part (pending).
    """
    kommun = make_organisation("Exempelkommun", Sector.KOMMUN)
    anna = make_user("Anna Andersson")
    maja = make_user("Maja Medlem")
    motesplats = make_collaboration(coordinator=anna, organisation=kommun, title="Mötesplats för unga")
    join_organisation(maja, kommun)
    bo = add_member(motesplats, role=Role.EDITOR, name="Bo Berg").user
    gemenskap = bo.memberships.get().party.organisation
    laxhjalp = make_collaboration(coordinator=bo, organisation=gemenskap, title="Läxhjälp")
    add_party(laxhjalp, name="Exempelkommun")
    idrott = make_organisation("Idrottsföreningen", Sector.IDEELL_FORENING)
    simskola = make_collaboration(coordinator=make_user("Ida Idrott"), organisation=idrott, title="Simskola")
    PartyFactory(collaboration=simskola, organisation=kommun, status=PartyStatus.PENDING)
    return {
        "kommun": kommun,
        "gemenskap": gemenskap,
        "anna": anna,
        "maja": maja,
        "bo": bo,
        "motesplats": motesplats,
        "laxhjalp": laxhjalp,
        "simskola": simskola,
    }


def page(client, user, organisation, **query):
    client.force_login(user)
    response = client.get(reverse("projects:org_register", args=[organisation.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def spreadsheet(client, user, organisation, **query):
    client.force_login(user)
    response = client.get(reverse("projects:org_register_csv", args=[organisation.pk]), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text), delimiter=";"))


def decide(collaboration, users):
    """The IOP decided by every party; the PDF is not kept yet (the task that keeps it runs on
    commit, not here)."""
    version = decided_iop(collaboration, users)
    assert version.status == AgreementVersion.Status.DECIDED and version.pdf is None
    return version


# Who sees the register ---------------------------------------------------------------------------


def test_a_member_sees_every_collaboration_of_the_organisation(client, world):
    html = page(client, world["maja"], world["kommun"])
    for title in ("Mötesplats för unga", "Läxhjälp", "Simskola"):
        assert title in html
    assert "Väntar på ert svar" in html
    # Maja is in none of them: titles, no links.
    for key in ("motesplats", "laxhjalp", "simskola"):
        assert f'href="{world[key].get_absolute_url()}"' not in html
    assert "Ladda ner som kalkylark" in html
    assert "<caption" in html and 'data-label="Slutar"' in html


def test_the_title_links_only_where_the_viewer_is_a_member(client, world):
    html = page(client, world["anna"], world["kommun"])
    assert f'href="{world["motesplats"].get_absolute_url()}"' in html
    assert f'href="{world["laxhjalp"].get_absolute_url()}"' not in html
    assert f'href="{world["simskola"].get_absolute_url()}"' not in html


def test_someone_outside_the_organisation_is_refused_and_anonymous_must_log_in(client, world):
    url = reverse("projects:org_register", args=[world["kommun"].pk])
    csv_url = reverse("projects:org_register_csv", args=[world["kommun"].pk])
    for target in (url, csv_url):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(world["bo"])  # in Mötesplats för unga, but for Föreningen Gemenskap
    assert client.get(url).status_code == 403
    assert client.get(csv_url).status_code == 403
    client.force_login(make_user("Olle Utomstående"))
    assert client.get(url).status_code == 403


def test_only_the_organisations_own_collaborations_are_listed(client, world):
    make_collaboration(
        coordinator=make_user("Per Annan"), organisation=make_organisation("Annan kommun"), title="Annans samverkan"
    )
    html = page(client, world["anna"], world["kommun"])
    assert "Annans samverkan" not in html
    assert "Annans samverkan" not in page(client, world["bo"], world["gemenskap"])
    assert "Simskola" not in page(client, world["bo"], world["gemenskap"])


# What a row says ---------------------------------------------------------------------------------


def test_a_row_has_form_period_phase_agreement_decision_and_record_number(client, world):
    motesplats = world["motesplats"]
    Collaboration.objects.filter(pk=motesplats.pk).update(
        form=CollaborationForm.objects.get(slug="iop"),
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 3),
        phase=Phase.GENOMFORANDE,
    )
    version = decide(motesplats, [world["anna"], world["bo"]])
    ours = motesplats.parties.get(organisation=world["kommun"])
    PartyRecordFactory(agreement=version.agreement, party=ours, record_number="KS 2026/123")
    html = page(client, world["anna"], world["kommun"])
    for text in (
        "Idéburet Offentligt Partnerskap",
        "2026-01-01",
        "2027-12-03",
        "Genomförande",
        "Beslutad",
        "Beslutad version: 1",
        'Kommunstyrelsen, <time class="text-nowrap" datetime="2026-11-20">2026-11-20</time>',
        f"KS § {ours.pk}",
        "KS 2026/123",
        "Läs den beslutade överenskommelsen (PDF)",
        reverse("projects:org_decided_agreement", args=[world["kommun"].pk, motesplats.pk]),
    ):
        assert text in html, text
    # The other rows: no form, no agreement.
    assert "Inte vald" in html and "Ingen överenskommelse" in html
    # A plain member sees the decision, not the link to the PDF.
    html = page(client, world["maja"], world["kommun"])
    assert f"KS § {ours.pk}" in html and "Läs den beslutade överenskommelsen (PDF)" not in html


def test_agreement_states(client, world):
    agreement = agreements.create_agreement(world["motesplats"], user=world["anna"])
    assert "Utkast" in page(client, world["anna"], world["kommun"])
    Agreement.objects.filter(pk=agreement.pk).update(state=Agreement.State.FOR_DECISION)
    assert "Låst för beslut" in page(client, world["anna"], world["kommun"])


def test_the_end_of_the_period_is_marked(client, world):
    Collaboration.objects.filter(pk=world["motesplats"].pk).update(
        start_date=TODAY - timedelta(days=300), end_date=TODAY + timedelta(days=30)
    )
    Collaboration.objects.filter(pk=world["laxhjalp"].pk).update(
        start_date=TODAY - timedelta(days=300), end_date=TODAY - timedelta(days=1)
    )
    html = page(client, world["anna"], world["kommun"])
    assert html.count("Ska omförhandlas") == 1 and html.count("Har gått ut") == 1
    # The one that ends first comes first; the one without an end last.
    assert html.index("Läxhjälp") < html.index("Mötesplats för unga") < html.index("Simskola")


# Filters -----------------------------------------------------------------------------------------


def titles(html):
    return [title for title in ("Mötesplats för unga", "Läxhjälp", "Simskola") if title in html]


def test_filter_by_title(client, world):
    assert titles(page(client, world["anna"], world["kommun"], q="läxhjälp")) == ["Läxhjälp"]
    assert titles(page(client, world["anna"], world["kommun"], q="  möTESplats ")) == ["Mötesplats för unga"]


def test_filter_by_status(client, world):
    Collaboration.objects.filter(pk=world["laxhjalp"].pk).update(archived=True)
    assert titles(page(client, world["anna"], world["kommun"], status="pagaende")) == ["Mötesplats för unga"]
    assert titles(page(client, world["anna"], world["kommun"], status="arkiverade")) == ["Läxhjälp"]
    html = page(client, world["anna"], world["kommun"], status="vantar")
    assert titles(html) == ["Simskola"] and "Väntar på ert svar" in html
    assert len(titles(page(client, world["anna"], world["kommun"], status="alla"))) == 3
    assert len(titles(page(client, world["anna"], world["kommun"], status="något annat"))) == 3


def test_filter_by_form(client, world):
    iop = CollaborationForm.objects.get(slug="iop")
    Collaboration.objects.filter(pk=world["laxhjalp"].pk).update(form=iop)
    html = page(client, world["anna"], world["kommun"], form="iop")
    assert titles(html) == ["Läxhjälp"]
    assert '<option value="iop" selected>' in html
    assert titles(page(client, world["anna"], world["kommun"], form="ingen")) == ["Mötesplats för unga", "Simskola"]


def test_filter_ends_within_90_days(client, world):
    start = TODAY - timedelta(days=300)
    Collaboration.objects.filter(pk=world["motesplats"].pk).update(start_date=start, end_date=TODAY + timedelta(90))
    Collaboration.objects.filter(pk=world["laxhjalp"].pk).update(start_date=start, end_date=TODAY + timedelta(91))
    Collaboration.objects.filter(pk=world["simskola"].pk).update(start_date=start, end_date=TODAY - timedelta(1))
    html = page(client, world["anna"], world["kommun"], slutar="1")
    assert titles(html) == ["Mötesplats för unga"]
    assert 'name="slutar" value="1" class="form-check-input" checked' in html


def test_empty_states(client, world):
    html = page(client, world["anna"], world["kommun"], q="finns inte")
    assert "Ingen samverkan stämmer med det du har valt." in html
    nobody = make_organisation("Tomma föreningen", Sector.IDEELL_FORENING)
    join_organisation(world["maja"], nobody)
    html = page(client, world["maja"], nobody)
    assert "Tomma föreningen är inte part i någon samverkan än." in html
    assert "Ladda ner som kalkylark" not in html


def test_pages_keep_the_filters_and_htmx_gets_the_table_only(client, world):
    kommun = world["kommun"]
    for number in range(25):
        collaboration = CollaborationFactory(title=f"Läsfrämjande {number:02}")
        PartyFactory(collaboration=collaboration, organisation=kommun)
    html = page(client, world["anna"], kommun, q="läsfrämjande", status="pagaende")
    assert "25 träffar" in html and "Sida 1 av 2" in html
    assert "?sida=2&amp;q=l%C3%A4sfr%C3%A4mjande&amp;status=pagaende" in html
    assert "Läsfrämjande 19" in html and "Läsfrämjande 20" not in html
    html = page(client, world["anna"], kommun, q="läsfrämjande", status="pagaende", sida="2")
    assert "Läsfrämjande 20" in html and "Mötesplats" not in html
    response = client.get(
        reverse("projects:org_register", args=[kommun.pk]),
        {"q": "läsfrämjande"},
        headers={"HX-Request": "true", "HX-Target": "register-results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="register-results"') and "<html" not in html
    assert "Läsfrämjande 00" in html


# The spreadsheet ---------------------------------------------------------------------------------


def test_spreadsheet_has_a_header_and_a_row_per_collaboration(client, world):
    version = decide(world["motesplats"], [world["anna"], world["bo"]])
    ours = world["motesplats"].parties.get(organisation=world["kommun"])
    PartyRecordFactory(agreement=version.agreement, party=ours, record_number="KS 2026/123")
    response, rows = spreadsheet(client, world["maja"], world["kommun"])
    assert response["Content-Disposition"] == (
        f'attachment; filename="samverkan-exempelkommun-{TODAY.isoformat()}.csv"'
    )
    header, *body = rows
    assert header[0] == "Samverkan" and "Slutar" in header and "Diarienummer" in header and "Beslutsreferens" in header
    assert len(body) == 3
    by_title = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    motesplats = by_title["Mötesplats för unga"]
    assert motesplats["Överenskommelse"] == "Beslutad" and motesplats["Beslutad version"] == "1"
    assert motesplats["Beslutsreferens"] == f"KS § {ours.pk}" and motesplats["Beslutsdatum"] == "2026-11-20"
    assert motesplats["Diarienummer"] == "KS 2026/123" and motesplats["Arkiverad"] == "Nej"
    assert by_title["Simskola"]["Deltagande"] == "Väntar på ert svar"
    assert by_title["Läxhjälp"]["Samverkansform"] == "Inte vald"


def test_spreadsheet_uses_the_same_filters_and_neutralises_formulas(client, world):
    Collaboration.objects.filter(pk=world["laxhjalp"].pk).update(title='=HYPERLINK("https://evil.example","Läxhjälp")')
    _response, rows = spreadsheet(client, world["anna"], world["kommun"], q="hyperlink")
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("https://evil.example","Läxhjälp")'
    _response, rows = spreadsheet(client, world["anna"], world["kommun"], status="vantar")
    assert [row[0] for row in rows[1:]] == ["Simskola"]


# The decided agreement ---------------------------------------------------------------------------


def pdf_url(organisation, collaboration):
    return reverse("projects:org_decided_agreement", args=[organisation.pk, collaboration.pk])


def test_an_administrator_reads_the_decided_agreement_and_nothing_is_written(client, world):
    version = decide(world["motesplats"], [world["anna"], world["bo"]])
    client.force_login(world["anna"])
    response = client.get(pdf_url(world["kommun"], world["motesplats"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-v1-{version.short_hash}.pdf" in response["Content-Disposition"]
    version.refresh_from_db()
    assert version.pdf is None  # rendered for the download, not saved by a GET
    # Once kept, the kept PDF is what is served.
    AgreementVersion.objects.filter(pk=version.pk).update(pdf=b"%PDF-1.7 kept")
    assert client.get(pdf_url(world["kommun"], world["motesplats"])).content == b"%PDF-1.7 kept"
    # Bo administers the other party, Föreningen Gemenskap: he reads it through his own organisation.
    client.force_login(world["bo"])
    assert client.get(pdf_url(world["gemenskap"], world["motesplats"])).status_code == 200


def test_the_decided_agreement_is_refused_to_others(client, world):
    decide(world["motesplats"], [world["anna"], world["bo"]])
    url = pdf_url(world["kommun"], world["motesplats"])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(world["maja"])  # a plain member of Exempelkommun
    assert client.get(url).status_code == 403
    client.force_login(world["bo"])  # administrator of another organisation (a party too)
    assert client.get(url).status_code == 403


def test_no_decided_agreement_or_not_a_party_is_404(client, world):
    kommun, anna = world["kommun"], world["anna"]
    client.force_login(anna)
    # Exempelkommun is not a party in Annans samverkan (which has a decided agreement).
    other = make_collaboration(
        coordinator=make_user("Per Annan"), organisation=make_organisation("Annan kommun"), title="Annans samverkan"
    )
    per = other.memberships.get().user
    decide(other, [per])
    assert client.get(pdf_url(kommun, other)).status_code == 404
    # A party, but no agreement; then an agreement frozen for decision but not decided.
    assert client.get(pdf_url(kommun, world["laxhjalp"])).status_code == 404
    agreement = agreements.create_agreement(world["motesplats"], user=anna)
    agreement.sections.filter(text="").update(text="Text.")
    agreements.freeze(agreement, user=anna)
    assert client.get(pdf_url(kommun, world["motesplats"])).status_code == 404
    # Only asked to take part (pending): not yet one of the parties.
    simskola = world["simskola"]
    ida = simskola.memberships.get().user
    content = agreements.snapshot(agreements.create_agreement(simskola, user=ida))
    version = AgreementVersionFactory(
        agreement=simskola.agreements.get(),
        number=1,
        content=content,
        content_hash=agreements.content_hash(content),
        status=AgreementVersion.Status.DECIDED,
    )
    assert client.get(pdf_url(kommun, simskola)).status_code == 404
    assert Decision.objects.filter(version=version).count() == 0
    assert client.get(pdf_url(kommun, Collaboration(pk=999_999))).status_code == 404


# Queries do not grow with the collaborations -----------------------------------------------------


def populate(organisation, user, count, start=0):
    """``count`` collaborations where ``organisation`` is a party, as varied as the register's rows
    get: forms, periods, pending parties, agreements in every state, decided versions with this
    party's decision and record number, some with ``user`` as a member."""
    forms = list(CollaborationForm.objects.all()[:3]) + [None]
    other = make_organisation(f"Förening {start}", Sector.IDEELL_FORENING)
    for number in range(start, start + count):
        collaboration = CollaborationFactory(
            title=f"Samverkan {number:03}",
            form=forms[number % len(forms)],
            start_date=TODAY - timedelta(days=100),
            end_date=TODAY + timedelta(days=(7 * number) % 120 - 10),
            archived=number % 7 == 0,
        )
        party = PartyFactory(
            collaboration=collaboration,
            organisation=organisation,
            status=PartyStatus.PENDING if number % 5 == 0 else PartyStatus.ACCEPTED,
        )
        PartyFactory(collaboration=collaboration, organisation=other)
        if number % 3 == 0:
            collaboration.memberships.create(party=party, user=user, role=Role.READER)
        if number % 4 == 0:
            continue
        state = [Agreement.State.DRAFT, Agreement.State.FOR_DECISION, Agreement.State.DECIDED][number % 3]
        agreement = AgreementFactory(collaboration=collaboration, title=collaboration.title, state=state)
        PartyRecordFactory(agreement=agreement, party=party, record_number=f"KS {number}")
        if state == Agreement.State.DECIDED:
            version = AgreementVersionFactory(
                agreement=agreement, number=1, content={}, content_hash="x", status=AgreementVersion.Status.DECIDED
            )
            DecisionFactory(
                version=version, party=party, approved=True, body="KS", decided_on=TODAY, reference=f"§ {number}"
            )


def count_queries(client, url, **query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("name", ["projects:org_register", "projects:org_register_csv"])
@pytest.mark.parametrize("query", [{}, {"q": "samverkan", "status": "pagaende", "slutar": "1"}])
def test_the_number_of_queries_does_not_grow_with_the_collaborations(client, name, query):
    kommun = make_organisation("Exempelkommun", Sector.KOMMUN)
    anna = make_user("Anna Andersson")
    join_organisation(anna, kommun)
    client.force_login(anna)
    url = reverse(name, args=[kommun.pk])
    populate(kommun, anna, 3)
    client.get(url)  # the session and the caches settle
    few, response = count_queries(client, url, **query)
    small = response.content
    populate(kommun, anna, 27, start=3)
    many, response = count_queries(client, url, **query)
    assert len(response.content) > len(small)  # the rows are there
    assert few == many, f"{few} queries with 3 collaborations, {many} with 30"


def test_the_page_and_the_spreadsheet_in_english(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, world["anna"], world["kommun"])
    for text in ("Download as a spreadsheet", "Waiting for your answer", "Ends within 90 days", "No agreement"):
        assert text in html, text
    _response, rows = spreadsheet(client, world["anna"], world["kommun"])
    assert rows[0][:2] == ["Collaboration", "Form of collaboration"]
