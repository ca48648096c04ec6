import pytest
from django.urls import reverse

from projects.core.models import Membership, Role

pytestmark = pytest.mark.django_db


def role_url(collaboration, membership):
    return reverse("projects:member_role", args=[collaboration.pk, membership.pk])


def test_last_coordinator_cannot_be_demoted(client, people):
    collaboration, users = people
    anna = users["coordinator"].memberships.get()
    client.force_login(users["coordinator"])
    response = client.post(role_url(collaboration, anna), {"role": Role.READER}, follow=True)
    assert "minst en samordnare" in response.content.decode()
    anna.refresh_from_db()
    assert anna.role == Role.COORDINATOR


def test_last_coordinator_cannot_be_removed(client, people):
    collaboration, users = people
    anna = users["coordinator"].memberships.get()
    client.force_login(users["coordinator"])
    response = client.post(reverse("projects:member_remove", args=[collaboration.pk, anna.pk]), follow=True)
    assert "sista samordnaren" in response.content.decode()
    assert Membership.objects.filter(pk=anna.pk).exists()


def test_coordinator_can_step_down_when_another_exists(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    bo = users["editor"].memberships.get()
    client.post(role_url(collaboration, bo), {"role": Role.COORDINATOR})
    anna = users["coordinator"].memberships.get()
    client.post(role_url(collaboration, anna), {"role": Role.EDITOR})
    anna.refresh_from_db()
    assert anna.role == Role.EDITOR


def test_role_change_fragment_for_htmx(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    cecilia = users["reader"].memberships.get()
    response = client.post(role_url(collaboration, cecilia), {"role": Role.EDITOR}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="member-{cecilia.pk}"' in body and "Rollen är sparad." in body
    cecilia.refresh_from_db()
    assert cecilia.role == Role.EDITOR


def test_role_fragment_shows_the_refusal(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    anna = users["coordinator"].memberships.get()
    response = client.post(role_url(collaboration, anna), {"role": Role.READER}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "minst en samordnare" in body
    assert 'value="coordinator" selected' in body


def test_unknown_role_is_refused(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    cecilia = users["reader"].memberships.get()
    response = client.post(role_url(collaboration, cecilia), {"role": "emperor"}, follow=True)
    assert response.status_code == 200 and "Välj en av rollerna" in response.content.decode()
    cecilia.refresh_from_db()
    assert cecilia.role == Role.READER


def test_membership_of_another_collaboration_is_404(client, people):
    from tests.factories import make_collaboration

    collaboration, users = people
    other = make_collaboration(title="Annan")
    client.force_login(users["coordinator"])
    response = client.post(role_url(collaboration, other.memberships.get()), {"role": Role.READER})
    assert response.status_code == 404


def test_removed_member_loses_access(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    cecilia = users["reader"].memberships.get()
    client.post(reverse("projects:member_remove", args=[collaboration.pk, cecilia.pk]))
    client.force_login(users["reader"])
    assert client.get(collaboration.get_absolute_url()).status_code == 404
