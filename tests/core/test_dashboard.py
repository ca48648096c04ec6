import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.core.models import Role
from tests.factories import add_member, add_party, make_collaboration, make_user

pytestmark = pytest.mark.django_db


def test_empty_state_explains_the_first_step(client):
    client.force_login(make_user())
    body = client.get(reverse("projects:dashboard")).content.decode()
    assert "Du är inte med i någon samverkan än" in body and "Starta en samverkan" in body


def test_lists_only_my_collaborations_with_parties_phase_and_role(client, people):
    collaboration, users = people
    make_collaboration(title="Någon annans samverkan")
    client.force_login(users["reader"])
    body = client.get(reverse("projects:dashboard")).content.decode()
    assert collaboration.title in body and "Någon annans samverkan" not in body
    assert "Exempelkommun" in body and "Föreningen Gemenskap" in body
    assert "Agendasättning" in body and "Läsare" in body


def _collaborations_for(user, n):
    for i in range(n):
        collaboration = make_collaboration(coordinator=make_user(f"Samordnare {i}"), title=f"Samverkan {i}")
        add_party(collaboration, name=f"Förening {i}")
        add_member(collaboration, user=user, role=Role.EDITOR)


def test_query_count_does_not_grow(client):
    """The same statements for 5 collaborations as for 100: the page (session, user, count, page of
    memberships, parties prefetch) and Väntar på dig (a statement or two per kind, for all of them)."""
    counts = {}
    for n in (5, 100):
        user = make_user(f"Person {n}")
        _collaborations_for(user, n)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("projects:dashboard"))
        assert response.status_code == 200 and "Väntar på dig" in response.content.decode()
        counts[n] = len(queries)
    assert counts[5] == counts[100] <= 25, counts


def test_paginated(client):
    user = make_user("Bo Berg")
    _collaborations_for(user, 25)
    client.force_login(user)
    first = client.get(reverse("projects:dashboard")).content.decode()
    second = client.get(reverse("projects:dashboard"), {"sida": 2}).content.decode()
    assert "Sida 1 av 2" in first and "Sida 2 av 2" in second
    assert first.count("card-title") == 20 and second.count("card-title") == 5
    # Out-of-range and garbage page numbers fall back to a real page, not an error.
    assert client.get(reverse("projects:dashboard"), {"sida": "x"}).status_code == 200
    assert client.get(reverse("projects:dashboard"), {"sida": 999}).status_code == 200
