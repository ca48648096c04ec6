"""Optional single sign-on through OpenID Connect (Entra ID and similar), configured only from the
environment. ``settings.py`` calls :func:`socialaccount_providers` with ``os.environ``; tests call it
with a dict.

Nothing set: no provider, no button on the login page. ``OIDC_SERVER_URL``, ``OIDC_CLIENT_ID`` and
``OIDC_CLIENT_SECRET`` set: one OpenID Connect app, held in settings (no database row). See
docs/login-security.md.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_PROVIDER_NAME = "Organisationens inloggning"
DEFAULT_PROVIDER_ID = "sso"
REQUIRED = ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


def _true(value):
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def oidc_app(environ):
    """The settings-based allauth app for the environment's identity provider, or None."""
    values = {name: (environ.get(name) or "").strip() for name in REQUIRED}
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"Single sign-on needs {', '.join(missing)} as well (or none of {REQUIRED}).")
    server_url = values["OIDC_SERVER_URL"].rstrip("/")
    parts = urlsplit(server_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured("OIDC_SERVER_URL must be the issuer's http(s) URL.")
    provider_id = (environ.get("OIDC_PROVIDER_ID") or DEFAULT_PROVIDER_ID).strip()
    if not provider_id.replace("-", "").replace("_", "").isalnum():
        raise ImproperlyConfigured("OIDC_PROVIDER_ID may hold only letters, digits, '-' and '_'.")
    # Entra ID's `email` claim is whatever is typed into the user's directory entry: it is not proven
    # to belong to the person (Microsoft sends no `email_verified`), so an e-mail from the token is only
    # trusted, to sign in to or connect with an existing account, when the operator says so.
    email_verified = _true(environ.get("OIDC_EMAIL_VERIFIED"))
    return {
        "provider_id": provider_id,
        "name": (environ.get("OIDC_PROVIDER_NAME") or "").strip() or DEFAULT_PROVIDER_NAME,
        "client_id": values["OIDC_CLIENT_ID"],
        "secret": values["OIDC_CLIENT_SECRET"],
        "settings": {
            "server_url": server_url,
            "oauth_pkce_enabled": True,
            # Read by accounts.adapters.SocialAccountAdapter: the token's e-mail is verified iff this is true.
            "verified_email": email_verified,
            # Log in to (and connect) an existing account with the same e-mail only when it is verified.
            "email_authentication": email_verified,
        },
    }


def socialaccount_providers(environ):
    """SOCIALACCOUNT_PROVIDERS for the environment: empty when single sign-on is not configured."""
    app = oidc_app(environ)
    if app is None:
        return {}
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}}
