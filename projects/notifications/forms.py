from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.common.forms import IdsChoiceField
from projects.notifications.models import Frequency, Kind


class SettingsForm(forms.Form):
    """The person's choices: the e-mails' language, how often per kind, collaborations muted."""

    language = forms.ChoiceField(label=_("Språk i e-postmeddelanden"), choices=settings.LANGUAGES)
    muted = IdsChoiceField(
        label=_("Tysta en samverkan"),
        help_text=_("Du får inga e-postmeddelanden om de samverkan du kryssar i. Väntar på dig visar dem ändå."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, collaborations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted"].queryset = collaborations
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(label=kind.label, choices=Frequency.choices)

    def kind_fields(self):
        return [self[f"kind_{kind.value}"] for kind in Kind]

    def frequencies(self):
        return {kind.value: self.cleaned_data[f"kind_{kind.value}"] for kind in Kind}
