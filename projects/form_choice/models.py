from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration


class FormQuestionnaire(models.Model):
    """The collaboration's answers to the form questionnaire (projects.form_choice), saved one
    question at a time so that a questionnaire left half-way resumes where it stopped."""

    collaboration = models.OneToOneField(Collaboration, on_delete=models.CASCADE, related_name="form_questionnaire")
    answers = models.JSONField(default=dict, blank=True, help_text="{question key: option key}")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.collaboration_id}: {len(self.answers)}"


class FormChoice(models.Model):
    """A recorded choice of form, with the answers and the ranked reasons as they were then."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="form_choices")
    form = models.ForeignKey(
        "guides.CollaborationForm", verbose_name=_("samverkansform"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    recommendation = models.JSONField(default=list, blank=True, help_text="The ranking shown when choosing.")
    note = models.TextField(_("motivering"), max_length=2000, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-chosen_at", "-pk"]

    def __str__(self):
        return f"{self.collaboration_id}: {self.form_id}"
