import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.common.validators import luhn_ok, normalise_org_number
from projects.core.forms import OrganisationForm
from projects.core.models import Organisation, Sector
from tests.factories import add_member, join_organisation, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("212000-1355", "212000-1355"),
        ("2120001355", "212000-1355"),
        (" 212000 1355 ", "212000-1355"),
        ("16212000-1355", "212000-1355"),
        ("802000-0009", "802000-0009"),
    ],
)
def test_org_number_is_normalised(raw, expected):
    assert normalise_org_number(raw) == expected


@pytest.mark.parametrize("raw", ["212000-1356", "12345", "abcdef-ghij", "212000-13555", "19212000-1355"])
def test_invalid_org_number_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_org_number(raw)


def test_luhn():
    assert luhn_ok("2120001355")
    assert not luhn_ok("2120001354")


def form_data(**overrides):
    return {"name": "Föreningen Gemenskap", "sector": Sector.IDEELL_FORENING, "org_number": "", **overrides}


def test_form_stores_normalised_number():
    form = OrganisationForm(form_data(org_number="2120001355"))
    assert form.is_valid(), form.errors
    assert form.save().org_number == "212000-1355"


def test_form_refuses_bad_check_digit_in_swedish():
    form = OrganisationForm(form_data(org_number="212000-1356"))
    assert not form.is_valid()
    assert "kontrollsiffra" in form.errors["org_number"][0]


def test_form_refuses_duplicate_number_and_names_the_holder():
    make_organisation("Exempelkommun", org_number="212000-1355")
    form = OrganisationForm(form_data(org_number="2120001355"))
    assert not form.is_valid()
    assert "Exempelkommun" in form.errors["org_number"][0]


def test_many_organisations_without_number_are_allowed():
    for name in ["A", "B"]:
        form = OrganisationForm(form_data(name=name))
        assert form.is_valid(), form.errors
        form.save()
    assert Organisation.objects.filter(org_number__isnull=True).count() == 2


def test_over_long_name_is_refused_and_kept(client):
    client.force_login(make_user())
    long_name = "x" * 201
    response = client.post(reverse("projects:organisation_create"), form_data(name=long_name))
    assert response.status_code == 200
    assert "som mest 200 tecken" in response.content.decode()
    assert long_name in response.content.decode()


def test_create_page_saves_and_records_creator(client):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("projects:organisation_create"), form_data(org_number="802000-0009"))
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and response.url == organisation.get_absolute_url()
    assert organisation.created_by == user


def test_member_of_organisation_can_edit_it(client, collaboration):
    editor = collaboration.memberships.get(role="editor").user
    organisation = editor.memberships.get().party.organisation
    client.force_login(editor)
    response = client.post(
        reverse("projects:organisation_edit", args=[organisation.pk]),
        form_data(name="Föreningen Gemenskap Väst", municipality="Halmstad"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Föreningen Gemenskap Väst"


def test_search_by_name_and_number(client, collaboration):
    make_organisation("Stiftelsen Solsken", Sector.STIFTELSE, org_number="802000-0009")
    client.force_login(make_user())
    url = reverse("projects:organisation_list")
    assert "Stiftelsen Solsken" in client.get(url, {"q": "solsk"}).content.decode()
    assert "Stiftelsen Solsken" in client.get(url, {"q": "8020000009"}).content.decode()
    assert "Stiftelsen Solsken" not in client.get(url, {"q": "Exempel"}).content.decode()


def test_search_fragment_for_htmx(client):
    make_organisation("Stiftelsen Solsken", Sector.STIFTELSE)
    client.force_login(make_user())
    response = client.get(
        reverse("projects:organisation_list"),
        {"q": "Sol"},
        headers={"HX-Request": "true", "HX-Target": "organisation-results"},
    )
    body = response.content.decode()
    assert "Stiftelsen Solsken" in body
    assert "<html" not in body and 'id="organisation-results"' in body


def test_organisation_is_not_member_just_by_existing(collaboration):
    # A person in the collaboration for one party is not a member of the other party's organisation.
    outsider_org = make_organisation("Annan förening", Sector.IDEELL_FORENING)
    member = add_member(collaboration, name="Dan Dahl")
    from projects.organisations.permissions import Perm, policy

    assert not policy.user_has_permission(member.user, Perm.EDIT, outsider_org)


def test_a_reader_cannot_edit_the_organisation(client, collaboration):
    reader = collaboration.memberships.get(role="reader").user
    organisation = reader.memberships.get().party.organisation
    client.force_login(reader)
    response = client.post(reverse("projects:organisation_edit", args=[organisation.pk]), form_data(name="Kapad"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Föreningen Gemenskap"


def test_the_creator_edits_only_while_administering_it(client, collaboration):
    """Issue 13 replaced "the creator edits it until it takes part" with "its administrators edit
    it": registering it for someone else gives no right to edit it, and whoever administers it keeps
    editing it after it takes part."""
    creator = make_user("Rut Registrerare")
    organisation = make_organisation("Stiftelsen Ny", Sector.STIFTELSE, created_by=creator)
    client.force_login(creator)
    url = reverse("projects:organisation_edit", args=[organisation.pk])
    assert client.get(url).status_code == 403
    join_organisation(creator, organisation)  # the first of its people: its administrator
    assert client.get(url).status_code == 200
    collaboration.parties.create(organisation=organisation)
    assert client.get(url).status_code == 200


def test_registering_from_the_party_page_returns_there(client, collaboration):
    coordinator = collaboration.memberships.get(role="coordinator").user
    client.force_login(coordinator)
    back = reverse("projects:parties", args=[collaboration.pk])
    response = client.post(reverse("projects:organisation_create"), form_data(name="Ny förening", next=back))
    assert response.status_code == 302 and response.url.startswith(back) and "q=Ny" in response.url
    evil = client.post(reverse("projects:organisation_create"), form_data(name="Annan", next="https://evil.example/"))
    assert evil.url == Organisation.objects.get(name="Annan").get_absolute_url()
