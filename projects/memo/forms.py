"""The memo's form: what the official writes into it. Everything else is made from the collaboration."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.common.docx import clean
from projects.common.forms import LineBreakCharField
from projects.memo.models import DecisionMemo


class PlainTextField(LineBreakCharField):
    """Text as written, without the control characters a pasted text may carry (a NUL, a form feed):
    they reach the Word file and the PDF, which cannot hold them; removed rather than refused."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean(value) if isinstance(value, str) else value


def _too_long(limit):
    return {"max_length": _("Skriv högst %(limit_value)d tecken (du har skrivit %(show_value)d).")}


class MemoForm(forms.Form):
    committee = PlainTextField(
        label=_("Nämnd"),
        max_length=200,
        required=False,
        help_text=_("Den nämnd som beslutar, till exempel Socialnämnden."),
        error_messages=_too_long(200),
    )
    record_number = PlainTextField(
        label=_("Diarienummer"), max_length=100, required=False, error_messages=_too_long(100)
    )
    official_name = PlainTextField(
        label=_("Handläggarens namn"), max_length=200, required=False, error_messages=_too_long(200)
    )
    official_title = PlainTextField(
        label=_("Handläggarens titel"),
        max_length=200,
        required=False,
        help_text=_("Till exempel utvecklingsstrateg."),
        error_messages=_too_long(200),
    )
    proposal = PlainTextField(
        label=_("Förslag till beslut"),
        max_length=DecisionMemo.PROPOSAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Skriv vad nämnden beslutar. Börja med nämndens namn och ”beslutar att”."),
        error_messages={
            "required": _("Skriv förslaget till beslut. Det kan inte vara tomt."),
            **_too_long(DecisionMemo.PROPOSAL_LENGTH),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean_version(self):
        return self.cleaned_data.get("version") or 0
