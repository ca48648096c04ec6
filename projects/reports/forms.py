"""The yearly follow-up's forms: an upload (the type checked by content), the list of documents,
the due date, the review meeting, a comment with a decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.common.comments import AbstractComment
from projects.common.forms import DeadlineForm, LineBreakCharField
from projects.reports import files
from projects.reports.models import MAX_DOCUMENTS, ReportDocument

ACCEPT = ".pdf,.docx,.xlsx,.odt,.ods,application/pdf"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vilket dokument är det?"), error_messages={"required": _("Välj vilket dokument filen är.")}
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX) eller OpenDocument (ODT, ODS), högst 20 MB."),
        error_messages={
            "required": _("Välj en fil att ladda upp."),
            "empty": _("Filen är tom. Välj filen igen och kontrollera att den har innehåll."),
            "invalid": _("Det skickades ingen fil. Välj en fil att ladda upp."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

    def __init__(self, data=None, files_=None, *, documents, too_large=False, **kwargs):
        super().__init__(data, files_, **kwargs)
        self.too_large = too_large
        self.fields["kind"].choices = [("", _("Välj dokument"))] + [(d, d) for d in documents]
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["aria-describedby"] = f"{self['file'].auto_id}_helptext"
        max_length = ReportDocument._meta.get_field("original_name").max_length
        self.fields["file"].max_length = max_length
        self.fields["file"].error_messages["max_length"] = _("Filnamnet är för långt: högst %(max)d tecken.") % {
            "max": max_length
        }
        self.checked = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.checked = files.check(upload)
        except files.Refused as refused:
            raise ValidationError(str(refused), code="refused") from None
        return upload

    def full_clean(self):
        super().full_clean()
        if self.too_large and self.is_bound:
            # The upload handler stopped the file while it arrived: say why, not "choose a file".
            self.errors.pop("file", None)
            self.add_error("file", ValidationError(files.TOO_LARGE, code="too_large"))


class DocumentsForm(forms.Form):
    documents = LineBreakCharField(
        label=_("Dokument som ska lämnas varje år"),
        help_text=_("Ett dokument per rad, till exempel Verksamhetsberättelse."),
        max_length=MAX_DOCUMENTS * 201,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Skriv minst ett dokument.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.attrs["aria-describedby"] = f"{self['documents'].auto_id}_helptext"

    def clean_documents(self):
        names = []
        for line in self.cleaned_data["documents"].split("\n"):
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > 200:
                raise ValidationError(_("Ett dokumentnamn får vara högst 200 tecken."))
            if name.casefold() in {n.casefold() for n in names}:
                raise ValidationError(_("%(name)s står två gånger. Skriv varje dokument en gång.") % {"name": name})
            names.append(name)
        if not names:
            raise ValidationError(_("Skriv minst ett dokument."))
        if len(names) > MAX_DOCUMENTS:
            raise ValidationError(_("Högst %(n)d dokument.") % {"n": MAX_DOCUMENTS})
        return names


class DueDateForm(DeadlineForm):
    """The date the year's report is due: required (a report is always due some day)."""

    def __init__(self, data=None, *, report, **kwargs):
        if data is not None and data.get("clear"):
            data = data.copy()
            data.pop("clear")
        super().__init__(
            data,
            current=report.due_date,
            label=_("Lämnas in senast"),
            help_text=_("Förvalt: 30 april året efter, när föreningens årsmöte har hållits."),
            auto_id=f"due-{report.year}-%s",
            **kwargs,
        )

    def clean_date(self):
        day = super().clean_date()
        if day is None:
            raise ValidationError(_("Ange ett datum, till exempel 2027-04-30."), code="required")
        return day


class MeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Uppföljningsmöte"),
        queryset=None,
        required=False,
        empty_label=_("Inget möte valt"),
        error_messages={"invalid_choice": _("Välj ett av samverkans möten i listan.")},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        from projects.meetings.models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        self.fields["meeting"].widget.attrs["class"] = "form-select"

    def clean_meeting(self):
        return self.cleaned_data["meeting"]


class NoteForm(forms.Form):
    """A comment, required or not (reviewing and approving take an optional one, sending back a
    required one, a plain comment a required one)."""

    text = LineBreakCharField(
        label=_("Kommentar"),
        max_length=AbstractComment.MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Kommentaren får vara högst %(limit_value)d tecken (den är nu %(show_value)d).")
        },
    )

    def __init__(self, *args, required=False, required_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        self.required_message = required_message or _("Skriv en kommentar.")

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if self.required and not text:
            raise ValidationError(self.required_message, code="required")
        return text
