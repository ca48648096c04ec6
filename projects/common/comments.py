"""Comment threads: on a checklist question (projects.checklists.models.Comment) and on an agreement
section (projects.agreements.models.AgreementComment). The page shows one with the component
``templates/projects/common/comments.html#thread``."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Event, Party


class AbstractComment(models.Model):
    """A comment by a person, for their party; the concrete model adds what it is about."""

    MAX_LENGTH = 5_000

    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("kommentar"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


@transaction.atomic
def add_comment(model, membership, text, *, event, **about):
    """Add a comment by ``membership``'s person for their party to the thread ``about`` finds, and
    record ``event``: (collaboration, kind, subject, detail)."""
    comment = model.objects.create(party=membership.party, author=membership.user, text=text, **about)
    collaboration, kind, subject, detail = event
    Event.record(collaboration, membership.user, kind, subject, detail)
    return comment


def thread(model, **about):
    """The comments ``about`` finds, oldest first, with their authors and parties."""
    return model.objects.filter(**about).select_related("author", "party__organisation")
