"""The official's decision memo (tjänsteskrivelse): what the public party's official has written
into it (the committee, the record number, the official, the proposal's wording), one row per public
party of a collaboration. The rest of the memo is made from the collaboration when it is downloaded
(projects.memo.services.content)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Party


class MemoEvent(models.TextChoices):
    """The memo's own kinds of activity (projects.core.models.Event.kinds)."""

    SAVED = "memo.saved", _("Tjänsteskrivelsen ändrad")


Event.kinds.register(MemoEvent)


class DecisionMemo(models.Model):
    PROPOSAL_LENGTH = 4000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="decision_memos")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    committee = models.CharField(_("nämnd"), max_length=200, blank=True)
    record_number = models.CharField(_("diarienummer"), max_length=100, blank=True)
    official_name = models.CharField(_("handläggarens namn"), max_length=200, blank=True)
    official_title = models.CharField(_("handläggarens titel"), max_length=200, blank=True)
    proposal = models.TextField(_("förslag till beslut"), max_length=PROPOSAL_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collaboration", "party"], name="one_memo_per_party")]

    def __str__(self):
        return f"{self.collaboration_id}/{self.party_id}: {self.committee}"
