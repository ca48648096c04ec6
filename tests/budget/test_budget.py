"""The budget: totals, shares, hours × value, years of the period, the planned figures locked with
the agreement, the forms' Swedish format, the views with and without HTMX, the CSV, the agreement's
versions keeping their own budget, the PDF's table and flat query counts."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from guides.models import CollaborationForm
from projects.agreements import services as agreements
from projects.budget import queries
from projects.budget import services as budget
from projects.budget.forms import BudgetLineForm
from projects.budget.models import BudgetEvent, BudgetLine, Kind
from projects.common import pdf
from projects.core.models import Collaboration, Event
from tests.factories import add_member, add_party, make_collaboration, make_organisation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(people):
    collaboration, users = people
    Collaboration.objects.filter(pk=collaboration.pk).update(start_date=date(2026, 1, 1), end_date=date(2028, 12, 31))
    collaboration.refresh_from_db()
    kommun = users["coordinator"].memberships.get().party
    forening = users["editor"].memberships.get().party
    return collaboration, users, kommun, forening


def line(collaboration, party, year=2026, kind=Kind.MONEY, amount=None, hours=None, value=None, actual=None, **kw):
    return BudgetLine.objects.create(
        collaboration=collaboration,
        party=party,
        year=year,
        kind=kind,
        description=kw.pop("description", "Bidrag"),
        planned_amount=amount,
        planned_hours=hours,
        hourly_value=value,
        actual_amount=actual if kind not in (Kind.STAFF, Kind.VOLUNTEERS) else None,
        actual_hours=actual if kind in (Kind.STAFF, Kind.VOLUNTEERS) else None,
        **kw,
    )


def values(party, **changes):
    data = {
        "party": party,
        "year": 2026,
        "kind": Kind.MONEY,
        "description": "Bidrag",
        "planned_amount": Decimal(1000),
        "planned_hours": None,
        "hourly_value": None,
        "actual_amount": None,
        "actual_hours": None,
    }
    return data | changes


def client_for(client, user):
    client.force_login(user)
    return client


# Services and queries ------------------------------------------------------------------------------


def test_hours_times_value_and_the_totals_use_the_derived_amount(setup):
    collaboration, users, kommun, forening = setup
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(300_000), actual=Decimal(250_000))
    line(collaboration, forening, 2026, Kind.VOLUNTEERS, hours=Decimal(1200), value=Decimal(250), actual=Decimal(1000))
    line(collaboration, forening, 2027, Kind.STAFF, hours=Decimal("7.5"), value=Decimal("400.50"))
    volunteers = BudgetLine.objects.get(kind=Kind.VOLUNTEERS)
    assert volunteers.planned == Decimal(300_000) and volunteers.actual == Decimal(250_000)
    result = queries.totals(
        queries.lines(collaboration), queries.parties(collaboration), queries.period_years(collaboration)
    )
    assert result.whole.planned == Decimal("603003.75")  # 300 000 + 300 000 + 7,5 × 400,50
    assert result.whole.actual == Decimal(500_000)
    assert result.by_year[2026].planned == Decimal(600_000)
    assert result.by_year[2028].planned == 0 and result.by_year[2028].actual is None
    assert result.by_kind[Kind.VOLUNTEERS].planned == Decimal(300_000)
    rows = {party.pk: (total, share) for party, total, share, _a, _y in result.party_rows()}
    assert rows[kommun.pk][1] == Decimal("49.8") and rows[forening.pk][1] == Decimal("50.2")
    assert rows[forening.pk][0].planned == Decimal("303003.75")


def test_year_summary_per_party_and_kind(setup):
    collaboration, users, kommun, forening = setup
    line(collaboration, kommun, 2027, Kind.PREMISES, amount=Decimal(120_000), actual=Decimal(110_000))
    line(collaboration, forening, 2027, Kind.STAFF, hours=Decimal(100), value=Decimal(400))
    line(collaboration, forening, 2026, Kind.MONEY, amount=Decimal(5))
    summary = queries.year_summary(collaboration, 2027)
    assert summary["year"] == 2027 and summary["planned"] == Decimal(160_000) and summary["actual"] == Decimal(110_000)
    by_party = {row["party"].pk: row for row in summary["parties"]}
    assert by_party[forening.pk]["planned"] == Decimal(40_000) and by_party[forening.pk]["actual"] is None
    assert by_party[kommun.pk]["kinds"]["lokaler"] == {"planned": Decimal(120_000), "actual": Decimal(110_000)}
    assert {k["kind"]: k["planned"] for k in summary["kinds"]}["personal"] == Decimal(40_000)


def test_a_year_outside_the_period_is_refused(setup):
    collaboration, users, kommun, _forening = setup
    with pytest.raises(ValidationError) as error:
        budget.save_line(collaboration, user=users["coordinator"], values=values(kommun, year=2029))
    assert "utanför samverkans period (2026–2028)" in str(error.value.message_dict["year"])
    Collaboration.objects.filter(pk=collaboration.pk).update(start_date=None, end_date=None)
    collaboration.refresh_from_db()
    with pytest.raises(ValidationError, match="ingen period"):
        budget.save_line(collaboration, user=users["coordinator"], values=values(kommun))
    assert not BudgetLine.objects.exists()


def test_every_write_records_its_event(setup):
    collaboration, users, kommun, _forening = setup
    saved = budget.save_line(collaboration, user=users["coordinator"], values=values(kommun))
    budget.save_line(
        collaboration, user=users["coordinator"], values=values(kommun, actual_amount=Decimal(900)), line=saved
    )
    budget.delete_line(saved, user=users["coordinator"])
    kinds = list(Event.objects.filter(collaboration=collaboration).order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [BudgetEvent.LINE_ADDED, BudgetEvent.LINE_CHANGED, BudgetEvent.LINE_DELETED]


def _iop(collaboration, users):
    agreement = agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="iop")
    )
    agreement.sections.filter(text="").update(text="Text för avsnittet.")
    return agreement


def test_planned_is_locked_once_the_agreement_is_frozen_and_actuals_are_not(setup):
    collaboration, users, kommun, _forening = setup
    saved = budget.save_line(collaboration, user=users["coordinator"], values=values(kommun))
    agreement = _iop(collaboration, users)
    agreements.freeze(agreement, user=users["coordinator"])
    assert queries.planned_locked(collaboration)
    with pytest.raises(ValidationError) as error:
        budget.save_line(
            collaboration, user=users["coordinator"], values=values(kommun, planned_amount=Decimal(2000)), line=saved
        )
    assert "nytt utkast" in str(error.value.message_dict["planned_amount"])
    with pytest.raises(ValidationError):
        budget.save_line(collaboration, user=users["coordinator"], values=values(kommun, year=2027), line=saved)
    with pytest.raises(ValidationError):
        budget.delete_line(saved, user=users["coordinator"])
    budget.save_line(
        collaboration, user=users["coordinator"], values=values(kommun, actual_amount=Decimal(950)), line=saved
    )
    saved.refresh_from_db()
    assert saved.planned_amount == Decimal(1000) and saved.actual_amount == Decimal(950)
    # A contribution that was not planned: a new line with only its actual.
    extra = budget.save_line(
        collaboration, user=users["coordinator"], values=values(kommun, planned_amount=None, actual_amount=Decimal(50))
    )
    assert extra.planned is None and extra.actual == Decimal(50)
    # A new draft opens the plan again.
    agreements.new_draft(agreement, user=users["coordinator"])
    assert not queries.planned_locked(collaboration)
    budget.save_line(
        collaboration, user=users["coordinator"], values=values(kommun, planned_amount=Decimal(2000)), line=saved
    )


def test_a_locked_version_keeps_its_budget_and_a_draft_shows_the_live_one(setup, client):
    collaboration, users, kommun, forening = setup
    first = line(
        collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(400_000), description="Bidrag till verksamheten"
    )
    agreement = _iop(collaboration, users)
    version = agreements.freeze(agreement, user=users["coordinator"])
    assert version.content["budget"]["total"] == "400000.00"
    # The budget changes after the version was locked (directly: the service would refuse the plan).
    BudgetLine.objects.filter(pk=first.pk).update(planned_amount=Decimal(999_000))
    line(collaboration, forening, 2027, Kind.VOLUNTEERS, hours=Decimal(10), value=Decimal(100))
    version.refresh_from_db()
    assert version.content["budget"]["total"] == "400000.00"
    client_for(client, users["reader"])
    page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert '<td class="text-end text-nowrap">400\u00a0000</td>' in page and "999\u00a0000" not in page
    printed = client.get(reverse("projects:agreement_print", args=[collaboration.pk])).content.decode()
    assert "400\u00a0000\u00a0kr" in printed and "999\u00a0000" not in printed
    # A new draft shows the budget as it is now.
    agreements.new_draft(agreement, user=users["coordinator"])
    page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert "1\u00a0000\u00a0000</td>" in page  # 999 000 + 10 × 100
    version.refresh_from_db()
    assert version.content["budget"]["total"] == "400000.00"


def test_the_pdf_has_the_budget_table(setup):
    collaboration, users, kommun, forening = setup
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(400_000), description="Bidrag till verksamheten")
    line(collaboration, forening, 2027, Kind.VOLUNTEERS, hours=Decimal(1200), value=Decimal(250), description="Ledare")
    agreement = _iop(collaboration, users)
    version = agreements.freeze(agreement, user=users["coordinator"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(agreements.version_pdf(version))).pages)
    assert "Budget: det planerade bidraget per part och år" in text
    assert "700 000 kr" in text.replace("\u00a0", " ")  # the whole
    assert "(1 200 timmar × 250 kr)" in " ".join(text.replace("\u00a0", " ").split())
    assert "57,1" in text and "42,9" in text  # the shares
    draft = pdf.render_pdf(agreements.snapshot(agreement), draft=True)
    draft_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(draft)).pages)
    assert "Bidrag till verksamheten" in draft_text.replace("\u2010\n", "")  # hyphenated at a line end


# Forms ---------------------------------------------------------------------------------------------


def form(setup, data, locked=False, line=None):
    collaboration, _users, kommun, forening = setup
    return BudgetLineForm(
        data,
        collaboration=collaboration,
        parties=[kommun, forening],
        years=queries.period_years(collaboration),
        locked=locked,
        line=line,
    )


def post(who, **changes):
    return {
        "party": who.pk,
        "year": "2026",
        "kind": "pengar",
        "description": "Bidrag",
        "planned_amount": "12 500,50",
    } | changes


def test_the_form_reads_the_swedish_format(setup):
    kommun = setup[2]
    valid = form(setup, post(kommun, actual_amount="1 000 kr"))
    assert valid.is_valid(), valid.errors
    assert valid.cleaned_data["planned_amount"] == Decimal("12500.50")
    assert valid.cleaned_data["actual_amount"] == Decimal(1000)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("planned_amount", "12.500", "Punkt används inte"),
        ("planned_amount", "-5", "0 eller mer"),
        ("planned_amount", "5 000 000 000", "orimligt stort"),
        ("planned_amount", "tolv", "med siffror"),
        ("year", "2031", "utanför samverkans period (2026–2028)"),
        ("party", "999999", "Välj en av samverkans parter"),
    ],
)
def test_the_form_says_what_is_wrong(setup, field, typed, message):
    bad = form(setup, post(setup[2], **{field: typed}))
    assert not bad.is_valid()
    assert message in " ".join(bad.errors[field])


def test_hours_are_hours(setup):
    forening = setup[3]
    data = post(forening, kind="ideell_tid", planned_amount="", planned_hours="9 000", hourly_value="250")
    bad = form(setup, data)
    assert not bad.is_valid()
    assert "8 784 timmar" in bad.errors["planned_hours"][0]
    bad = form(setup, data | {"planned_hours": "7.5"})
    assert not bad.is_valid() and "Punkt används inte" in bad.errors["planned_hours"][0]
    bad = form(setup, data | {"planned_hours": "100", "hourly_value": ""})
    assert not bad.is_valid() and "vad en timme är värd" in bad.errors["hourly_value"][0]
    good = form(setup, data | {"planned_hours": "1 200,5"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["planned_hours"] == Decimal("1200.5")


def test_the_locked_form_keeps_the_plan_read_only(setup):
    collaboration, _users, kommun, _forening = setup
    saved = line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(1000))
    locked = form(
        setup, post(kommun, planned_amount="5 000", actual_amount="900", description="Annat"), locked=True, line=saved
    )
    assert locked.is_valid(), locked.errors
    assert locked.cleaned_data["planned_amount"] == Decimal(1000)  # disabled: the posted value is ignored
    assert locked.cleaned_data["description"] == "Bidrag"
    assert locked.cleaned_data["actual_amount"] == Decimal(900)


# Views ---------------------------------------------------------------------------------------------


def test_the_page_without_a_period_says_where_to_set_it(people, client):
    collaboration, users = people
    client_for(client, users["coordinator"])
    response = client.get(reverse("projects:budget", args=[collaboration.pk]))
    assert response.status_code == 200
    assert reverse("projects:collaboration_edit", args=[collaboration.pk]) in response.content.decode()
    assert "Ange samverkans period först" in response.content.decode()
    client_for(client, users["editor"])  # who may not change the settings is told who does
    body = client.get(reverse("projects:budget", args=[collaboration.pk])).content.decode()
    assert "En samordnare anger periodens start och slut" in body
    assert "#id_start_date" not in body


def test_adding_a_line_without_javascript(setup, client):
    collaboration, users, _kommun, forening = setup
    client_for(client, users["editor"])
    url = reverse("projects:budget_line_create", args=[collaboration.pk])
    response = client.post(url, post(forening))
    assert response.status_code == 302
    assert BudgetLine.objects.get().planned_amount == Decimal("12500.50")
    page = client.get(response.url.split("#")[0]).content.decode()
    assert "12\u00a0500,50\u00a0kr" in page and "är tillagd" in page
    # A mistake: the page again, status 400, with what was typed and the message beside the field.
    response = client.post(url, post(forening, planned_amount="12.500", description="Min text"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="12.500"' in body and 'value="Min text"' in body and "Punkt används inte" in body
    assert 'id="error-summary"' in body
    assert BudgetLine.objects.count() == 1


def test_adding_a_line_with_htmx(setup, client):
    collaboration, users, _kommun, forening = setup
    client_for(client, users["editor"])
    url = reverse("projects:budget_line_create", args=[collaboration.pk])
    response = client.post(url, post(forening, year="2027"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="budget-region">') and "är tillagd" in body
    response = client.post(url, post(forening, year="2031"), **HTMX)
    assert response.status_code == 422
    assert "utanför samverkans period" in response.content.decode()
    assert BudgetLine.objects.count() == 1


def test_an_editor_writes_only_their_own_partys_lines(setup, client):
    collaboration, users, kommun, forening = setup
    theirs = line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(1000))
    client_for(client, users["editor"])
    assert client.get(reverse("projects:budget_line_edit", args=[collaboration.pk, theirs.pk])).status_code == 403
    assert client.post(reverse("projects:budget_line_delete", args=[collaboration.pk, theirs.pk])).status_code == 403
    response = client.post(reverse("projects:budget_line_create", args=[collaboration.pk]), post(kommun))
    assert response.status_code == 400 and BudgetLine.objects.count() == 1
    # The coordinator writes every party's.
    client_for(client, users["coordinator"])
    response = client.post(reverse("projects:budget_line_create", args=[collaboration.pk]), post(forening))
    assert response.status_code == 302 and BudgetLine.objects.filter(party=forening).exists()


def test_editing_with_htmx_and_without(setup, client):
    collaboration, users, _kommun, forening = setup
    mine = line(collaboration, forening, 2026, Kind.MONEY, amount=Decimal(1000))
    client_for(client, users["editor"])
    url = reverse("projects:budget_line_edit", args=[collaboration.pk, mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, post(forening, actual_amount="1.000"), **HTMX)
    assert response.status_code == 422 and 'value="1.000"' in response.content.decode()
    response = client.post(url, post(forening, actual_amount="1 000"), **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].endswith(f"#line-{mine.pk}")
    response = client.post(url, post(forening, actual_amount="1 100"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.actual_amount == Decimal(1100)


def test_one_year_with_ar(setup, client):
    collaboration, users, kommun, _forening = setup
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(1000), description="Första året")
    line(collaboration, kommun, 2027, Kind.MONEY, amount=Decimal(2000), description="Andra året")
    client_for(client, users["reader"])
    url = reverse("projects:budget", args=[collaboration.pk])
    body = client.get(url + "?ar=2027").content.decode()
    assert "Andra året" in body and "Första året" not in body
    body = client.get(url + "?ar=1999").content.decode()
    assert "Första året" in body and "finns inte i samverkans period" in body
    assert "Lägg till en rad" not in body  # a reader only reads


def test_the_csv_has_decimal_commas(setup, client):
    collaboration, users, kommun, forening = setup
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal("12500.50"), description="=SUMMA(A1)")
    line(collaboration, forening, 2027, Kind.STAFF, hours=Decimal("7.5"), value=Decimal(400), actual=Decimal(8))
    client_for(client, users["reader"])
    response = client.get(reverse("projects:budget_csv", args=[collaboration.pk]))
    text = response.content.decode("utf-8-sig")
    rows = [row.split(";") for row in text.strip().split("\r\n")]
    assert rows[0][:4] == ["År", "Part", "Slag", "Beskrivning"]
    assert rows[1][3] == "'=SUMMA(A1)" and rows[1][6] == "12500,50" and rows[1][8] == ""
    assert rows[2][4:] == ["7,50", "400,00", "3000,00", "8,00", "3200,00"]


# Query counts --------------------------------------------------------------------------------------


def _count(client, collaboration):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("projects:budget", args=[collaboration.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_queries_are_flat_in_years_and_collaborations(setup, client):
    collaboration, users, kommun, forening = setup
    client_for(client, users["coordinator"])
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(1))
    _count(client, collaboration)  # the session and the caches
    one_year = _count(client, collaboration)
    Collaboration.objects.filter(pk=collaboration.pk).update(end_date=date(2035, 12, 31))
    for year in range(2027, 2036):
        for party in (kommun, forening):
            line(collaboration, party, year, Kind.STAFF, hours=Decimal(10), value=Decimal(100), actual=Decimal(5))
            line(collaboration, party, year, Kind.MONEY, amount=Decimal(10))
    ten_years = _count(client, collaboration)
    municipality = kommun.organisation
    for n in range(199):
        other = make_collaboration(coordinator=users["coordinator"], organisation=municipality, title=f"Annan {n}")
        BudgetLine.objects.create(
            collaboration=other,
            party=other.parties.get(),
            year=2026,
            kind=Kind.MONEY,
            description="x",
            planned_amount=1,
        )
    many = _count(client, collaboration)
    assert one_year == ten_years == many


def test_a_second_tenant_sees_nothing(setup, client):
    collaboration, users, kommun, _forening = setup
    secret = line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(1000))
    other = make_collaboration(organisation=make_organisation("Annan kommun"), title="Annan")
    stranger = add_member(other, party=add_party(other, name="Annan förening")).user
    client_for(client, stranger)
    assert client.get(reverse("projects:budget", args=[collaboration.pk])).status_code == 404
    assert client.get(reverse("projects:budget_line_edit", args=[other.pk, secret.pk])).status_code == 404
    assert client.get(reverse("projects:budget_csv", args=[collaboration.pk])).status_code == 404


def test_the_edit_page_shows_the_line_and_a_locked_plan_takes_only_the_actual(setup, client):
    collaboration, users, _kommun, forening = setup
    mine = line(collaboration, forening, 2027, Kind.VOLUNTEERS, hours=Decimal("1200.5"), value=Decimal(250))
    client_for(client, users["editor"])
    url = reverse("projects:budget_line_edit", args=[collaboration.pk, mine.pk])
    body = client.get(url).content.decode()
    assert 'value="1 200,50"' in body and 'value="250"' in body and 'value="Bidrag"' in body
    assert '<option value="2027" selected>' in body
    agreement = _iop(collaboration, users)
    agreements.freeze(agreement, user=users["coordinator"])
    body = client.get(url).content.decode()
    assert "Det planerade kan inte ändras nu" in body and "nytt utkast" in body
    # Without JavaScript the disabled fields are not sent: only the actual.
    response = client.post(url, {"actual_hours": "1 100"})
    assert response.status_code == 302, response.content.decode()
    mine.refresh_from_db()
    assert mine.actual_hours == Decimal(1100) and mine.planned_hours == Decimal("1200.5") and mine.year == 2027
    assert mine.actual == Decimal(275_000)


def test_the_chart_is_hidden_and_its_numbers_are_in_a_table(setup, client):
    collaboration, users, kommun, forening = setup
    line(collaboration, kommun, 2026, Kind.MONEY, amount=Decimal(300_000), actual=Decimal(250_000))
    line(collaboration, forening, 2026, Kind.VOLUNTEERS, hours=Decimal(100), value=Decimal(250))
    client_for(client, users["reader"])
    body = client.get(reverse("projects:budget", args=[collaboration.pk])).content.decode()
    figure = body[body.index('<figure class="budget-figure') : body.index("</figure>")]
    assert 'aria-hidden="true"' in figure and "plan 325\u00a0000\u00a0kr" in figure
    table = body[body.index('<table class="table table-sm small caption-top budget-totals">') :]
    assert "<caption" in table and "325\u00a0000<br>" in table and "92,3&nbsp;%" in table


def test_adding_with_htmx_in_the_view_of_one_year_stays_in_it(setup, client):
    collaboration, users, _kommun, forening = setup
    client_for(client, users["editor"])
    url = reverse("projects:budget_line_create", args=[collaboration.pk]) + "?ar=2027"
    response = client.post(url, post(forening, year="2027", description="Året efter"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="year-2027"' in body and 'id="year-2026"' not in body
    response = client.post(url, post(forening, year="2028"))
    assert response.status_code == 302 and "?ar=2028#line-" in response.url
