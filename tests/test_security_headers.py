"""Security headers: the Content Security Policy and the others, on pages, fragments and error pages;
the policy's switches (report-only, the single sign-on provider as a form target); the production
transport settings (HSTS, secure cookies) and ``check --deploy``.

tests/test_get_is_safe.py applies ``assert_security_headers`` to every HTML response of its walk over
the whole URLconf as well.
"""

import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousOperation
from django.urls import include, path, reverse

ROOT = Path(__file__).resolve().parent.parent

# The policy, directive by directive: nothing inline, nothing evaluated, nothing from elsewhere.
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} twice in {header}"
        directives[name] = set(values)
    return directives


def assert_security_headers(response):
    """The headers every response of the app carries (an HTML page above all)."""
    where = f"{response.status_code} {getattr(response, 'request', {}).get('PATH_INFO', '')}"
    assert parse_policy(response["Content-Security-Policy"]) == POLICY, where
    assert "Content-Security-Policy-Report-Only" not in response, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    permissions = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()", (feature, where)


# A URLconf for the error pages: the app's own, and views that fail (their handlers are the app's).
def _boom(request):
    raise RuntimeError("a bug in a view")


def _suspicious(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("fel/500/", _boom),
    path("fel/400/", _suspicious),
    path("", include("samverkan.urls")),
]
handler400 = "samverkan.errors.bad_request"
handler403 = "samverkan.errors.permission_denied"
handler404 = "samverkan.errors.page_not_found"
handler500 = "samverkan.errors.server_error"


@pytest.mark.django_db
def test_pages_for_anyone_carry_the_headers(client):
    for url in (reverse("about"), reverse("account_login"), reverse("account_signup"), "/admin/login/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), url
        assert_security_headers(response)


@pytest.mark.django_db
def test_pages_fragments_and_files_of_a_member_carry_the_headers(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    pages = [
        reverse("projects:dashboard"),
        reverse("projects:overview", args=[collaboration.pk]),
        reverse("projects:checklists", args=[collaboration.pk]),
        reverse("guides:library"),
        reverse("accounts:profile"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
    # An HTMX fragment and a download carry them too.
    fragment = client.get(reverse("projects:events", args=[collaboration.pk]), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_security_headers(fragment)
    download = client.get(reverse("projects:indicator_csv", args=[collaboration.pk]))
    assert download.status_code == 200 and not download["Content-Type"].startswith("text/html")
    assert_security_headers(download)


@pytest.mark.django_db
@pytest.mark.urls("tests.test_security_headers")
def test_error_pages_carry_the_headers(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    client.raise_request_exception = False

    not_found = client.get("/finns-inte/")
    forbidden = client.get(reverse("projects:collaboration_edit", args=[collaboration.pk]))
    bad = client.get("/fel/400/")
    failed = client.get("/fel/500/")
    bad_host = client.get(reverse("about"), HTTP_HOST="angripare.example")  # DisallowedHost, in middleware
    for response, status in ((not_found, 404), (forbidden, 403), (bad, 400), (failed, 500), (bad_host, 400)):
        assert response.status_code == status
        assert response["Content-Type"].startswith("text/html"), status
        assert_security_headers(response)


@pytest.mark.django_db
def test_a_refused_csrf_token_page_carries_the_headers(people):
    from django.test import Client

    collaboration, users = people
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["coordinator"])
    response = client.post(reverse("projects:goal_create", args=[collaboration.pk]), {"title": "Utan token"})
    assert response.status_code == 403
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_htmx_configuration_needs_no_eval_and_no_inline_style(client):
    """htmx reads its configuration from <meta name="htmx-config">: eval and script tags in swapped
    HTML are off, it does not inject its indicator <style>, and it does not copy style attributes."""
    import json
    import re

    html = client.get(reverse("about")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    config = json.loads(meta[1])
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False and config["selfRequestsOnly"] is True
    assert "style" not in config["attributesToSettle"]
    # The indicator's CSS, which htmx would otherwise inject inline, is in the app's stylesheet.
    css = (ROOT / "static" / "css" / "app.css").read_text()
    assert ".htmx-request .htmx-indicator" in css
    # No inline script, style or handler in the page itself.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html)


# -- the settings under other environments: samverkan/settings.py loaded afresh, as a new module ------


SIGN_ON = {"OIDC_CLIENT_ID": "samverkan", "OIDC_CLIENT_SECRET": "hemligt"}


def load_settings(monkeypatch, **env):
    for name in ("CSP_REPORT_ONLY", "CSP_REPORT_URI", "SAMVERKAN_ENV", "OIDC_SERVER_URL", *SIGN_ON):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", ROOT / "samverkan" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def policy_of(config):
    from csp.utils import build_policy, default_config

    return parse_policy(build_policy(config=default_config(config["DIRECTIVES"])))


def test_the_policy_is_enforced_by_default(monkeypatch):
    module = load_settings(monkeypatch)
    assert not hasattr(module, "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    assert policy_of(module.CONTENT_SECURITY_POLICY) == POLICY


def test_report_only_sends_the_same_policy_without_enforcing_it(monkeypatch):
    module = load_settings(monkeypatch, CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://csp.example.se/rapport")
    assert not getattr(module, "CONTENT_SECURITY_POLICY", None)
    assert policy_of(module.CONTENT_SECURITY_POLICY_REPORT_ONLY) == POLICY | {
        "report-uri": {"https://csp.example.se/rapport"}
    }


def test_the_sign_on_provider_is_a_form_target(monkeypatch):
    """The single sign-on button posts to allauth, which redirects to the provider: browsers check
    form-action against that redirect, so the provider's origin (not its path) is allowed."""
    module = load_settings(monkeypatch, OIDC_SERVER_URL="https://login.microsoftonline.com/abc-123/v2.0", **SIGN_ON)
    assert policy_of(module.CONTENT_SECURITY_POLICY)["form-action"] == {"'self'", "https://login.microsoftonline.com"}


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    module = load_settings(
        monkeypatch, SAMVERKAN_ENV="production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="samverkan.example.se"
    )
    assert module.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365 and module.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert module.SECURE_SSL_REDIRECT and module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert policy_of(module.CONTENT_SECURITY_POLICY) == POLICY
    development = load_settings(monkeypatch)
    assert not getattr(development, "SECURE_HSTS_SECONDS", 0)


@pytest.mark.django_db
def test_hsts_header_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("about"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_security_headers(response)


def test_check_deploy_is_clean_with_report_only_and_sign_on():
    """`manage.py check --deploy` in production mode, with the policy's switches on (the plain
    production check is in test_settings_and_pages.py)."""
    from tests.test_settings_and_pages import run_manage

    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SAMVERKAN_ENV="production",
        SECRET_KEY="x" * 60 + "-not-a-real-key-but-long-and-random-enough-9f8e7d",
        ALLOWED_HOSTS="samverkan.example.se",
        DEBUG="",
        CSP_REPORT_ONLY="true",
        OIDC_SERVER_URL="https://login.example.se/realms/kommun",
        **SIGN_ON,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
