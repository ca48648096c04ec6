"""The upload form of the import (projects.transfer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.transfer.services import MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filen som Samverkan har gett er"),
        help_text=_("En fil som Samverkan har exporterat, högst 10 MB."),
        error_messages={
            "required": _("Välj en fil att importera."),
            "empty": _("Filen är tom."),
            "invalid": _("Det skickades ingen fil. Välj en fil att importera."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen är större än 10 MB."))
        return upload
