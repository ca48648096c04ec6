import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.core.models import Event, Invitation, Membership, Role
from tests.factories import PASSWORD, OrganisationDomainFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_on_commit(monkeypatch):
    """The e-mail is sent when the transaction commits; tests run inside one, so send at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def invite(client, collaboration, email="dora@gemenskap.se", role=Role.EDITOR, party=None):
    party = party or collaboration.parties.get(organisation__name="Föreningen Gemenskap")
    return client.post(
        reverse("projects:invitation_create", args=[collaboration.pk]),
        {"email": email, "party": party.pk, "role": role},
    )


def link_from_mail():
    return re.search(r"http://testserver(/inbjudan/[^/\s]+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def invited(client, people):
    """A coordinator has invited dora@gemenskap.se; returns (collaboration, link path)."""
    collaboration, users = people
    # Föreningen Gemenskap has registered its e-mail domain: an invited address there may act for it
    # (projects.organisations.services.may_join_through_party_invitation).
    gemenskap = collaboration.parties.get(organisation__name="Föreningen Gemenskap").organisation
    OrganisationDomainFactory(organisation=gemenskap, domain="gemenskap.se")
    client.force_login(users["coordinator"])
    assert invite(client, collaboration).status_code == 302
    client.logout()
    return collaboration, link_from_mail()


def accept_as_new_person(client, link, name="Dora Ek"):
    return client.post(link, {"full_name": name, "password1": PASSWORD, "password2": PASSWORD})


def test_invitation_mail_carries_a_link_and_only_the_hash_is_stored(invited):
    collaboration, link = invited
    token = link.strip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert mail.outbox[-1].to == ["dora@gemenskap.se"]
    assert collaboration.title in mail.outbox[-1].subject
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)


def test_new_person_sets_name_and_password_and_becomes_member(client, invited):
    collaboration, link = invited
    response = accept_as_new_person(client, link)
    assert response.status_code == 302 and response.url == collaboration.get_absolute_url()
    membership = Membership.objects.get(user__email="dora@gemenskap.se")
    assert membership.role == Role.EDITOR and membership.party.organisation.name == "Föreningen Gemenskap"
    assert membership.user.full_name == "Dora Ek"
    assert client.get(collaboration.get_absolute_url()).status_code == 200  # logged in
    assert collaboration.events.filter(kind=Event.Kind.MEMBER_JOINED, subject="Dora Ek").exists()


def test_weak_password_is_refused_and_name_kept(client, invited):
    _, link = invited
    response = client.post(link, {"full_name": "Dora Ek", "password1": "123", "password2": "123"})
    body = response.content.decode()
    assert response.status_code == 200 and "Dora Ek" in body
    assert not Membership.objects.filter(user__email="dora@gemenskap.se").exists()


def test_link_works_only_once(client, invited):
    _, link = invited
    accept_as_new_person(client, link)
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "redan använd" in response.content.decode()


def test_expired_link_gets_a_clear_page(client, invited):
    _, link = invited
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link)
    assert response.status_code == 410 and "gått ut" in response.content.decode()
    assert accept_as_new_person(client, link).status_code == 410
    assert not Membership.objects.filter(user__email="dora@gemenskap.se").exists()


def test_revoked_link_gets_a_clear_page(client, people, invited):
    collaboration, link = invited
    client.force_login(people[1]["coordinator"])
    client.post(reverse("projects:invitation_revoke", args=[collaboration.pk, Invitation.objects.get().pk]))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410 and "återkallad" in response.content.decode()


def test_unknown_token_gets_a_clear_page(client, db):
    response = client.get(reverse("projects:invitation_accept", args=["nonsense"]))
    assert response.status_code == 404 and "känns inte igen" in response.content.decode()


def test_another_logged_in_account_is_told_so(client, invited):
    _, link = invited
    client.force_login(make_user("Erik Fel"))
    response = client.get(link)
    assert response.status_code == 403 and "inloggad med ett annat konto" in response.content.decode()
    assert client.post(link).status_code == 403
    assert Invitation.objects.get().accepted_at is None


def test_existing_account_logs_in_and_accepts(client, invited):
    collaboration, link = invited
    dora = make_user("Dora Ek", email="dora@gemenskap.se")
    response = client.get(link)
    assert "Logga in" in response.content.decode()
    client.force_login(dora)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=dora, collaboration=collaboration).exists()


def test_resend_gives_a_new_link_and_kills_the_old(client, people, invited):
    collaboration, old_link = invited
    client.force_login(people[1]["coordinator"])
    client.post(reverse("projects:invitation_resend", args=[collaboration.pk, Invitation.objects.get().pk]))
    new_link = link_from_mail()
    client.logout()
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_inviting_a_member_is_refused(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = invite(client, collaboration, email=users["editor"].email.upper())
    assert response.status_code == 200
    assert "redan med i samverkan" in response.content.decode()
    assert not mail.outbox


def test_inviting_twice_is_refused_with_a_pointer_to_resend(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    invite(client, collaboration)
    response = invite(client, collaboration)
    assert "väntar på svar" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_invalid_email_is_refused_and_kept(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    response = invite(client, collaboration, email="inte-en-adress")
    body = response.content.decode()
    assert response.status_code == 200 and "inte-en-adress" in body and "giltig e-postadress" in body


def test_party_of_another_collaboration_is_refused(client, people):
    from tests.factories import make_collaboration

    collaboration, users = people
    other = make_collaboration(title="Annan")
    client.force_login(users["coordinator"])
    response = invite(client, collaboration, party=other.parties.get())
    assert response.status_code == 200 and not Invitation.objects.exists()


def test_a_title_with_a_line_break_still_gives_a_one_line_subject(client, people):
    collaboration, users = people
    collaboration.title = "Rad ett\nRad två"
    collaboration.save()
    client.force_login(users["coordinator"])
    assert invite(client, collaboration).status_code == 302
    assert mail.outbox[-1].subject.endswith("Rad ett Rad två")


def test_a_failed_e_mail_keeps_the_invitation_and_says_so(client, people, monkeypatch):
    collaboration, users = people

    def broken(*args, **kwargs):
        raise OSError("SMTP is down")

    monkeypatch.setattr("projects.core.services.send_mail", broken)
    client.force_login(users["coordinator"])
    response = invite(client, collaboration)
    assert response.status_code == 302
    assert Invitation.objects.filter(email="dora@gemenskap.se").exists()
    page = client.get(response.url).content.decode()
    assert "kunde inte skickas" in page


def test_sending_the_sign_up_form_twice_is_not_an_error(client, invited):
    _, link = invited
    accept_as_new_person(client, link)
    client.logout()
    from projects.core.models import Invitation as Inv

    Inv.objects.update(accepted_at=None, accepted_by=None)  # as if the second request raced the first
    response = accept_as_new_person(client, link)
    assert response.status_code == 200 and "Logga in" in response.content.decode()
