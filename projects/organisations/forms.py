from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OrganisationClaim, OrganisationMember, OrgRole


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadress"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Roll"), choices=OrgRole.choices, initial=OrgRole.MEMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages = {
            "required": _("Skriv e-postadressen till den du vill bjuda in."),
            "invalid": _("Skriv en hel e-postadress, till exempel namn@exempel.se."),
        }


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=OrgRole.choices)


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Organisationens e-postdomän"),
        max_length=253,
        help_text=_("Till exempel exempelkommun.se. Du måste själv ha en verifierad adress i domänen."),
        error_messages={"required": _("Skriv domänen, till exempel exempelkommun.se.")},
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Meddelande till administratörerna (frivilligt)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Till exempel din roll i organisationen."),
    )


class AnswerForm(forms.Form):
    """Accept or decline (a join request, a request to be a party)."""

    answer = forms.ChoiceField(choices=[("accept", _("Godkänn")), ("decline", _("Avböj"))])

    @property
    def accepted(self):
        return self.cleaned_data["answer"] == "accept"


class ClaimForm(forms.ModelForm):
    class Meta:
        model = OrganisationClaim
        fields = ["position", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "position": _("Till exempel ordförande, kassör eller enhetschef."),
            "reason": _(
                "Berätta hur du företräder organisationen och hur förvaltningen kan kontrollera det, till exempel "
                "en adress i organisationens domän eller ett protokoll som utser dig."
            ),
        }
        error_messages = {
            "position": {"required": _("Skriv din roll i organisationen.")},
            "reason": {"required": _("Skriv varför du företräder organisationen.")},
        }


class RemoveMemberForm(forms.Form):
    """Who takes over the person's roles in the organisation's parties."""

    successor = forms.ModelChoiceField(
        label=_("Kollega som tar över rollerna"),
        queryset=OrganisationMember.objects.none(),
        required=False,
        empty_label=_("– Ingen: rollerna upphör –"),
    )

    def __init__(self, *args, member, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if required:  # the person is the only coordinator of a party: somebody must take over
            self.fields["successor"].required = True
            self.fields["successor"].empty_label = _("– Välj en kollega –")
            self.fields["successor"].error_messages["required"] = _("Välj en kollega som tar över rollerna.")
        self.fields["successor"].queryset = (
            OrganisationMember.objects.filter(organisation=member.organisation)
            .exclude(pk=member.pk)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["successor"].label_from_instance = lambda m: f"{m.user.get_full_name()} ({m.user.email})"
        self.fields["successor"].error_messages["invalid_choice"] = _("Välj en kollega i listan.")
