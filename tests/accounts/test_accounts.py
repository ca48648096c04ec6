import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_signup_with_email_and_full_name(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Dora Ek",
            "email": "Dora@Gemenskap.se",
            "password1": "ett-langt-losen-123",
            "password2": "ett-langt-losen-123",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.full_name == "Dora Ek" and user.email == "dora@gemenskap.se"


def test_login_with_email(client):
    make_user("Anna Andersson", email="anna@exempelkommun.se")
    response = client.post(
        reverse("account_login"), {"login": "anna@exempelkommun.se", "password": "ett-langt-testlosenord"}
    )
    assert response.status_code == 302


def test_wrong_password_gives_a_swedish_message(client):
    make_user("Anna Andersson", email="anna@exempelkommun.se")
    response = client.post(reverse("account_login"), {"login": "anna@exempelkommun.se", "password": "fel"})
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet stämmer inte" in response.content.decode()


def test_profile_changes_name_and_refuses_empty(client):
    user = make_user("Anna Andersson")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"full_name": ""})
    assert response.status_code == 200 and "måste fyllas i" in response.content.decode()
    client.post(reverse("accounts:profile"), {"full_name": "Anna Andersson-Berg"})
    user.refresh_from_db()
    assert user.full_name == "Anna Andersson-Berg"
