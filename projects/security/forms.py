"""Forms for two-factor login: switching the requirement on (the confirmation page posts it), and
allauth's code forms with a limit on wrong codes per account."""

from allauth.core import context
from allauth.core.internal import ratelimit
from allauth.mfa.base import forms as mfa_forms
from django import forms
from django.utils.translation import gettext_lazy as _


class RequireMFAForm(forms.Form):
    """No choice to make: the page lists who will be asked to set it up, and the button confirms.
    ``confirm`` guards against a stray empty POST."""

    confirm = forms.BooleanField(
        required=True,
        initial=True,
        widget=forms.HiddenInput,
        error_messages={"required": _("Bekräfta med knappen att tvåstegsinloggning ska krävas.")},
    )


# Codes at login: a limit per account ------------------------------------------------------------

CODE_RATE_ACTION = "code_failed"  # its rates: MFA_RATE_LIMITS in settings


class _LimitedPerAccount:
    """Wrong codes are counted per account, wherever they come from, and past the limit no code is
    even checked. allauth counts wrong codes under the login_failed limits, which the settings keep
    per IP address only (so that nobody can lock a person out by typing wrong passwords for them):
    alone, that would let someone who has the password try codes from many addresses. Only someone
    who has the password reaches this form, so a per-account limit here cannot be used to shut a
    person out by anyone who does not."""

    def clean_code(self):
        request = context.request
        key = f"mfa-code-user-{self.user.pk}"
        if not ratelimit.consume(request, app="allauth.mfa", action=CODE_RATE_ACTION, key=key, dry_run=True):
            raise forms.ValidationError(
                _("För många felaktiga koder för det här kontot. Vänta en stund och försök igen."),
                code="rate_limited",
            )
        try:
            return super().clean_code()
        except forms.ValidationError:
            ratelimit.consume(request, app="allauth.mfa", action=CODE_RATE_ACTION, key=key)
            raise


class AuthenticateForm(_LimitedPerAccount, mfa_forms.AuthenticateForm):
    """The code at login (settings.MFA_FORMS["authenticate"])."""


class ReauthenticateForm(_LimitedPerAccount, mfa_forms.ReauthenticateForm):
    """The code when confirming again (settings.MFA_FORMS["reauthenticate"])."""
