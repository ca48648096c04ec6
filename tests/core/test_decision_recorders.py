"""Marking who records a party's decision (core.mark_decision_recorder, the people page): a party's
coordinators mark its people; where the party has no coordinator, any coordinator of the collaboration."""

import pytest
from django.urls import reverse

from projects.core import services as actions
from projects.core.models import Event, Membership, Role
from projects.core.permissions import MARK_DECISION_RECORDER, policy
from tests.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people):
    """Exempelkommun: Anna (coordinator), Erik (editor). Föreningen Gemenskap: Bo (editor), Cecilia
    (reader)."""
    collaboration, users = people
    kommun = users["coordinator"].memberships.get().party
    erik = add_member(collaboration, role=Role.EDITOR, party=kommun, name="Erik Ek").user
    return collaboration, users | {"erik": erik}


def membership(user):
    return user.memberships.get()


def marking_url(collaboration, user):
    return reverse("projects:member_records_decisions", args=[collaboration.pk, membership(user).pk])


def may_mark(user, collaboration, party):
    return policy.user_has_permission(user, MARK_DECISION_RECORDER, collaboration, party)


def test_coordinators_mark_their_own_party_and_a_party_without_coordinators(world):
    collaboration, users = world
    kommun, gemenskap = membership(users["coordinator"]).party, membership(users["editor"]).party
    assert may_mark(users["coordinator"], collaboration, kommun)
    assert may_mark(users["coordinator"], collaboration, gemenskap)  # Gemenskap has no coordinator
    assert not may_mark(users["editor"], collaboration, gemenskap)  # an editor never marks
    assert not may_mark(users["erik"], collaboration, kommun)
    dora = add_member(collaboration, role=Role.COORDINATOR, party=gemenskap, name="Dora Dal").user
    assert not may_mark(users["coordinator"], collaboration, gemenskap)  # now Gemenskap's own coordinator does
    assert may_mark(dora, collaboration, gemenskap)
    assert may_mark(dora, collaboration, kommun) is False


def test_marking_and_unmarking_records_an_event(client, world):
    collaboration, users = world
    client.force_login(users["coordinator"])
    response = client.post(marking_url(collaboration, users["erik"]), {"records_decisions": "1"}, follow=True)
    assert "Erik Ek registrerar nu beslutet för Exempelkommun." in response.content.decode()
    assert membership(users["erik"]).records_decisions
    client.post(marking_url(collaboration, users["erik"]), {"records_decisions": "0"})
    assert not membership(users["erik"]).records_decisions
    details = list(
        Event.objects.filter(kind=Event.Kind.MEMBER_RECORDS_DECISIONS).order_by("pk").values_list("subject", "detail")
    )
    assert details == [
        ("Erik Ek", "Exempelkommun: registrerar partens beslut"),
        ("Erik Ek", "Exempelkommun: registrerar inte längre beslut"),
    ]


def test_a_coordinator_of_another_party_is_refused_where_the_party_has_its_own(client, world):
    collaboration, users = world
    gemenskap = membership(users["editor"]).party
    add_member(collaboration, role=Role.COORDINATOR, party=gemenskap, name="Dora Dal")
    client.force_login(users["coordinator"])
    assert client.post(marking_url(collaboration, users["editor"]), {"records_decisions": "1"}).status_code == 403
    assert not membership(users["editor"]).records_decisions


def test_a_reader_cannot_be_marked(client, world):
    collaboration, users = world
    client.force_login(users["coordinator"])
    response = client.post(marking_url(collaboration, users["reader"]), {"records_decisions": "1"}, follow=True)
    assert "är läsare och kan inte registrera beslut" in response.content.decode()
    assert not membership(users["reader"]).records_decisions
    # A mark left from before (the person was made a reader afterwards) can still be removed.
    Membership.objects.filter(user=users["reader"]).update(records_decisions=True)
    actions.set_decision_recorder(membership(users["reader"]), by=users["coordinator"], value=False)
    assert not membership(users["reader"]).records_decisions


def test_a_value_that_is_not_yes_or_no_changes_nothing(client, world):
    collaboration, users = world
    client.force_login(users["coordinator"])
    response = client.post(marking_url(collaboration, users["erik"]), {"records_decisions": "kanske"}, follow=True)
    assert "Välj om personen registrerar partens beslut." in response.content.decode()
    assert not membership(users["erik"]).records_decisions


def test_the_people_page_shows_who_records_and_the_default(client, world):
    collaboration, users = world
    client.force_login(users["coordinator"])
    page = client.get(reverse("projects:people", args=[collaboration.pk])).content.decode()
    assert "Har ingen markerats registrerar partens samordnare besluten." in page
    assert page.count(">Registrerar partens beslut<") == 2  # Anna (coordinator), Bo (editor, no coordinator)
    assert "som samordnare (ingen är markerad)" in page and "som redaktör (parten har ingen samordnare)" in page
    assert marking_url(collaboration, users["erik"]) in page
    assert marking_url(collaboration, users["reader"]) not in page  # a reader is not offered
    actions.set_decision_recorder(membership(users["erik"]), by=users["coordinator"], value=True)
    page = client.get(reverse("projects:people", args=[collaboration.pk])).content.decode()
    assert page.count(">Registrerar partens beslut<") == 2  # Erik now, not Anna; Bo still
    assert "Ta bort beslutsrätt" in page and "som samordnare (ingen är markerad)" not in page
    client.force_login(users["editor"])
    page = client.get(reverse("projects:people", args=[collaboration.pk])).content.decode()
    assert ">Registrerar partens beslut<" in page and "beslutsrätt</button>" not in page
    assert "Ge beslutsrätt" not in page
