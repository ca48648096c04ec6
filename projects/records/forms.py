"""The upload on the check page: a PDF of at most MAX_BYTES that opens, unencrypted. Every refusal is a
Swedish message that says what to do; a crafted or garbled file is refused the same way, never a 500."""

import io
import logging

import pikepdf
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.common import ratelimit

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
CHECKS_PER_HOUR = 30  # per client address, then the page asks to wait
TOO_LARGE = gettext_lazy("Filen är större än 20 MB. Välj en mindre PDF-fil.")


class CheckForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF-fil"),
        help_text=gettext_lazy("Välj den PDF-fil du vill kontrollera. Högst 20 MB."),
        error_messages={
            "required": gettext_lazy("Välj en PDF-fil att kontrollera"),
            "empty": gettext_lazy("Filen är tom. Välj en annan PDF-fil"),
            "invalid": gettext_lazy("Välj en PDF-fil att kontrollera"),
        },
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["file"].widget.attrs.update({"accept": "application/pdf,.pdf"})

    @classmethod
    def too_large(cls, request):
        """The form, refused before the upload is read, when the request says it is larger than the cap."""
        form = cls({}, {}, request=request)
        form.full_clean()
        form.errors.clear()
        form.add_error("file", TOO_LARGE)
        return form

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        if b"%PDF-" not in data[:1024]:
            raise forms.ValidationError(
                _("Filen är inte en PDF-fil. Välj PDF-filen med den beslutade överenskommelsen.")
            )
        try:
            with pikepdf.open(io.BytesIO(data)) as document:
                encrypted = document.is_encrypted
        except pikepdf.PasswordError:
            encrypted = True
        except Exception:  # qpdf's errors on a garbled or crafted file
            logger.info("an uploaded PDF could not be read", exc_info=True)
            raise forms.ValidationError(
                _("Filen går inte att läsa som PDF. Den kan vara skadad. Ladda ner filen på nytt och försök igen.")
            ) from None
        if encrypted:
            raise forms.ValidationError(
                _("Filen är krypterad eller skyddad med lösenord. Välj den beslutade filen utan lösenord.")
            )
        return data

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not ratelimit.within_limit(self.request, "records-document-check", CHECKS_PER_HOUR):
            raise forms.ValidationError(
                _("Du har kontrollerat många filer på kort tid. Vänta en stund och försök igen.")
            )
        return cleaned
