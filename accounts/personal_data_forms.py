"""The form for deleting an account: the person types their e-mail address, and their password if
the account has one (an account that logs in through single sign-on has none)."""

from allauth.core import ratelimit
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DeleteAccountForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Skriv din e-postadress för att bekräfta"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "email"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Ditt lösenord"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        if not self.user.has_usable_password():
            del self.fields["password"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(_("E-postadressen stämmer inte med ditt konto. Inget har raderats."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(_("För många försök. Vänta en stund och försök igen."))
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Lösenordet stämmer inte. Inget har raderats."))
        return password
