"""The agreement's forms: starting it, leaving a section out, a party's decision and record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.common.forms import DATE_WIDGET


class AgreementStartForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Samverkansform"),
        queryset=None,
        required=False,
        empty_label=_("– Inte vald än –"),
        help_text=_(
            "Formen bestämmer mallen: IOP-rubrikerna för ett IOP, en kort överenskommelse för samråd "
            "och dialog, Hallands ”Formulera följande” för andra former."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from guides.models import CollaborationForm

        self.fields["form"].queryset = CollaborationForm.objects.current().select_related("category")
        self.fields["form"].widget.attrs["class"] = "form-select"


class SectionOmitForm(forms.Form):
    omitted_reason = forms.CharField(
        label=_("Varför avsnittet lämnas utan text"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Beslut"),
        choices=[("yes", _("Godkänd")), ("no", _("Avslagen"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Beslutande organ eller firmatecknare"),
        max_length=200,
        help_text=_("Till exempel Kommunstyrelsen, Styrelsen eller firmatecknare."),
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE_WIDGET)
    reference = forms.CharField(
        label=_("Beslutsreferens"),
        max_length=200,
        help_text=_("Till exempel ”KS 2026/123 § 45” eller ”Styrelseprotokoll 2026-11-18 § 7”."),
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Vid avslag: skälet, så att skrivgruppen vet vad som ska ändras."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approved") is False and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Skriv skälet till avslaget."))
        return cleaned


class PartyRecordForm(forms.Form):
    record_number = forms.CharField(label=_("Diarienummer"), max_length=100, required=False)
    signatory = forms.CharField(label=_("Undertecknas av"), max_length=200, required=False)
    wet_ink = forms.BooleanField(label=_("Vi skriver under på papper"), required=False)
