"""Form pieces every feature uses: the error text, the date widget, line breaks, the comment form,
the form of a deadline."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
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


class DeadlineForm(forms.Form):
    """A date by which something is to be done, set by a coordinator (a checklist section's "klart
    senast", the minutes' approval, a goal's measurements). Empty, or the "clear" button, removes it.
    A date set is a real date, not in the past (the date already set may stay, even when it has
    passed) and not absurdly far ahead. A feature adds its own rule in ``clean_date``."""

    LATEST_YEAR = 2100
    INVALID = _("Ange ett riktigt datum, till exempel 2026-12-24.")

    date = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], widget=DATE_WIDGET, error_messages={"invalid": INVALID}
    )

    def __init__(self, data=None, *, current=None, label, help_text="", **kwargs):
        if data is not None and data.get("clear"):
            data = data.copy()
            data["date"] = ""
        super().__init__(data, initial={"date": current}, **kwargs)
        self.current = current
        field = self.fields["date"]
        field.label, field.help_text = label, help_text
        field.widget.attrs.update({"class": "form-control w-auto", "autocomplete": "off"})
        self._describe()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is None or day == self.current:
            return day
        today = timezone.localdate()
        if day < today:
            raise ValidationError(
                _("Datumet har redan varit. Välj i dag (%(today)s) eller ett senare datum."),
                params={"today": formats.date_format(today, "j F Y")},
                code="past",
            )
        if day.year > self.LATEST_YEAR:
            raise ValidationError(_("Datumet ligger för långt fram. Kontrollera året."), code="far")
        return day

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        """The field tied to its help text and, when invalid, to its message (and marked invalid)."""
        widget, auto_id = self.fields["date"].widget, self["date"].auto_id
        described = [f"{auto_id}_helptext"] if self.fields["date"].help_text else []
        if self._errors and "date" in self._errors:
            widget.attrs.update({"class": "form-control w-auto is-invalid", "aria-invalid": "true"})
            described.insert(0, f"{auto_id}_error")
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows by id: ids posted as text or too large for the database are a choice that does
    not exist (a message, not a database error)."""

    LARGEST_ID = 2**31 - 1

    def _check_values(self, value):
        if any(not str(v).isdigit() or int(v) > self.LARGEST_ID for v in value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)
