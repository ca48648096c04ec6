from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.common.forms import DATE_WIDGET
from projects.common.validators import normalise_org_number
from projects.core.models import Collaboration, Invitation, Membership, Organisation, Party, Role, Sector


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Webbplats"), max_length=300, required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("– Välj sektor –")), *Sector.choices]
        self.fields["sector"].error_messages["required"] = _("Välj vilken sektor organisationen hör till.")
        self.fields["name"].error_messages["required"] = _("Skriv organisationens namn.")

    class Meta:
        model = Organisation
        fields = ["name", "sector", "org_number", "municipality", "website", "contact_email"]
        widgets = {"org_number": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "NNNNNN-NNNN"})}

    def clean_org_number(self):
        value = self.cleaned_data.get("org_number")
        if not value:
            return None
        number = normalise_org_number(value)
        taken = Organisation.objects.filter(org_number=number).exclude(pk=self.instance.pk).first()
        if taken:
            raise ValidationError(
                _("Organisationsnumret %(number)s är redan registrerat för %(name)s."),
                params={"number": number, "name": taken.name},
                code="unique",
            )
        return number

    def validate_unique(self):
        # clean_org_number already checked it, with a clearer message.
        pass


class OrganisationRegisterForm(OrganisationForm):
    """Registering an organisation: for oneself (first administrator), or for another organisation
    that will be a party (it waits for its first contact to accept an invitation)."""

    acts_for_it = forms.TypedChoiceField(
        label=_("Företräder du organisationen?"),
        choices=[
            ("yes", _("Ja, jag företräder organisationen och blir dess administratör")),
            ("no", _("Nej, jag registrerar den för att bjuda in den som part")),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
        # A browser always posts the checked choice; a client that leaves it out registers the
        # organisation without becoming its administrator (the safe side).
        required=False,
        empty_value=False,
    )

    def __init__(self, *args, for_party=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_party:  # registered from a collaboration's party page: usually another organisation
            self.fields["acts_for_it"].initial = "no"

    def taken_organisation(self):
        errors = self.errors.as_data().get("org_number", [])
        if any(error.code == "unique" for error in errors):
            try:
                number = normalise_org_number(self.data.get("org_number", ""))
            except ValidationError:
                return None
            return Organisation.objects.filter(org_number=number).first()
        return None


class CollaborationForm(forms.ModelForm):
    class Meta:
        model = Collaboration
        fields = ["title", "challenge", "target_group", "description", "start_date", "end_date"]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())  # one line: it goes into e-mail subjects

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("Slutdatum måste komma efter startdatum."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The end-after-start constraint is validated in clean() with a Swedish message.
        pass


class CollaborationSettingsForm(CollaborationForm):
    class Meta(CollaborationForm.Meta):
        fields = CollaborationForm.Meta.fields + ["archived"]  # the phase changes on its own page (projects.phases)


class RestoreForm(forms.ModelForm):
    class Meta:
        model = Collaboration
        fields = ["archived"]

    def clean_archived(self):
        archived = self.cleaned_data["archived"]
        if not archived and Collaboration.objects.filter(previous_period=self.instance).exists():
            # A closed period stays as it was decided: the work goes on in the next period.
            raise ValidationError(
                _("Perioden har en efterföljande period och kan inte återställas. Arbeta vidare i den nya perioden.")
            )
        return archived


class CollaborationCreateForm(CollaborationForm):
    """The collaboration and its first party: an organisation that exists, or a new one."""

    organisation = forms.ModelChoiceField(
        label=_("Din organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("– Registrera en ny organisation nedan –"),
        help_text=_("Den part du företräder. Den blir samordnande part och du blir samordnare."),
    )
    new_organisation_name = forms.CharField(label=_("Ny organisation: namn"), max_length=200, required=False)
    new_organisation_sector = forms.ChoiceField(
        label=_("Ny organisation: sektor"), choices=[("", _("– Välj sektor –")), *Sector.choices], required=False
    )
    new_organisation_number = forms.CharField(
        label=_("Ny organisation: organisationsnummer"),
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "NNNNNN-NNNN"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisations the person acts for (projects.organisations): nobody starts a
        # collaboration in another organisation's name.
        mine = Organisation.objects.filter(members__user=user).order_by("name")
        self.fields["organisation"].queryset = mine
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Du kan bara välja en organisation som du är medlem i."
        )
        if not self.is_bound and (first := mine.first()):
            self.initial.setdefault("organisation", first.pk)

    def clean_new_organisation_number(self):
        value = self.cleaned_data.get("new_organisation_number")
        if not value:
            return None
        number = normalise_org_number(value)
        taken = Organisation.objects.filter(org_number=number).first()
        if taken:
            raise ValidationError(
                _(
                    "Organisationsnumret %(number)s är redan registrerat för %(name)s. Be organisationens "
                    "administratör om att bli medlem, eller gör anspråk på organisationen från dess sida."
                ),
                params={"number": number, "name": taken.name},
                code="taken",
            )
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            return cleaned
        if "organisation" in self.errors:
            return cleaned
        if not cleaned.get("new_organisation_name"):
            self.add_error("organisation", _("Välj din organisation, eller fyll i namn och sektor för en ny."))
        elif not cleaned.get("new_organisation_sector"):
            self.add_error("new_organisation_sector", _("Välj vilken sektor den nya organisationen hör till."))
        return cleaned

    def taken_organisation(self):
        """The organisation whose number the person typed, when it is registered already (for a link
        to claim it)."""
        errors = self.errors.as_data().get("new_organisation_number", [])
        if any(error.code == "taken" for error in errors):
            try:
                number = normalise_org_number(self.data.get("new_organisation_number", ""))
            except ValidationError:
                return None
            return Organisation.objects.filter(org_number=number).first()
        return None

    def organisation_fields(self):
        """The existing organisation, or the fields of a new one to register."""
        if self.cleaned_data.get("organisation"):
            return self.cleaned_data["organisation"], None
        return None, {
            "name": self.cleaned_data["new_organisation_name"].strip(),
            "sector": self.cleaned_data["new_organisation_sector"],
            "org_number": self.cleaned_data.get("new_organisation_number"),
        }


class PartyAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    contribution = forms.CharField(
        label=_("Bidrar med"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["organisation"].error_messages["invalid_choice"] = _("Organisationen finns inte. Sök igen.")

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if Party.objects.filter(collaboration=self.collaboration, organisation=organisation).exists():
            raise ValidationError(_("%(name)s är redan part i samverkan."), params={"name": organisation.name})
        return organisation


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["contribution", "is_coordinating"]
        widgets = {"contribution": forms.Textarea(attrs={"rows": 3})}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-postadress"), max_length=254)
    party = forms.ModelChoiceField(label=_("För parten"), queryset=Party.objects.none())
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["party"].queryset = collaboration.parties.select_related("organisation")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(collaboration=self.collaboration, user__email__iexact=email).exists():
            raise ValidationError(_("%(email)s är redan med i samverkan."), params={"email": email})
        if Invitation.objects.pending().filter(collaboration=self.collaboration, email__iexact=email).exists():
            raise ValidationError(
                _("%(email)s har redan en inbjudan som väntar på svar. Du kan skicka den igen i listan."),
                params={"email": email},
            )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)


class DecisionRecorderForm(forms.Form):
    """Mark a person as recording the party's decision ("1") or remove the mark ("0")."""

    records_decisions = forms.TypedChoiceField(
        label=_("Registrerar partens beslut"),
        choices=[("1", _("Ja")), ("0", _("Nej"))],
        coerce=lambda value: value == "1",
        error_messages=dict.fromkeys(["required", "invalid_choice"], _("Välj om personen registrerar partens beslut.")),
    )


class AcceptInvitationSignupForm(forms.Form):
    """A new person's account, created from an invitation (the e-mail is the invited one)."""

    full_name = forms.CharField(
        label=_("Fullständigt namn"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Lösenord igen"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Lösenorden är inte lika."))
        elif p1:
            from accounts.models import User

            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
