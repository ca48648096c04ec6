"""How django-allauth and django-axes fit this app's accounts (issue 8).

- ``SocialAccountAdapter``: single sign-on (samverkan/sso.py) signs people up with the full name from the
  identity provider's token, and trusts the token's e-mail only as the environment says.
- ``AccountAdapter``: a password reset also lifts a login lockout; a confirmed address (at confirmation and
  at login) joins the person to the organisations that registered its domain.
- ``axes_username`` and ``client_ip``: what django-axes locks on, the e-mail from allauth's login form and
  the client's address as the trusted proxies report it.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import get_client_ip
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy


def axes_username(request, credentials):
    """The e-mail address a login attempt is for, lower-cased (so 'Anna@…' and 'anna@…' count together).

    allauth calls ``authenticate(request, email=…, password=…)``: the backend and the
    ``user_login_failed`` signal give axes ``credentials["email"]``; a successful login gives it
    ``{"username": user.get_username()}`` (the e-mail: USERNAME_FIELD); anything else reads the
    posted ``login`` field of allauth's form."""
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if value is None and request is not None:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("email")
    if not isinstance(value, str):
        return None
    return value.strip().lower()[:254] or None


def client_ip(request):
    """The client's IP address: REMOTE_ADDR, or the address the trusted proxies put in
    X-Forwarded-For when TRUSTED_PROXY_COUNT (ALLAUTH_TRUSTED_PROXY_COUNT) says the app is behind them.
    The same rule allauth's own rate limits and session list use."""
    try:
        ip = get_client_ip(request)
    except ImproperlyConfigured:  # fewer X-Forwarded-For entries than trusted proxies: do not trust it
        ip = None
    return ip or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, not a bind address)


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages in the app's words ("e-postadress", say what to do): its Swedish translation
    # writes "epost-adress" and "verifiera".
    error_messages = DefaultAccountAdapter.error_messages | {
        "cannot_remove_primary_email": gettext_lazy(
            "Du kan inte ta bort den e-postadress du loggar in med. Välj först en annan som din huvudadress."
        ),
        "duplicate_email": gettext_lazy("Den här e-postadressen finns redan på ditt konto."),
        "email_password_mismatch": gettext_lazy(
            "E-postadressen eller lösenordet stämmer inte. Skriv dem igen, eller återställ lösenordet."
        ),
        "email_taken": gettext_lazy(
            "Det finns redan ett konto med den här e-postadressen. Logga in, eller återställ lösenordet."
        ),
        "enter_current_password": gettext_lazy("Skriv ditt nuvarande lösenord."),
        "max_email_addresses": gettext_lazy("Du kan inte lägga till fler än %d e-postadresser."),
        "unknown_email": gettext_lazy("Det finns inget konto med den här e-postadressen. Kontrollera stavningen."),
        "unverified_primary_email": gettext_lazy("Bekräfta din e-postadress först."),
        "rate_limited": gettext_lazy("Du har försökt många gånger på kort tid. Vänta en stund och försök igen."),
    }

    def confirm_email(self, request, email_address):
        """A confirmed address in an organisation's registered domain makes the person its member
        (projects.organisations)."""
        from projects.organisations.services import join_by_verified_domains

        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            join_by_verified_domains(email_address.user)
        return confirmed

    def login(self, request, user):
        """At login too: a domain registered since the person's address was confirmed."""
        from projects.organisations.services import join_by_verified_domains

        super().login(request, user)
        join_by_verified_domains(user)

    def set_password(self, user, password):
        """A new password (a reset through the e-mailed link, or a change) ends the login lockouts of
        the account, from every address: the lockout page tells a locked-out person to reset."""
        from axes.utils import reset

        super().set_password(user, password)
        reset(username=user.get_username().lower())

    def logout(self, request):
        """Logging out with ``everywhere`` posted (the list of logged-in devices) ends every session of the
        person, this one last."""
        user = request.user
        everywhere = request.method == "POST" and request.POST.get("everywhere") == "1" and user.is_authenticated
        current = request.session.session_key
        if everywhere:
            from allauth.usersessions.models import UserSession

            for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=current):
                session.end()
        super().logout(request)
        if everywhere:
            UserSession.objects.filter(session_key=current).delete()
            self.add_message(request, messages.INFO, message=gettext("Du är utloggad på alla enheter."))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def _email_verified(self, sociallogin):
        app = getattr(sociallogin.provider, "app", None)
        return bool(app and app.settings.get("verified_email") is True)

    def populate_user(self, request, sociallogin, data):
        """The user signing in through single sign-on, with their name from the token. Runs before
        allauth looks for an existing account by e-mail: here the token's e-mail addresses are marked
        verified or not by the app's setting (OIDC_EMAIL_VERIFIED) alone, whatever the token claims,
        so an unverified address can neither log in to nor be connected with someone else's account."""
        user = super().populate_user(request, sociallogin, data)
        verified = self._email_verified(sociallogin)
        for address in sociallogin.email_addresses:
            address.verified = verified
        name = (data.get("name") or "").strip()
        if not name:
            name = " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part).strip()
        user.full_name = name[:150]
        return user

    def get_signup_form_initial_data(self, sociallogin):
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["full_name"] = getattr(sociallogin.user, "full_name", "")
        return initial


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the Swedish page, HTTP 429, for HTMX requests too.
    A failed attempt during the lockout starts the cool-off again, so the wait is always the whole of it."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
