"""Forms for the stakeholder map and the risk register. They validate; projects.stakeholders acts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.common.forms import DATE_WIDGET
from projects.stakeholders.models import Risk, Stakeholder
from projects.stakeholders.services import SCALE

ONE_TO_FIVE_MESSAGE = _("Välj ett värde från 1 till 5.")


def one_to_five(label, **attrs):
    """A 1–5 select: anything else posted (0, 6, "abc", a huge number) is a Swedish field error."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(value, str(value)) for value in SCALE],
        coerce=int,
        error_messages={"invalid_choice": ONE_TO_FIVE_MESSAGE, "required": ONE_TO_FIVE_MESSAGE},
        widget=forms.Select(attrs=attrs),
    )


class StakeholderForm(forms.ModelForm):
    influence = one_to_five(_("Inflytande (1–5)"))
    interest = one_to_five(_("Intresse (1–5)"))

    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "category", "influence", "interest", "notes"]
        labels = {
            "name": _("Namn"),
            "kind": _("Slag"),
            "category": _("Kategori"),
            "notes": _("Anteckningar"),
        }
        help_texts = {
            "name": _("En person, en funktion eller en organisation."),
            "category": _("Till exempel politiker, förvaltning, förening, målgrupp."),
            "influence": _("Hur mycket inflytande har de över samarbetet? 1 = litet, 5 = stort."),
            "interest": _("Hur intresserade är de av samarbetet? 1 = litet, 5 = stort."),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"required": _("Skriv intressentens namn.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["influence"].help_text = self._meta.help_texts["influence"]
        self.fields["interest"].help_text = self._meta.help_texts["interest"]


class StakeholderMoveForm(forms.Form):
    """The quick move: only the place in the four fields."""

    influence = one_to_five(_("Inflytande"))
    interest = one_to_five(_("Intresse"))


class RiskForm(forms.ModelForm):
    probability = one_to_five(_("Sannolikhet (1–5)"))
    consequence = one_to_five(_("Konsekvens (1–5)"))
    review_date = forms.DateField(
        label=_("Följs upp"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d"],
        help_text=_("Datum då risken ska ses över, till exempel 2026-11-22."),
        error_messages={"invalid": _("Skriv datumet som år-månad-dag, till exempel 2026-11-22.")},
    )

    class Meta:
        model = Risk
        fields = ["title", "description", "probability", "consequence", "owner", "mitigation", "status", "review_date"]
        labels = {
            "title": _("Risk"),
            "description": _("Beskrivning"),
            "owner": _("Ansvarig part"),
            "mitigation": _("Åtgärd"),
            "status": _("Status"),
        }
        help_texts = {
            "probability": _("Hur troligt är det att det händer? 1 = mycket osannolikt, 5 = mycket troligt."),
            "consequence": _("Hur allvarligt blir det om det händer? 1 = obetydligt, 5 = mycket allvarligt."),
            "mitigation": _("Vad gör ni för att minska sannolikheten eller konsekvensen?"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "mitigation": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"title": {"required": _("Skriv vad risken är.")}}

    def __init__(self, *args, collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        owner = self.fields["owner"]
        owner.queryset = collaboration.parties.select_related("organisation")
        owner.label_from_instance = lambda party: party.organisation.name
        owner.empty_label = _("Ingen ansvarig part")
        owner.error_messages["invalid_choice"] = _("Välj en av parterna i den här samverkan.")
        for name in ("probability", "consequence"):
            self.fields[name].help_text = self._meta.help_texts[name]

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is not None and owner.collaboration_id != self.collaboration.pk:
            raise forms.ValidationError(_("Välj en av parterna i den här samverkan."))
        return owner
