"""The yearly follow-up ("Årlig uppföljning"): one report a year of the collaboration's period
("årsrapport"), the documents the parties agreed on, uploaded by the reporting party, and its status.

The words on screen: a year's report is an "årsrapport" ("Årsrapport 2027"); the agreed documents are
"dokument"; the statuses are Väntar, Inlämnad, Granskad and Godkänd."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.comments import AbstractComment
from projects.core.models import Collaboration, Event, Party

DEFAULT_DOCUMENTS = ["Verksamhetsberättelse", "Ekonomisk redovisning", "Revisionsberättelse"]
MAX_DOCUMENTS = 12


class ReportEvent(models.TextChoices):
    """The reports' kinds of activity (projects.core.models.Event.kinds)."""

    PLAN = "report.plan", _("Årlig uppföljning ändrad")
    UPLOADED = "report.uploaded", _("Dokument uppladdat")
    REMOVED = "report.removed", _("Dokument borttaget")
    STATUS = "report.status", _("Årsrapportens status ändrad")
    COMMENT = "report.comment", _("Kommentar på en årsrapport")


Event.kinds.register(ReportEvent)


def _documents():
    return list(DEFAULT_DOCUMENTS)


class ReportPlan(models.Model):
    """What the parties agreed to report each year: the documents (editable per collaboration)."""

    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="report_plan")
    documents = models.JSONField(_("dokument"), default=_documents)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.collaboration_id}: {', '.join(self.documents)}"


class Report(models.Model):
    """One year's report of a collaboration ("Årsrapport 2027")."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Väntar")
        SUBMITTED = "submitted", _("Inlämnad")
        REVIEWED = "reviewed", _("Granskad")
        APPROVED = "approved", _("Godkänd")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("år"))
    due_date = models.DateField(_("lämnas in senast"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    outside_period = models.BooleanField(
        _("utanför perioden"),
        default=False,
        help_text="The year left the collaboration's period, but documents were uploaded: kept, and flagged.",
    )
    review_meeting = models.ForeignKey(
        "projects.Meeting",
        verbose_name=_("uppföljningsmöte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_back_at = models.DateTimeField(null=True, blank=True, help_text="The last time it was sent back.")

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "year"], name="one_report_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="report_year_range"),
        ]

    def __str__(self):
        return f"{self.collaboration_id}: {self.year}"


def document_path(instance, filename):
    """Where a document is stored: a random part, never the person's file name (kept in the row)."""
    return f"rapporter/{instance.report.collaboration_id}/{instance.report.year}/{secrets.token_hex(16)}"


class ReportDocument(models.Model):
    """One uploaded document of a year's report. The file is in the default storage (S3-compatible
    in production, see docs/deployment.md); it is only downloaded through the report's view."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"
        ODT = "odt", "OpenDocument text (ODT)"
        ODS = "ods", "OpenDocument kalkylark (ODS)"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("dokument"), max_length=200)
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(_("filnamn"), max_length=255)
    format = models.CharField(max_length=8, choices=Format.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "sha256"], name="report_document_once")]

    def __str__(self):
        return self.original_name


class ReportComment(AbstractComment):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    sent_back = models.BooleanField(default=False, help_text="Written when the report was sent back.")
