"""Notices to people: what happened that concerns them, sent by e-mail at once or in a digest, and
each person's choices. A notice is recorded once per person and key (the unique constraint), so a
retried task, a second worker or a second run of send_reminders never sends it twice."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration


class Kind(models.TextChoices):
    FROZEN = "frozen", _("En version är klar för beslut")
    MISSING = "missing", _("Din part är den enda som inte har beslutat")
    DECIDED = "decided", _("Överenskommelsen är beslutad")
    MINUTES = "minutes", _("Ett protokoll väntar på ditt godkännande")
    COMMENT = "comment", _("En ny kommentar på något du skrivit")
    MENTION = "mention", _("Någon nämner dig i en kommentar")
    DEADLINE = "deadline", _("Ett datum närmar sig (7 dagar före och samma dag)")
    ADDED = "added", _("Du har lagts till i en samverkan")


class Frequency(models.TextChoices):
    NOW = "now", _("Direkt")
    DAILY = "daily", _("En sammanfattning om dagen")
    WEEKLY = "weekly", _("En sammanfattning i veckan")
    OFF = "off", _("Aldrig")


# What a person gets until they choose: at once, except comments (a daily summary is enough).
DEFAULT_FREQUENCY = dict.fromkeys(Kind, Frequency.NOW) | {Kind.COMMENT: Frequency.DAILY}


class Profile(models.Model):
    """A person's choices for e-mail: the language, how often per kind, collaborations muted; and
    whether their address bounced (shown to coordinators)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_profile")
    language = models.CharField(_("språk i e-post"), max_length=8, choices=settings.LANGUAGES, default="sv")
    frequencies = models.JSONField(default=dict, blank=True, help_text="Kind → frequency; a missing kind: default.")
    muted = models.ManyToManyField(Collaboration, blank=True, related_name="+", verbose_name=_("tystade samverkan"))
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    last_daily_digest = models.DateField(null=True, blank=True)
    last_weekly_digest = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("inställning för aviseringar")
        verbose_name_plural = _("inställningar för aviseringar")

    def __str__(self):
        return str(self.user)

    def frequency(self, kind):
        value = self.frequencies.get(kind)
        return value if value in Frequency.values else DEFAULT_FREQUENCY[kind]


class Notice(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på att skickas")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Kunde inte skickas")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="What the notice is about; one notice per person and key.")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=5000)
    path = models.CharField(max_length=500, help_text="The exact page, from the site's root.")
    language = models.CharField(max_length=8, default="sv")
    digest = models.CharField(max_length=10, blank=True, help_text="daily or weekly: waits for the digest.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    batch = models.UUIDField(null=True, blank=True, help_text="The digest it went out in.")
    last_error = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_notice_per_person")]
        indexes = [
            models.Index(fields=["status", "digest", "user"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.user}: {self.subject}"
