"""The sealed archival PDF of a decided agreement version, kept so that a file can be checked later."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.agreements.models import AgreementVersion
from projects.core.models import Event


class SealedRecord(models.Model):
    """The archival PDF of one decided version, as handed out: sealed, sealed with the development's test
    certificate, or (when sealing failed) unsealed with the reason. ``sha256`` is of these exact bytes:
    the check page matches an uploaded file by it."""

    class State(models.TextChoices):
        SEALED = "sealed", _("Försedd med sigill")
        TEST_SEAL = "test_seal", _("Försedd med testsigill")
        UNSEALED = "unsealed", _("Utan sigill")

    version = models.OneToOneField(AgreementVersion, on_delete=models.CASCADE, related_name="record")
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices)
    error = models.CharField(max_length=500, blank=True, help_text="Why sealing failed (for the log and IT).")
    certificate_sha256 = models.CharField(max_length=64, blank=True, help_text="The seal certificate's fingerprint.")
    certificate_subject = models.CharField(max_length=300, blank=True)
    timestamped = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.version} ({self.state})"

    @property
    def sealed(self):
        return self.state in {self.State.SEALED, self.State.TEST_SEAL}


# The records' kinds in the activity list.
SEALED = "records.sealed"
SEAL_FAILED = "records.seal_failed"
Event.kinds.register(
    {SEALED: _("Beslutad version försedd med sigill"), SEAL_FAILED: _("Beslutad version sparad utan sigill")}
)
