"""The pages: without JavaScript and with HTMX (422 on an invalid form), the reason field beyond a
ceiling with everything typed kept, bad input in Swedish, privacy across tenants, the export."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.core.models import Role, Sector
from projects.state_aid.models import AidGrant, Ground
from tests.factories import add_member, join_organisation, make_collaboration, make_organisation, make_user
from tests.state_aid.helpers import GEMENSKAP_NR, grant, with_numbers

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}

VALID = {
    "ground": "general",
    "amount_sek": "250 000",
    "sek_per_eur": "11,2345",
    "granted_on": "2026-03-15",
    "description": "Verksamhetsbidrag 2026",
}


@pytest.fixture
def world(people):
    collaboration, users = people
    kommun, party = with_numbers(collaboration)
    return collaboration, users, kommun, party


def page(collaboration):
    return reverse("projects:state_aid", args=[collaboration.pk])


def record(collaboration):
    return reverse("projects:state_aid_record", args=[collaboration.pk])


def text(response):
    return response.content.decode().replace("\u00a0", " ").replace("&nbsp;", " ")


def test_every_member_reads_the_page_and_the_totals(client, world):
    collaboration, users, kommun, party = world
    grant(kommun, users["coordinator"], eur=120_000, collaboration=collaboration)
    client.force_login(users["reader"])
    response = client.get(page(collaboration))
    assert response.status_code == 200
    body = text(response)
    assert "120 000,00" in body and "40 %" in body
    assert "Registrera stödet" not in body  # the reader records nothing


def test_a_grant_recorded_without_javascript(client, world):
    collaboration, users, _kommun, party = world
    client.force_login(users["coordinator"])
    response = client.post(record(collaboration), VALID | {"party": party.pk}, follow=True)
    assert response.redirect_chain[-1][0] == page(collaboration)
    g = AidGrant.objects.get()
    assert (g.recipient_org_number, g.amount_eur, g.collaboration, g.granted_by.name) == (
        GEMENSKAP_NR,
        Decimal("22252.88"),
        collaboration,
        "Exempelkommun",
    )
    assert "Stödet till Föreningen Gemenskap är registrerat" in text(response)


def test_with_htmx_saved_goes_to_the_page_and_invalid_is_422_with_the_form(client, world):
    collaboration, users, _kommun, party = world
    client.force_login(users["coordinator"])
    saved = client.post(record(collaboration), VALID | {"party": party.pk}, **HX)
    assert saved.status_code == 200 and saved["HX-Redirect"] == page(collaboration)
    invalid = client.post(record(collaboration), VALID | {"party": party.pk, "amount_sek": "12.50"}, **HX)
    assert invalid.status_code == 422
    body = text(invalid)
    assert body.lstrip().startswith('<section class="card" id="grant-form"')
    assert "Punkt används inte" in body
    assert 'value="Verksamhetsbidrag 2026"' in body and 'value="12.50"' in body


def test_beyond_the_ceiling_the_reason_field_shows_and_nothing_is_lost(client, world):
    collaboration, users, kommun, party = world
    grant(kommun, users["coordinator"], eur=290_000)
    client.force_login(users["coordinator"])
    data = VALID | {"party": party.pk}
    response = client.post(record(collaboration), data)
    assert response.status_code == 200
    body = text(response)
    assert "Skäl att registrera stödet över taket" in body and "Skriv skälet, eller ändra beloppet." in body
    assert 'value="250 000"' in body and 'value="11,2345"' in body and 'value="2026-03-15"' in body
    assert AidGrant.objects.count() == 1
    saved = client.post(record(collaboration), data | {"over_ceiling_reason": "Beslut i fullmäktige"})
    assert saved.status_code == 302
    assert AidGrant.objects.latest("pk").over_ceiling_reason == "Beslut i fullmäktige"


def test_an_editor_of_the_civil_society_party_records_no_grant(client, world):
    collaboration, users, _kommun, party = world
    client.force_login(users["editor"])
    assert client.post(record(collaboration), VALID | {"party": party.pk}).status_code == 403
    assert "Registrera stödet" not in text(client.get(page(collaboration)))


def test_an_editor_of_the_public_party_records(client, world):
    collaboration, users, kommun, party = world
    colleague = add_member(
        collaboration, role=Role.EDITOR, party=collaboration.parties.get(is_coordinating=True), name="Eva Ek"
    ).user
    client.force_login(colleague)
    assert client.post(record(collaboration), VALID | {"party": party.pk}).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_sek", "-5", "Skriv ett belopp som är 0,01 eller mer."),
        ("amount_sek", "0", "Skriv ett belopp som är 0,01 eller mer."),
        ("amount_sek", "12.5", "Punkt används inte"),
        ("amount_sek", "999 999 999 999", "orimligt stort"),
        ("amount_sek", "tusen", "Skriv ett belopp med siffror"),
        ("sek_per_eur", "0,5", "Växelkursen är orimligt låg"),
        ("sek_per_eur", "1120", "Växelkursen är orimligt hög"),
        ("sek_per_eur", "11.2", "Punkt används inte"),
        ("sek_per_eur", "11,23456", "högst fyra decimaler"),
        ("granted_on", "1999-12-31", "från år 2000"),
        ("granted_on", "2099-01-01", "mer än ett år fram i tiden"),
        ("granted_on", "15/3/2026", "ÅÅÅÅ-MM-DD"),
        ("description", "", "Skriv vad stödet gäller."),
        ("party", "999999", "Välj en av samverkans idéburna parter."),
    ],
)
def test_bad_input_is_answered_in_swedish_and_kept(client, world, field, value, message):
    collaboration, users, _kommun, party = world
    client.force_login(users["coordinator"])
    response = client.post(record(collaboration), VALID | {"party": party.pk, field: value}, **HX)
    assert response.status_code == 422
    assert message in text(response)
    assert 'value="Verksamhetsbidrag 2026"' in text(response) or field == "description"
    assert not AidGrant.objects.exists()


def test_a_party_without_an_organisationsnummer_gets_it_typed(client, world):
    collaboration, users, _kommun, party = world
    party.organisation.org_number = None
    party.organisation.save()
    client.force_login(users["coordinator"])
    missing = client.post(record(collaboration), VALID | {"party": party.pk})
    assert "Parten saknar organisationsnummer i appen. Skriv det här." in text(missing)
    wrong = client.post(record(collaboration), VALID | {"party": party.pk, "org_number": "802000-1238"})
    assert "fel kontrollsiffra" in text(wrong)
    assert (
        client.post(record(collaboration), VALID | {"party": party.pk, "org_number": "8020001239"}).status_code == 302
    )
    assert AidGrant.objects.get().recipient_org_number == "802000-1239"


def test_a_typed_number_that_is_not_the_partys_is_refused(client, world):
    collaboration, users, _kommun, party = world
    client.force_login(users["coordinator"])
    response = client.post(record(collaboration), VALID | {"party": party.pk, "org_number": "802000-1239"})
    assert "Parten har organisationsnumret 802000-0009 i appen. Lämna fältet tomt." in text(response)
    assert (
        client.post(record(collaboration), VALID | {"party": party.pk, "org_number": "8020000009"}).status_code == 302
    )


# Privacy across tenants ---------------------------------------------------------------------------


@pytest.fixture
def two_tenants(world):
    """Annanstad, another municipality, in its own collaboration with Föreningen Gemenskap, has granted
    it aid in that collaboration and outside the app."""
    collaboration, users, kommun, party = world
    olle = make_user("Olle Annan", email="olle@annanstad.se")
    annanstad = make_organisation("Annanstads kommun", Sector.KOMMUN, org_number="212000-0142")
    other = make_collaboration(coordinator=olle, organisation=annanstad, title="Hemligt samarbete")
    other.parties.create(organisation=party.organisation)
    grant(annanstad, olle, eur=100_000, collaboration=other, description="HEMLIG beskrivning")
    grant(annanstad, olle, eur=50_000, description="ANNAN hemlighet")
    grant(kommun, users["coordinator"], eur=10_000, collaboration=collaboration, description="Vårt bidrag")
    grant(kommun, users["coordinator"], eur=5_000, description="Vårt bidrag utanför")
    return collaboration, users, kommun, party, other, olle, annanstad


def test_the_collaboration_shows_the_total_but_not_another_municipalitys_grants(client, two_tenants):
    collaboration, users, _kommun, _party, _other, _olle, _annanstad = two_tenants
    for role in ("coordinator", "editor", "reader"):
        client.force_login(users[role])
        body = text(client.get(page(collaboration)))
        assert "165 000,00" in body  # the whole total, every public party's aid counted
        assert "HEMLIG" not in body and "ANNAN hemlighet" not in body and "Hemligt samarbete" not in body
        assert "Annanstad" not in body
        assert "Vårt bidrag" in body
    client.force_login(users["coordinator"])
    assert "Vårt bidrag utanför" in text(client.get(page(collaboration)))  # the viewer's own organisation's
    client.force_login(users["reader"])
    assert "Vårt bidrag utanför" not in text(client.get(page(collaboration)))  # not the reader's organisation's


def test_the_other_municipality_sees_only_its_own(client, two_tenants):
    collaboration, users, kommun, _party, other, olle, annanstad = two_tenants
    client.force_login(olle)
    assert client.get(page(collaboration)).status_code == 404
    assert client.get(reverse("projects:org_state_aid", args=[kommun.pk])).status_code == 403
    assert client.get(reverse("projects:org_state_aid_csv", args=[kommun.pk])).status_code == 403
    body = text(client.get(page(other)))
    assert "165 000,00" in body and "Vårt bidrag" not in body and "Exempelkommun" not in body
    lookup = text(client.get(reverse("projects:org_state_aid", args=[annanstad.pk]), {"orgnr": GEMENSKAP_NR}))
    assert "165 000,00" in lookup and "Vårt bidrag" not in lookup and "Mötesplats" not in lookup


# The organisation's page --------------------------------------------------------------------------


def org_page(organisation, name="projects:org_state_aid"):
    return reverse(name, args=[organisation.pk])


def test_aid_granted_outside_the_app_is_entered_on_the_organisations_page(client, world):
    _collaboration, users, kommun, _party = world
    client.force_login(users["coordinator"])
    data = VALID | {"org_number": "802000 1239", "recipient_name": "Idrottsklubben Framåt", "ground": "sgei"}
    response = client.post(org_page(kommun, "projects:org_state_aid_record"), data, follow=True)
    g = AidGrant.objects.get()
    assert (g.collaboration, g.recipient_org_number, g.ground) == (None, "802000-1239", Ground.SGEI)
    assert "Idrottsklubben Framåt" in text(response)
    assert kommun.history.filter(kind="state_aid.grant").exists()


def test_the_outside_form_refuses_bad_numbers_and_unknown_nameless_recipients(client, world):
    _collaboration, users, kommun, _party = world
    client.force_login(users["coordinator"])
    url = org_page(kommun, "projects:org_state_aid_record")
    bad = client.post(url, VALID | {"org_number": "12345"}, **HX)
    assert bad.status_code == 422 and "tio siffror" in text(bad)
    nameless = client.post(url, VALID | {"org_number": "802000-1239"}, **HX)
    assert nameless.status_code == 422 and "Skriv mottagarens namn" in text(nameless)
    assert not AidGrant.objects.exists()


def test_a_member_of_the_municipality_records_staff_and_outsiders_do_not(client, world, admin_user):
    _collaboration, users, kommun, _party = world
    url = org_page(kommun, "projects:org_state_aid_record")
    data = VALID | {"org_number": "802000-1239", "recipient_name": "Idrottsklubben Framåt"}
    colleague = make_user("Doris Dahl")
    join_organisation(colleague, kommun)
    client.force_login(colleague)
    assert client.post(url, data).status_code == 302
    client.force_login(admin_user)  # staff read, but do not speak for the municipality
    assert client.get(org_page(kommun)).status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(users["editor"])
    assert client.post(url, data).status_code == 403


def test_a_civil_society_organisation_has_no_such_page(client, world):
    _collaboration, users, _kommun, party = world
    client.force_login(users["editor"])
    assert client.get(org_page(party.organisation)).status_code == 404


def test_the_lookup_shows_a_total_and_says_what_is_wrong_with_a_number(client, world):
    _collaboration, users, kommun, _party = world
    grant(kommun, users["coordinator"], eur=250_000, on=date.today())
    client.force_login(users["coordinator"])
    body = text(client.get(org_page(kommun), {"orgnr": "8020000009"}))
    assert "250 000,00" in body and "83 %" in body and "nära taket" in body
    wrong = text(client.get(org_page(kommun), {"orgnr": "802000-0008"}))
    assert "fel kontrollsiffra" in wrong


def test_the_list_is_paginated(client, world):
    _collaboration, users, kommun, _party = world
    for day in range(1, 31):
        grant(kommun, users["coordinator"], eur=10, on=date(2026, 1, day))
    client.force_login(users["coordinator"])
    first = text(client.get(org_page(kommun)))
    assert "Sida 1 av 2" in first and "2026-01-30" in first and "2026-01-05" not in first
    assert "2026-01-05" in text(client.get(org_page(kommun), {"sida": 2}))


def test_the_export_for_the_central_register(client, two_tenants):
    _collaboration, users, kommun, _party, *_rest = two_tenants
    client.force_login(users["coordinator"])
    response = client.get(org_page(kommun, "projects:org_state_aid_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Mottagarens organisationsnummer",
        "Mottagarens namn",
        "Beviljat den",
        "Belopp i euro",
        "Belopp i kronor",
        "Växelkurs, kronor per euro",
        "Förordning",
        "Stödform",
        "Stödgivare",
        "Stödgivarens organisationsnummer",
        "Beskrivning",
        "Skäl att gå över taket",
    ]
    assert len(rows) == 3  # Exempelkommun's two grants, not Annanstad's
    assert rows[1][:10] == [
        GEMENSKAP_NR,
        "Föreningen Gemenskap",
        "2026-06-01",
        "10000,00",
        "100000,00",
        "10,0000",
        "(EU) 2023/2831",
        "Bidrag",
        "Exempelkommun",
        "212000-1355",
    ]
    assert "HEMLIG" not in response.content.decode()


def test_the_saved_message_warns_from_80_percent(client, world):
    collaboration, users, kommun, party = world
    grant(kommun, users["coordinator"], eur=230_000, on=date.today())
    client.force_login(users["coordinator"])
    data = VALID | {"party": party.pk, "granted_on": date.today().isoformat(), "amount_sek": "112 345"}  # 10,000 euro
    body = text(client.post(record(collaboration), data, follow=True))
    assert "Föreningen Gemenskap har nu fått 80 % av taket på 300 000 euro under de senaste tre åren." in body


def test_query_counts_do_not_grow_with_the_municipalitys_collaborations(client, world):
    """The same number of queries with 1 collaboration as with 6 (bench/state_aid.py: 1 against 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    collaboration, users, kommun, party = world
    anna = users["coordinator"]
    grant(kommun, anna, eur=100, collaboration=collaboration)
    client.force_login(anna)
    urls = [page(collaboration), org_page(kommun), org_page(kommun) + f"?orgnr={GEMENSKAP_NR}"]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    before = counts()
    for n in range(5):
        other = make_collaboration(coordinator=anna, organisation=kommun, title=f"Samverkan {n}")
        other.parties.create(organisation=make_organisation(f"Förening {n}", Sector.IDEELL_FORENING))
        for k in range(3):
            grant(kommun, anna, eur=50, collaboration=other, number=GEMENSKAP_NR, on=date(2026, 1, k + 1))
    assert counts() == before
