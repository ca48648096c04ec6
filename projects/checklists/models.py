from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.comments import AbstractComment
from projects.common.versioned import AbstractRevision, VersionedText
from projects.core.models import Collaboration, Event, Party


class AnswerStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ej påbörjad")
    DISCUSSED = "discussed", _("Diskuteras")
    AGREED = "agreed", _("Överens")
    NOT_RELEVANT = "not_relevant", _("Ej aktuell")


class ChecklistEvent(models.TextChoices):
    """The checklists' own kinds of activity (projects.core.models.Event.kinds)."""

    DUE_DATE = "checklist.due_date", _("Datum för checklista ändrat")


Event.kinds.register(ChecklistEvent)


class ChecklistSection(models.Model):
    """A section of a guide that a collaboration works through."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="checklist_sections")
    section = models.ForeignKey("guides.Section", on_delete=models.PROTECT, related_name="+")
    answer_mode = models.CharField(
        _("svaras"), max_length=20, choices=[("joint", _("Gemensamt svar")), ("per_party", _("Varje part svarar"))]
    )
    active = models.BooleanField(default=True, help_text="False when a coordinator has removed it.")
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklista")
        verbose_name_plural = _("checklistor")
        constraints = [models.UniqueConstraint(fields=["collaboration", "section"], name="unique_checklist_section")]

    def __str__(self):
        return str(self.section)

    @property
    def per_party(self):
        return self.answer_mode == "per_party"


class Answer(VersionedText):
    """The answer to one question: one shared answer, or one per party. Its text and status are
    versioned (projects.common.versioned; saved by projects.checklists.services.save_answer)."""

    MAX_LENGTH = 10_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("guides.Item", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    text = models.TextField(_("svar"), max_length=MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.NOT_STARTED
    )
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)  # the poll reads by it

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "item"], condition=Q(party__isnull=True), name="unique_joint_answer"
            ),
            models.UniqueConstraint(
                fields=["collaboration", "item", "party"],
                condition=Q(party__isnull=False),
                name="unique_party_answer",
            ),
        ]
        indexes = [models.Index(fields=["collaboration", "updated_at"])]

    def __str__(self):
        return self.text[:60]


class AnswerRevision(AbstractRevision):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(max_length=20, choices=AnswerStatus.choices)

    class Meta(AbstractRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["answer", "version"], name="unique_answer_revision")]

    def __str__(self):
        return f"{self.answer_id} v{self.version}"


class Confirmation(models.Model):
    """A party's confirmation that it agrees with a joint answer as it reads at ``version``."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="confirmations")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "party"], name="unique_confirmation_per_party")]

    def __str__(self):
        return f"{self.party} v{self.version}"


class Comment(AbstractComment):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey("guides.Item", on_delete=models.PROTECT, related_name="+")

    class Meta(AbstractComment.Meta):
        indexes = [models.Index(fields=["collaboration", "item"])]
