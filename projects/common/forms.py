"""Form pieces every feature uses: the error text, the date widget, line breaks, the comment form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.common.comments import AbstractComment


def form_errors(form):
    """A form's errors as one message (for a flash message or a fragment without fields)."""
    return " ".join(error for errors in form.errors.values() for error in errors)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LineBreakCharField(forms.CharField):
    """Browsers send line breaks as CRLF: kept as LF, before the length is checked, so that a text
    that fits the field's maxlength fits here too and the same text compares equal."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"),
        max_length=AbstractComment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("Kommentaren får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")
        },
    )
