"""The agreement's forms: starting it, leaving a section out, a party's decision and record."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
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
    """A party's decision. Every field says what to write when it is left empty or wrong."""

    approved = forms.TypedChoiceField(
        label=_("Beslut"),
        choices=[("yes", _("Godkänd")), ("no", _("Avslagen"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj om parten godkände eller avslog överenskommelsen."),
            "invalid_choice": _("Välj om parten godkände eller avslog överenskommelsen."),
        },
    )
    body = forms.CharField(
        label=_("Beslutande organ eller firmatecknare"),
        max_length=200,
        help_text=_("Till exempel Kommunstyrelsen, Styrelsen eller firmatecknare."),
        error_messages={
            "required": _("Skriv vilket organ som fattade beslutet, till exempel Kommunstyrelsen eller Styrelsen."),
        },
    )
    decided_on = forms.DateField(
        label=_("Beslutsdatum"),
        widget=DATE_WIDGET,
        error_messages={
            "required": _("Skriv datumet för beslutet, till exempel 2026-11-20."),
            "invalid": _("Skriv ett datum som finns, som år-månad-dag, till exempel 2026-11-20."),
        },
    )
    reference = forms.CharField(
        label=_("Beslutsreferens"),
        max_length=200,
        help_text=_("Till exempel ”KS 2026/123 § 45” eller ”Styrelseprotokoll 2026-11-18 § 7”."),
        error_messages={
            "required": _("Skriv var beslutet finns, till exempel paragrafen i protokollet: ”KS 2026/123 § 45”."),
        },
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
            self.add_error("comment", _("Skriv skälet till avslaget, så att skrivgruppen vet vad som ska ändras."))
        return cleaned


class DecideByForm(forms.Form):
    """The decision round's last day ("Beslut senast"): in the freeze form and on the page while the
    version is for decision. Empty: no last day. A day set is a real date, not in the past (the day
    already set, ``current``, may stay although it has passed) and not absurdly far ahead."""

    LATEST_YEAR = 2100

    decide_by = forms.DateField(
        label=_("Beslut senast"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Frivilligt. Den sista dagen som parterna har på sig att besluta, till exempel 2026-12-03."),
        error_messages={"invalid": _("Skriv ett datum som finns, som år-månad-dag, till exempel 2026-12-03.")},
    )

    def __init__(self, data=None, *, current=None, **kwargs):
        super().__init__(data, initial={"decide_by": current}, **kwargs)
        self.current = current

    def clean_decide_by(self):
        value = self.cleaned_data.get("decide_by")
        if value is None or value == self.current:
            return value
        today = timezone.localdate()
        if value < today:
            raise ValidationError(
                _("%(date)s har redan varit. Välj i dag (%(today)s) eller en senare dag."),
                code="past",
                params={"date": value.isoformat(), "today": today.isoformat()},
            )
        if value.year > self.LATEST_YEAR:
            raise ValidationError(_("Datumet ligger för långt fram. Kontrollera året."), code="far")
        return value


class PartyRecordForm(forms.Form):
    record_number = forms.CharField(label=_("Diarienummer"), max_length=100, required=False)
    signatory = forms.CharField(label=_("Undertecknas av"), max_length=200, required=False)
    wet_ink = forms.BooleanField(label=_("Vi skriver under på papper"), required=False)
