import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.versioned import Versioned
from projects.core.models import Collaboration, Event, Party


class MeetingEvent(models.TextChoices):
    """The meetings' own kinds of activity (projects.core.models.Event.kinds)."""

    MINUTES_DUE = "minutes.due_date", _("Datum för justering ändrat")


Event.kinds.register(MeetingEvent)


class Meeting(Versioned, models.Model):
    # The minutes are versioned text (projects.common.versioned), under their own names.
    text_field, version_field, by_field = "minutes", "minutes_version", None

    class Kind(models.TextChoices):
        SAMRAD = "samrad", _("Samråd")
        DIALOG = "dialog", _("Dialogmöte")
        STEERING = "styrgrupp", _("Styrgrupp")
        WORKING = "arbetsmote", _("Arbetsmöte")
        OTHER = "annat", _("Annat möte")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("rubrik"), max_length=200)
    kind = models.CharField(_("slag av möte"), max_length=20, choices=Kind.choices, default=Kind.WORKING)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=300, blank=True)
    link = models.URLField(_("länk till digitalt möte"), max_length=500, blank=True)
    agenda = models.TextField(_("dagordning"), max_length=10_000, blank=True)
    minutes = models.TextField(_("protokoll"), max_length=50_000, blank=True)
    minutes_version = models.PositiveIntegerField(default=0)
    minutes_locked_at = models.DateTimeField(null=True, blank=True, help_text="Every participant approved: locked.")
    minutes_due = models.DateField(_("protokollet godkänns senast"), null=True, blank=True)
    uid = models.CharField(max_length=100, unique=True, editable=False, help_text="iCalendar UID, stable.")
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: grows with each change.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = f"{secrets.token_hex(16)}@samverkan"
        super().save(*args, **kwargs)

    def agenda_items(self):
        """The agenda's lines as items to number: blank lines left out, and a number or a bullet the
        person typed ("1. Lokalen", "2) Budget", "- Övrigt") taken off, since the list numbers them."""
        items = (AGENDA_MARK.sub("", line, count=1).strip() for line in self.agenda.splitlines())
        return [item for item in items if item]


AGENDA_MARK = re.compile(r"^\s*(?:\d{1,3}\s*[.):]|[-*•–])\s+")


class MeetingParticipant(models.Model):
    """Who takes part, per party: a member of the collaboration, or a name (someone without an account)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    party = models.ForeignKey(Party, verbose_name=_("part"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=200)
    approved_minutes_at = models.DateTimeField(null=True, blank=True)
    approved_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["party__organisation__name", "name"]

    def __str__(self):
        return self.name


class LoggedDecision(models.Model):
    """The decision log (beslutslogg): taken at a meeting, or by delegation between meetings
    ("beslut med kort varsel"), with who decided and on what mandate."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="logged_decisions")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("beslut"), max_length=5000)
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.CharField(_("beslutat av"), max_length=300)
    mandate = models.CharField(_("mandat"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who recorded it, as named then: a decision is a public record."
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def by_delegation(self):
        return self.meeting_id is None


class CalendarFeed(models.Model):
    """The secret of a collaboration's subscribable calendar: only its hash is stored; renewing it
    makes the old address stop working."""

    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.collaboration_id)
