from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.common.comments import AbstractComment
from projects.common.versioned import AbstractRevision, VersionedText
from projects.core.models import Collaboration, Event, Membership, Party


class Agreement(models.Model):
    """The jointly written agreement of one period of a collaboration (projects.agreements)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        FOR_DECISION = "for_decision", _("För beslut")
        DECIDED = "decided", _("Beslutad")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="agreements")
    period = models.PositiveSmallIntegerField(_("period"), default=1)
    title = models.CharField(_("titel"), max_length=200)
    form = models.ForeignKey(
        "guides.CollaborationForm",
        verbose_name=_("samverkansform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.ForeignKey(
        "guides.AgreementTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    writers = models.ManyToManyField(Membership, verbose_name=_("skrivgrupp"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        constraints = [models.UniqueConstraint(fields=["collaboration", "period"], name="unique_agreement_period")]

    def __str__(self):
        return self.title


class AgreementSection(VersionedText):
    MAX_LENGTH = 20_000
    # Sections whose content comes from the collaboration's data (typed text is an optional addition).
    FROM_DATA = {
        "iop-rubrik-parter": "parties",
        "iop-rubrik-kontaktpersoner": "contacts",
        "iop-rubrik-period": "period",
    }

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sections")
    heading = models.ForeignKey(
        "guides.TemplateHeading", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    key = models.SlugField(max_length=100, help_text="Stable key of the section in its template.")
    title = models.CharField(_("rubrik"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text"), max_length=MAX_LENGTH, blank=True)
    required = models.BooleanField(_("krävs"), default=False)
    prefilled = models.BooleanField(default=False, help_text="The text came from the checklist answers.")
    omitted_reason = models.TextField(_("varför avsnittet lämnas tomt"), max_length=2000, blank=True)
    principles = models.ManyToManyField(
        "guides.Principle", verbose_name=_("principer"), blank=True, related_name="+", help_text="The principles lens."
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    @property
    def prefix(self):
        """Its fields' prefix on the agreement page (s<pk>-text, s<pk>-version)."""
        return f"s{self.pk}"

    @property
    def from_data(self):
        return self.FROM_DATA.get(self.key, "")

    @property
    def is_complete(self):
        return bool(self.from_data) or bool(self.text.strip()) or bool(self.omitted_reason.strip())


class AgreementVersion(models.Model):
    """A frozen, immutable snapshot "för beslut": what every party decides on."""

    class Status(models.TextChoices):
        FOR_DECISION = "for_decision", _("För beslut")
        DECIDED = "decided", _("Beslutad")
        WITHDRAWN = "withdrawn", _("Ersatt av ett nytt utkast")
        REJECTED = "rejected", _("Avslagen")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FOR_DECISION)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    frozen_at = models.DateTimeField(default=timezone.now)
    decide_by = models.DateField(_("beslut senast"), null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False, help_text="The decided version's PDF, kept.")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")]

    def __str__(self):
        return f"{self.agreement} v{self.number}"

    @property
    def short_hash(self):
        return self.content_hash[:12]


class Decision(models.Model):
    """One party's decision on one frozen version."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="decisions")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField(_("godkänd"))
    body = models.CharField(_("beslutande organ eller firmatecknare"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    reference = models.CharField(_("beslutsreferens"), max_length=200)
    comment = models.TextField(_("kommentar"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who recorded it, as named then: a decision is a public record."
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [models.UniqueConstraint(fields=["version", "party"], name="one_decision_per_party_and_version")]

    def __str__(self):
        return f"{self.party}: {'ja' if self.approved else 'nej'}"


class PartyRecord(models.Model):
    """What a party gives for the agreement: its record number (diarienummer) and who signs."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_records")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    record_number = models.CharField(_("diarienummer"), max_length=100, blank=True)
    signatory = models.CharField(_("undertecknas av"), max_length=200, blank=True)
    wet_ink = models.BooleanField(_("underskrift på papper"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="one_record_per_party")]

    def __str__(self):
        return f"{self.party}: {self.record_number}"


class AgreementSectionRevision(AbstractRevision):
    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="revisions")
    restored_from = models.PositiveIntegerField(null=True, blank=True)  # as migrated: without the help text

    class Meta(AbstractRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["section", "version"], name="unique_section_revision")]

    def __str__(self):
        return f"{self.section_id} v{self.version}"


class AgreementComment(AbstractComment):
    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="comments")


class PdfExport(models.Model):
    """A large agreement's PDF, rendered in the background (projects.tasks) while the page waits."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        RUNNING = "running", _("Skapas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="exports")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


# The agreement's own kinds in the activity list (the rest of its kinds are core's Event.Kind).
DECIDE_BY_CHANGED = "agreement.decide_by"
Event.kinds.register({DECIDE_BY_CHANGED: _("Sista dag för beslut ändrad")})
