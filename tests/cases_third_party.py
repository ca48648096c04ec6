"""Permission-matrix cases for the URLs that come with libraries (merged into tests/test_permission_matrix.py):
django-allauth (logging in, two-factor login, single sign-on, signed-in devices), Django's language
switch and the Django admin.

**The admin: one rule, generated.** The app has no staff role: the admin is for the people who run the
service (made with ``createsuperuser``), and nobody in the matrix is staff. So every admin URL — each
registered model's list, add, change, delete and history pages and its unnamed ``<object_id>/``
redirect, the admin's own pages, its ``app_list`` and its unnamed catch-all — answers every role with
a redirect to the admin's login page and nothing else ("admin_login": no data in the answer). The cases
are generated from the URLconf, so a model registered later is covered without anyone adding it; a new
kind of URL argument fails here until ``_admin_value`` knows it. Arguments: the key of an existing row
of the page's model where there is one (the admin refuses before it looks the row up, so a row that
does not exist would prove the same), the coordinator for the user password page, the collaboration
for "view on site", ``projects`` for an app's list. Two admin URLs answer differently, by design:
its login page shows its form to everyone (a logged-in person who is not staff is told so), and
logging out of the admin sends everyone to the admin's start page (which then asks them to log in).
What staff may do in the admin is Django's and the libraries' own concern, tested there.

**Single sign-on** (``openid_connect_*``): the matrix runs without a provider configured (the default:
no ``OIDC_SERVER_URL``), so both URLs are 404 for everyone; tests/accounts/test_sso.py covers a configured
provider end to end.
"""

from tests.matrix import ADMIN_LOGIN, LOGIN, OK, PUBLIC, ROLES, THIRD_PARTY, Case, everyone, parameters, url_patterns

NEW_PASSWORD = "ett-helt-nytt-losenord-2026"


def _password():
    """The matrix's people's password (tests.factories)."""
    from tests.factories import PASSWORD

    return PASSWORD


def _confirm_email_key(ctx):
    """A valid e-mail confirmation link for the coordinator's address."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    user = ctx["users"]["coordinator"]
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True})
    return {"key": EmailConfirmationHMAC(address).key}


def _reset_key(ctx):
    """A valid password-reset link for the coordinator."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = ctx["users"]["coordinator"]
    return {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}


def _with_two_factor(ctx):
    """Everyone logged in has an authenticator app and recovery codes (so that the pages for
    turning it off and for the codes have something to show)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    for user in ctx["users"].values():
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
            RecoveryCodes.activate(user)
    return {}


def _login_data(ctx):
    """The reader's right password: a wrong one logged nobody in, so it proved nothing."""
    return {"login": ctx["users"]["reader"].email, "password": _password()}


def _readers_last_login(ctx):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk=ctx["users"]["reader"].pk).values_list("last_login", flat=True))


def _signup_data(ctx):
    return {
        "email": "ny.person@example.se",
        "full_name": "Ny Person",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def _new_account(ctx):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(email="ny.person@example.se").values_list("email", "full_name"))


def _authentication_records(ctx):
    """How many authentication steps each of the matrix's sessions has recorded (allauth keeps them
    in the session: reauthenticating adds one)."""
    from importlib import import_module

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    return [
        len(store(session_key=key).load().get(AUTHENTICATION_METHODS_SESSION_KEY) or [])
        for _role, key in sorted(ctx["sessions"].items())
    ]


def _passwords(ctx):
    from django.contrib.auth import get_user_model

    users = [user.pk for user in ctx["users"].values()]
    return list(get_user_model().objects.filter(pk__in=users).order_by("pk").values_list("pk", "password"))


def _mails_to_the_coordinator(ctx):
    from django.core import mail

    return [message.subject for message in mail.outbox if ctx["users"]["coordinator"].email in message.to]


ALLAUTH = {
    # Logging in and signing up: open to all; someone already logged in is sent on to the dashboard
    # (an "ok" redirect that logs nobody in and creates nothing: so only anonymous changes anything).
    # permission (both): allauth's rule, anonymous only (RedirectAuthenticatedUserMixin).
    "account_login": Case(
        method="post",
        data=_login_data,
        expect=PUBLIC,
        effect=_readers_last_login,
        changes=frozenset({"anonymous"}),
    ),
    "account_signup": Case(
        method="post", data=_signup_data, expect=PUBLIC, effect=_new_account, changes=frozenset({"anonymous"})
    ),
    # The logout page asks first (GET); without a session it sends to the login page.
    "account_logout": Case(expect=everyone(OK)),
    "account_inactive": Case(expect=PUBLIC),
    # permission: logged in, one's own session (the right password: a wrong one recorded nothing).
    "account_reauthenticate": Case(
        method="post",
        data=lambda ctx: {"password": _password()},
        expect=everyone(OK),
        effect=_authentication_records,
    ),
    "account_email": Case(expect=everyone(OK)),
    "account_email_verification_sent": Case(expect=PUBLIC),
    "account_confirm_email": Case(kwargs=_confirm_email_key, expect=PUBLIC),
    # permission: logged in, one's own password (the right old password: a wrong one changed nothing).
    "account_change_password": Case(
        method="post",
        data=lambda ctx: {"oldpassword": _password(), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        expect=everyone(OK),
        effect=_passwords,
    ),
    # Everyone in the matrix has a password: the page sends them to "change password".
    "account_set_password": Case(expect=everyone(OK)),
    # permission: anyone may ask; the link goes to the address's owner only.
    "account_reset_password": Case(
        method="post",
        data=lambda ctx: {"email": ctx["users"]["coordinator"].email},
        expect=PUBLIC,
        effect=_mails_to_the_coordinator,
    ),
    "account_reset_password_done": Case(expect=PUBLIC),
    "account_reset_password_from_key": Case(kwargs=_reset_key, expect=PUBLIC),
    "account_reset_password_from_key_done": Case(expect=PUBLIC),
    # Login by code is not switched on: without a code on its way the page sends to the login page
    # (anonymous) or on to the dashboard.
    "account_confirm_login_code": Case(expect=everyone(OK)),
    # Two-factor login: only for one's own account, so everyone logged in.
    "mfa_index": Case(expect=everyone(OK)),
    # Only in the middle of logging in: otherwise to the login page, or on for someone logged in.
    "mfa_authenticate": Case(expect=everyone(OK)),
    "mfa_reauthenticate": Case(expect=everyone(OK)),
    "mfa_activate_totp": Case(expect=everyone(OK)),
    "mfa_deactivate_totp": Case(kwargs=_with_two_factor, expect=everyone(OK)),
    "mfa_view_recovery_codes": Case(kwargs=_with_two_factor, expect=everyone(OK)),
    "mfa_generate_recovery_codes": Case(kwargs=_with_two_factor, expect=everyone(OK)),
    "mfa_download_recovery_codes": Case(kwargs=_with_two_factor, expect=everyone(OK)),
    # Single sign-on: see the module's docstring.
    "openid_connect_login": Case(kwargs=lambda ctx: {"provider_id": "sso"}, expect=dict.fromkeys(ROLES, 404)),
    "openid_connect_callback": Case(kwargs=lambda ctx: {"provider_id": "sso"}, expect=dict.fromkeys(ROLES, 404)),
    "socialaccount_login_cancelled": Case(expect=PUBLIC),
    # The provider's error page says what went wrong, with allauth's 401.
    "socialaccount_login_error": Case(expect=dict.fromkeys(ROLES, 401)),
    # Only after a provider sent someone new: otherwise back to the login page, for everyone.
    "socialaccount_signup": Case(expect=dict.fromkeys(ROLES, LOGIN)),
    "socialaccount_connections": Case(expect=everyone(OK)),
    # allauth's old addresses (konto/social/…), unnamed: permanent redirects to the new ones.
    "konto/social/login/cancelled/": Case(expect=PUBLIC),
    "konto/social/login/error/": Case(expect=PUBLIC),
    "konto/social/signup/": Case(expect=PUBLIC),
    "konto/social/connections/": Case(expect=PUBLIC),
    # Signed-in devices ("log out everywhere"): one's own.
    "usersessions_list": Case(expect=everyone(OK)),
}

DJANGO = {
    # permission: open to all. No effect: it only sets the language cookie, which is no row to read.
    "set_language": Case(method="post", data=lambda ctx: {"language": "en", "next": "/"}, expect=PUBLIC),
    # The JavaScript catalog (static/js/app.js's messages): public, like the static files.
    "javascript-catalog": Case(expect=PUBLIC),
}


# -- the admin ----------------------------------------------------------------------------------------


def _admin_model(key):
    """The model whose admin page the key names (None for the admin's own pages)."""
    from django.contrib import admin

    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        if key.startswith(f"admin:{prefix}_") or f"/{model._meta.app_label}/{model._meta.model_name}/" in key:
            return model
    return None


def _admin_value(key, name, ctx):
    from django.contrib.contenttypes.models import ContentType

    model = _admin_model(key)
    if name == "object_id" and model is not None:
        row = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
        return row if row is not None else 1
    if key == "admin:view_on_site":
        collaboration = ctx["collaboration"]
        return {
            "content_type_id": ContentType.objects.get_for_model(collaboration).pk,
            "object_id": collaboration.pk,
        }[name]
    if key == "admin:auth_user_password_change" and name == "id":
        return ctx["users"]["coordinator"].pk
    if key == "admin:app_list" and name == "app_label":
        return "projects"
    if name == "url":  # the catch-all
        return "finns-inte/"
    raise LookupError(f"{key}: teach tests/cases_third_party._admin_value a value for <{name}>")


def _admin_kwargs(key, names):
    return lambda ctx: {name: _admin_value(key, name, ctx) for name in names}


ADMIN_SPECIAL = {
    "admin:login": PUBLIC,
    # Logging out of the admin sends to the admin's start page, which asks those who are not staff to log in.
    "admin:logout": PUBLIC,
}


def admin_cases():
    cases = {}
    for key, chain in url_patterns().items():
        if not (key.startswith("admin:") or key.startswith("admin/")):
            continue
        cases[key] = Case(
            kwargs=_admin_kwargs(key, parameters(chain)),
            expect=ADMIN_SPECIAL.get(key, dict.fromkeys(ROLES, ADMIN_LOGIN)),
        )
    return cases


CASES = ALLAUTH | DJANGO | admin_cases()
for _case in CASES.values():
    _case.perm = THIRD_PARTY  # the libraries' own rules (the comments above say which)
