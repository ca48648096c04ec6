import datetime

import pytest
from django.urls import reverse

from projects.core.models import Collaboration, Event, Membership, Organisation, Party, Role, Sector
from tests.factories import (
    CollaborationFactory,
    add_party,
    join_organisation,
    make_collaboration,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.django_db


def create_data(**overrides):
    return {
        "title": "Läxhjälp i Norra",
        "challenge": "Fler unga behöver stöd med skolarbetet.",
        "target_group": "Elever i årskurs 7–9",
        "description": "",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        **overrides,
    }


def test_creator_becomes_coordinator_of_the_coordinating_party(client):
    anna = make_user("Anna Andersson")
    kommun = make_organisation("Exempelkommun")
    join_organisation(anna, kommun)  # she acts for it (projects.organisations)
    client.force_login(anna)
    response = client.post(reverse("projects:collaboration_create"), create_data(organisation=kommun.pk))
    collaboration = Collaboration.objects.get()
    assert response.status_code == 302 and response.url == collaboration.get_absolute_url()
    membership = Membership.objects.get(collaboration=collaboration)
    assert membership.user == anna and membership.role == Role.COORDINATOR
    assert membership.party.organisation == kommun and membership.party.is_coordinating
    assert set(collaboration.events.values_list("kind", flat=True)) == {
        Event.Kind.COLLABORATION_CREATED,
        Event.Kind.PARTY_ADDED,
        Event.Kind.MEMBER_JOINED,
        "report.plan",  # the period's years of the yearly follow-up (projects.reports)
    }


def test_create_with_a_new_organisation(client):
    client.force_login(make_user())
    response = client.post(
        reverse("projects:collaboration_create"),
        create_data(
            new_organisation_name="Föreningen Gemenskap",
            new_organisation_sector=Sector.IDEELL_FORENING,
            new_organisation_number="802000-0009",
        ),
    )
    assert response.status_code == 302
    assert Organisation.objects.get().org_number == "802000-0009"


def test_end_before_start_is_refused_and_text_kept(client):
    client.force_login(make_user())
    kommun = make_organisation()
    response = client.post(
        reverse("projects:collaboration_create"),
        create_data(organisation=kommun.pk, start_date="2027-06-01", end_date="2027-01-01"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatum måste komma efter startdatum." in body
    assert "Fler unga behöver stöd med skolarbetet." in body
    assert not Collaboration.objects.exists()


def test_organisation_is_required(client):
    client.force_login(make_user())
    response = client.post(reverse("projects:collaboration_create"), create_data())
    assert "Välj din organisation" in response.content.decode()
    assert not Collaboration.objects.exists()


def test_over_long_title_is_refused(client):
    client.force_login(make_user())
    response = client.post(
        reverse("projects:collaboration_create"), create_data(title="t" * 201, organisation=make_organisation().pk)
    )
    assert response.status_code == 200 and "som mest 200 tecken" in response.content.decode()


def test_database_refuses_end_before_start():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):  # the CheckConstraint itself: a plain create, not a factory
        Collaboration.objects.create(
            title="x", start_date=datetime.date(2027, 2, 1), end_date=datetime.date(2027, 1, 1)
        )


def test_warns_without_blocking_when_a_sector_is_missing(client):
    collaboration = make_collaboration()
    client.force_login(collaboration.memberships.get().user)
    body = client.get(collaboration.get_absolute_url()).content.decode()
    assert "saknar en idéburen part" in body
    add_party(collaboration)
    body = client.get(collaboration.get_absolute_url()).content.decode()
    assert "saknar en idéburen part" not in body and "saknar en offentlig part" not in body


def test_coordinator_archives_and_then_nothing_can_be_managed(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    data = create_data(title=collaboration.title, phase="formulering", archived="on")
    response = client.post(reverse("projects:collaboration_edit", args=[collaboration.pk]), data)
    assert response.status_code == 302
    collaboration.refresh_from_db()
    # The phase is not a setting: it changes on the phases page, with its timeline.
    assert collaboration.archived and collaboration.phase == "agendasattning"
    assert collaboration.events.filter(kind=Event.Kind.COLLABORATION_ARCHIVED).exists()
    page = client.get(collaboration.get_absolute_url()).content.decode()
    assert "arkiverad och kan bara läsas" in page
    # Read-only: managing parties is refused, restoring through the settings is allowed.
    response = client.post(reverse("projects:party_add", args=[collaboration.pk]), {})
    assert response.status_code == 403
    data.pop("archived")
    client.post(reverse("projects:collaboration_edit", args=[collaboration.pk]), data)
    collaboration.refresh_from_db()
    assert not collaboration.archived


def test_a_period_followed_by_a_new_one_cannot_be_restored(client, people):
    collaboration, users = people
    collaboration.archived = True
    collaboration.save()
    CollaborationFactory(title=collaboration.title, period=2, previous_period=collaboration)
    client.force_login(users["coordinator"])
    response = client.post(reverse("projects:collaboration_edit", args=[collaboration.pk]), {})
    assert response.status_code == 200
    assert "efterföljande period" in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.archived


def test_add_party_and_refuse_duplicate(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    hopp = make_organisation("Trossamfundet Hopp", Sector.TROSSAMFUND)
    url = reverse("projects:party_add", args=[collaboration.pk])
    client.post(url, {"organisation": hopp.pk})
    assert Party.objects.filter(collaboration=collaboration, organisation=hopp).exists()
    response = client.post(url, {"organisation": hopp.pk}, follow=True)
    assert "redan part i samverkan" in response.content.decode()
    assert Party.objects.filter(collaboration=collaboration, organisation=hopp).count() == 1


def test_party_with_people_cannot_be_removed(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    party = users["editor"].memberships.get().party
    response = client.post(reverse("projects:party_remove", args=[collaboration.pk, party.pk]), follow=True)
    assert "har personer i samverkan" in response.content.decode()
    assert Party.objects.filter(pk=party.pk).exists()


def test_only_one_coordinating_party(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    party = users["editor"].memberships.get().party
    client.post(
        reverse("projects:party_edit", args=[collaboration.pk, party.pk]),
        {"contribution": "Ideella ledare två kvällar i veckan", "is_coordinating": "on"},
    )
    assert list(collaboration.parties.filter(is_coordinating=True)) == [party]


def test_party_search_excludes_existing_parties_and_has_a_fragment(client, people):
    collaboration, users = people
    make_organisation("Föreningen Gemenskaparna", Sector.IDEELL_FORENING)
    client.force_login(users["coordinator"])
    url = reverse("projects:parties", args=[collaboration.pk])
    response = client.get(url, {"q": "Gemenskap"}, headers={"HX-Request": "true", "HX-Target": "org-search-results"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Föreningen Gemenskaparna" in body
    assert "Föreningen Gemenskap<" not in body.replace("Föreningen Gemenskap</strong>", "")  # already a party
    full = client.get(url, {"q": "Gemenskap"}).content.decode()
    assert "<html" in full and "Föreningen Gemenskaparna" in full


def test_events_page_lists_what_happened(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    body = client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
    assert "Samverkan skapad" in body and "Anna Andersson" in body
