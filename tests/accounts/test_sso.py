"""Optional single sign-on through OpenID Connect (samverkan/sso.py, accounts.adapters.SocialAccountAdapter).
The identity provider is mocked at the HTTP level: discovery document, token endpoint and userinfo."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from samverkan.sso import socialaccount_providers
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ISSUER = "https://login.example-idp.se/tenant-1/v2.0"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": "https://login.example-idp.se/tenant-1/oauth2/v2.0/authorize",
    "token_endpoint": "https://login.example-idp.se/tenant-1/oauth2/v2.0/token",
    "userinfo_endpoint": "https://graph.example-idp.se/oidc/userinfo",
    "jwks_uri": "https://login.example-idp.se/tenant-1/discovery/v2.0/keys",
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
}
ENV = {
    "OIDC_SERVER_URL": ISSUER,
    "OIDC_CLIENT_ID": "samverkan-client",
    "OIDC_CLIENT_SECRET": "hemligt",
    "OIDC_PROVIDER_NAME": "Exempelkommuns konto",
}


class FakeIdP:
    """Answers allauth's HTTP calls (requests.Session.request) like an OpenID Connect provider."""

    def __init__(self, userinfo):
        self.userinfo = userinfo
        self.calls = []

    def __call__(self, session, method, url, **kwargs):
        self.calls.append((method, url, kwargs.get("data")))
        bodies = {
            f"{ISSUER}/.well-known/openid-configuration": DISCOVERY,
            DISCOVERY["token_endpoint"]: {"access_token": "at-123", "token_type": "Bearer", "expires_in": 3600},
            DISCOVERY["userinfo_endpoint"]: self.userinfo,
        }
        response = requests.Response()
        response.url = url
        if url in bodies:
            response.status_code = 200
            response._content = json.dumps(bodies[url]).encode()
            response.headers["content-type"] = "application/json"
        else:
            response.status_code = 404
            response._content = b"{}"
        return response


@pytest.fixture
def sso(settings):
    cache.clear()
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(ENV)
    return settings


def idp(monkeypatch, **userinfo):
    fake = FakeIdP({"sub": "entra-oid-1", **userinfo})

    def request(session, method, url, **kwargs):
        return fake(session, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", request)
    return fake


def start(client, next_url=None):
    """Press the button on the login page: the POST that allauth answers with the provider's URL."""
    data = {"next": next_url} if next_url else {}
    return client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}), data)


def finish(client, started):
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "sso"})
    return client.get(callback, {"code": "auth-code-1", "state": state})


def test_no_environment_no_provider_and_no_button(client):
    assert socialaccount_providers({}) == {}
    page = client.get(reverse("account_login")).content.decode()
    assert "Logga in med" not in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "sso"}) not in page
    assert client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"})).status_code == 404


def test_half_a_configuration_is_refused():
    with pytest.raises(ImproperlyConfigured, match="OIDC_CLIENT_SECRET"):
        socialaccount_providers({"OIDC_SERVER_URL": ISSUER, "OIDC_CLIENT_ID": "x"})
    with pytest.raises(ImproperlyConfigured):
        socialaccount_providers(ENV | {"OIDC_SERVER_URL": "login.example.se"})


def test_the_environment_makes_one_settings_app_with_pkce():
    app = socialaccount_providers(ENV)["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "sso" and app["name"] == "Exempelkommuns konto"
    assert app["settings"]["server_url"] == ISSUER and app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["verified_email"] is False and app["settings"]["email_authentication"] is False
    default = socialaccount_providers({k: v for k, v in ENV.items() if k != "OIDC_PROVIDER_NAME"})
    assert default["openid_connect"]["APPS"][0]["name"] == "Organisationens inloggning"
    verified = socialaccount_providers(ENV | {"OIDC_EMAIL_VERIFIED": "true", "OIDC_PROVIDER_ID": "entra"})
    assert verified["openid_connect"]["APPS"][0]["settings"]["verified_email"] is True
    assert verified["openid_connect"]["APPS"][0]["provider_id"] == "entra"


def test_the_login_page_shows_the_button_above_the_password_form(client, sso):
    page = client.get(reverse("account_login")).content.decode()
    button = page.index("Logga in med Exempelkommuns konto")
    assert button < page.index('name="password"')
    action = reverse("openid_connect_login", kwargs={"provider_id": "sso"})
    assert f'<form method="post" action="{action}?process=login' in page


def test_the_button_redirects_to_the_provider_with_pkce(client, sso, monkeypatch):
    fake = idp(monkeypatch)
    response = start(client)
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == DISCOVERY["authorization_endpoint"]
    query = parse_qs(url.query)
    assert query["client_id"] == ["samverkan-client"] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["redirect_uri"] == ["http://testserver/konto/oidc/sso/login/callback/"]
    assert set(query["scope"][0].split()) >= {"openid", "profile", "email"}
    assert fake.calls[0][1] == f"{ISSUER}/.well-known/openid-configuration"


def test_the_callback_signs_up_a_new_person_with_the_name_from_the_token(client, sso, monkeypatch):
    fake = idp(monkeypatch, email="karin.kommun@example.se", name="Karin Kommunsdotter", email_verified=True)
    response = finish(client, start(client, next_url=reverse("accounts:profile")))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    user = get_user_model().objects.get(email="karin.kommun@example.se")
    assert user.full_name == "Karin Kommunsdotter" and not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SocialAccount.objects.get(user=user).uid == "entra-oid-1"
    assert not EmailAddress.objects.get(user=user).verified  # whatever the token says: OIDC_EMAIL_VERIFIED is unset
    token_call = next(data for method, url, data in fake.calls if url == DISCOVERY["token_endpoint"])
    assert token_call["code"] == "auth-code-1" and token_call["code_verifier"]


def test_an_unverified_email_does_not_take_over_an_existing_account(client, sso, monkeypatch):
    anna = make_user("Anna Andersson", email="anna@example.se")
    idp(monkeypatch, email="anna@example.se", name="Inte Anna", email_verified=True)
    response = finish(client, start(client))
    assert client.session.get("_auth_user_id") != str(anna.pk)
    assert not SocialAccount.objects.filter(user=anna).exists()
    assert response.status_code == 302 and response["Location"] == reverse("socialaccount_signup")
    page = client.get(reverse("socialaccount_signup")).content.decode()
    assert "Inte Anna" in page  # the sign-up form, with the name from the token
    anna.refresh_from_db()
    assert anna.full_name == "Anna Andersson" and anna.check_password(PASSWORD)


def test_a_verified_email_logs_in_to_and_connects_the_existing_account(client, settings, monkeypatch):
    cache.clear()
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(ENV | {"OIDC_EMAIL_VERIFIED": "true"})
    anna = make_user("Anna Andersson", email="anna@example.se")
    idp(monkeypatch, email="Anna@example.se", name="Anna A")
    response = finish(client, start(client))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert SocialAccount.objects.get(user=anna).uid == "entra-oid-1"
    anna.refresh_from_db()
    assert anna.full_name == "Anna Andersson"  # an existing person's name is theirs to change
