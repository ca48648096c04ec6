"""The legal screening ("Rättslig genomgång"): the parties' answers, each with its reason, to the
questions a municipality must be able to answer before an IOP or another form of collaboration
(its competence, procurement, the civil-society party's registration, state aid). Recorded with
who changed it and when, kept with each version of the agreement (projects.screening.services.
screening_snapshot in projects.agreements.services.snapshot)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.core.models import Collaboration, Event, Party


class ScreeningEvent(models.TextChoices):
    """The screening's own kinds of activity (projects.core.models.Event.kinds)."""

    ANSWERED = "screening.answered", _("Rättslig genomgång: svar ändrat")
    REGISTRATION = "screening.registration", _("Rättslig genomgång: registrering ändrad")


Event.kinds.register(ScreeningEvent)


class Question(models.TextChoices):
    COMPETENCE = "competence", _("Kommunens befogenheter")
    MARKET = "market", _("Marknad")
    PROCUREMENT = "procurement", _("Upphandling enligt LOU")
    RESERVED = "reserved", _("Reserverad upphandling för idéburna organisationer")
    AID = "aid", _("Statligt stöd")


class Answer(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")
    UNKNOWN = "vet_inte", _("Vet inte än")


class AidGround(models.TextChoices):
    DE_MINIMIS = "de_minimis", _("Stöd av mindre betydelse (de minimis), förordning (EU) 2023/2831")
    SGEI_DE_MINIMIS = (
        "sgei_de_minimis",
        _("Stöd av mindre betydelse för tjänster av allmänt ekonomiskt intresse, förordning (EU) 2023/2832"),
    )
    OTHER = "other", _("En annan grund")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registrerad", _("Registrerad")
    NOT_REGISTERED = "inte_registrerad", _("Inte registrerad")
    NOT_CHECKED = "inte_kontrollerad", _("Inte kontrollerat")


class ScreeningAnswer(models.Model):
    """One question's answer with its reason (motivering); one row per question and collaboration.
    ``version`` counts the saves, so a save made on an older version is caught (two people at once)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="screening_answers")
    question = models.CharField(_("fråga"), max_length=32, choices=Question.choices)
    answer = models.CharField(_("svar"), max_length=16, choices=Answer.choices)
    reason = models.TextField(_("motivering"), max_length=4000, blank=True)
    ground = models.CharField(_("grund"), max_length=32, choices=AidGround.choices, blank=True)
    ground_other = models.CharField(_("vilken grund"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "question"], name="screening_answer_once"),
        ]

    def __str__(self):
        return f"{self.collaboration_id}: {self.question}={self.answer}"


class ScreeningRegistration(models.Model):
    """Whether a civil-society party is in Kammarkollegiet's register of idéburna organisationer
    (lag (2022:900)), as a person checked it by hand, and when. Nothing is fetched."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="screening_registrations")
    party = models.OneToOneField(
        Party, verbose_name=_("part"), on_delete=models.CASCADE, related_name="screening_registration"
    )
    status = models.CharField(
        _("registrering"), max_length=24, choices=RegistrationStatus.choices, default=RegistrationStatus.NOT_CHECKED
    )
    checked_on = models.DateField(_("kontrollerat den"), null=True, blank=True)
    note = models.TextField(_("anteckning"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.party_id}: {self.status}"
