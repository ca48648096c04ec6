import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import normalise_org_number


class Sector(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    REGION = "region", _("Region")
    MYNDIGHET = "myndighet", _("Statlig myndighet")
    ANNAN_OFFENTLIG = "annan_offentlig", _("Annan offentlig aktör")
    IDEELL_FORENING = "ideell_forening", _("Ideell förening")
    STIFTELSE = "stiftelse", _("Stiftelse")
    TROSSAMFUND = "trossamfund", _("Trossamfund")
    EKONOMISK_FORENING = "ekonomisk_forening", _("Ekonomisk förening/socialt företag")
    ANNAN_IDEBUREN = "annan_ideburen", _("Annan idéburen organisation")


PUBLIC_SECTORS = frozenset({Sector.KOMMUN, Sector.REGION, Sector.MYNDIGHET, Sector.ANNAN_OFFENTLIG})


class Phase(models.TextChoices):
    """The six phases of a decision process in the Council of Europe code."""

    AGENDASATTNING = "agendasattning", _("Agendasättning")
    FORMULERING = "formulering", _("Formulering")
    BESLUT = "beslut", _("Beslut")
    GENOMFORANDE = "genomforande", _("Genomförande")
    UPPFOLJNING = "uppfoljning", _("Uppföljning")
    OMFORMULERING = "omformulering", _("Omformulering")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Samordnare")
    EDITOR = "editor", _("Redaktör")
    READER = "reader", _("Läsare")


class OrganisationQuerySet(models.QuerySet):
    def with_verified(self):
        """Annotate ``is_verified``: staff verified it, or one of its administrators holds a verified
        e-mail address in a domain registered for it (projects.organisations)."""
        from allauth.account.models import EmailAddress

        held = EmailAddress.objects.filter(
            verified=True,
            email__iendswith=models.functions.Concat(models.Value("@"), models.OuterRef("domain")),
            user__organisation_memberships__organisation=models.OuterRef("organisation"),
            user__organisation_memberships__role=OrgRole.ADMIN,
        )
        by_domain = OrganisationDomain.objects.filter(organisation=models.OuterRef("pk")).filter(models.Exists(held))
        return self.annotate(
            is_verified=models.Q(verified_at__isnull=False) | models.Exists(by_domain),
        )


class Organisation(models.Model):
    name = models.CharField(_("namn"), max_length=200)
    sector = models.CharField(_("sektor"), max_length=32, choices=Sector.choices)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        null=True,
        help_text=_("Tio siffror, till exempel 212000-1355. Frivilligt."),
    )
    municipality = models.CharField(_("kommun"), max_length=100, blank=True)
    website = models.URLField(_("webbplats"), max_length=300, blank=True)
    contact_email = models.EmailField(_("kontaktadress (e-post)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    verified_at = models.DateTimeField(
        _("verifierad av förvaltningen"),
        null=True,
        blank=True,
        help_text=_("Satt av personal som har kontrollerat att administratörerna företräder organisationen."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"], condition=Q(org_number__isnull=False), name="unique_org_number_when_given"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:organisation_detail", args=[self.pk])

    @property
    def is_public(self):
        return self.sector in PUBLIC_SECTORS

    def clean(self):
        super().clean()
        if self.org_number:
            self.org_number = normalise_org_number(self.org_number)
        else:
            self.org_number = None


class CollaborationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Collaborations the user is a member of (see projects.permissions)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Collaboration(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    challenge = models.TextField(
        _("samhällsutmaning"),
        max_length=5000,
        blank=True,
        help_text=_("Vilken utmaning i samhället vill ni möta tillsammans?"),
    )
    target_group = models.CharField(_("målgrupp"), max_length=500, blank=True)
    description = models.TextField(_("beskrivning"), max_length=10000, blank=True)
    start_date = models.DateField(_("planerad start"), null=True, blank=True)
    end_date = models.DateField(_("planerat slut"), null=True, blank=True)
    phase = models.CharField(_("fas"), max_length=32, choices=Phase.choices, default=Phase.AGENDASATTNING)
    form = models.ForeignKey(
        "guides.CollaborationForm",
        verbose_name=_("samverkansform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The form the parties chose (projects.form_choice); its history is in FormChoice.",
    )
    period = models.PositiveSmallIntegerField(_("period"), default=1)
    previous_period = models.OneToOneField(
        "self",
        verbose_name=_("föregående period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_period",
        help_text="A new period is a new row linked to the one before, which is archived unchanged.",
    )
    archived = models.BooleanField(_("arkiverad"), default=False)
    require_mfa = models.BooleanField(
        _("kräv tvåstegsinloggning"),
        default=False,
        help_text=_("Alla medlemmar måste logga in med en engångskod från en app (TOTP) för att öppna samverkan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("skapad av"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkan")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gt=models.F("start_date")),
                name="collaboration_end_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:overview", args=[self.pk])

    def sector_warnings(self, parties=None):
        """Warnings (not errors) about the mix of parties: both sectors should take part."""
        parties = list(self.parties.select_related("organisation")) if parties is None else parties
        warnings = []
        if not any(p.organisation.is_public for p in parties):
            warnings.append(_("Samverkan saknar en offentlig part (kommun, region eller myndighet)."))
        if not any(not p.organisation.is_public for p in parties):
            warnings.append(
                _("Samverkan saknar en idéburen part (förening, stiftelse, trossamfund eller socialt företag).")
            )
        return warnings


class PartyStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Deltar")
    PENDING = "pending", _("Väntar på organisationens svar")


class Party(models.Model):
    """An organisation taking part in a collaboration."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="parties"
    )
    contribution = models.TextField(
        _("bidrar med"),
        max_length=5000,
        blank=True,
        help_text=_("Resurser som parten bidrar med: pengar, personal, ideella krafter, lokaler, kunskap."),
    )
    is_coordinating = models.BooleanField(_("samordnande part"), default=False)
    status = models.CharField(
        _("deltagande"),
        max_length=10,
        choices=PartyStatus.choices,
        default=PartyStatus.ACCEPTED,
        help_text="Pending until a member of the organisation accepts on its behalf (projects.organisations).",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("tillagd"), auto_now_add=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["-is_coordinating", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "organisation"], name="unique_party_per_collaboration")
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def is_pending(self):
        return self.status == PartyStatus.PENDING


class Membership(models.Model):
    """A person in a collaboration on behalf of one party, with a role."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="memberships")
    party = models.ForeignKey(Party, verbose_name=_("part"), on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("tillagd"), auto_now_add=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["party__organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "user"], name="unique_membership_per_collaboration")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.party})"

    @property
    def is_coordinator(self):
        from .permissions import is_coordinator_role

        return is_coordinator_role(self.role)

    def is_last_coordinator(self):
        return (
            self.is_coordinator
            and not Membership.objects.filter(collaboration_id=self.collaboration_id, role=Role.COORDINATOR)
            .exclude(pk=self.pk)
            .exists()
        )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class TokenInvitation(models.Model):
    """An invitation by e-mail with a single-use secret link (only its hash is stored), valid for
    ``INVITATION_VALID_DAYS``: to a collaboration's party (Invitation) or to an organisation
    (projects.organisations.models.OrganisationInvitation)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på svar")
        ACCEPTED = "accepted", _("Accepterad")
        REVOKED = "revoked", _("Återkallad")
        EXPIRED = "expired", _("Har gått ut")

    email = models.EmailField(_("e-postadress"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def new_token(self) -> str:
        """Give the invitation a fresh secret; returns the plain token (only the hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + timedelta(days=settings.INVITATION_VALID_DAYS)
        return token

    @property
    def status(self):
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.Status(self.status).label

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class Invitation(TokenInvitation):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="invitations")
    party = models.ForeignKey(Party, verbose_name=_("part"), on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("roll"), max_length=16, choices=Role.choices, default=Role.EDITOR)

    class Meta(TokenInvitation.Meta):
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        indexes = [models.Index(fields=["collaboration", "email"])]


class EventKinds:
    """The kinds of an activity list, declared by the features that record them and checked in Python
    (``record`` refuses an unknown kind). The database column has no choices, so a new kind needs no
    migration. ``register`` takes a TextChoices class or a {value: label} dict."""

    def __init__(self):
        self._labels = {}

    def register(self, kinds):
        items = kinds.choices if hasattr(kinds, "choices") else kinds.items()
        for value, label in items:
            if value in self._labels and str(self._labels[value]) != str(label):
                raise ValueError(f"Event kind {value!r} is declared twice with different labels")
            self._labels[value] = label
        return kinds

    def __contains__(self, kind):
        return kind in self._labels

    def label(self, kind):
        return self._labels.get(kind, kind)

    def check(self, kind):
        if kind not in self._labels:
            raise ValueError(f"Unknown event kind: {kind!r} (declare it with register)")
        return kind


class Event(models.Model):
    """One entry of a collaboration's activity list ("Händelser"). ``Kind`` holds the kinds of the
    core loop; a feature may declare more with ``Event.kinds.register``."""

    class Kind(models.TextChoices):
        COLLABORATION_CREATED = "collaboration.created", _("Samverkan skapad")
        COLLABORATION_CHANGED = "collaboration.changed", _("Samverkan ändrad")
        COLLABORATION_ARCHIVED = "collaboration.archived", _("Samverkan arkiverad")
        COLLABORATION_RESTORED = "collaboration.restored", _("Samverkan återställd")
        PARTY_ADDED = "party.added", _("Part tillagd")
        PARTY_CHANGED = "party.changed", _("Part ändrad")
        PARTY_REMOVED = "party.removed", _("Part borttagen")
        MEMBER_JOINED = "member.joined", _("Person tillagd")
        MEMBER_ROLE_CHANGED = "member.role_changed", _("Roll ändrad")
        MEMBER_REMOVED = "member.removed", _("Person borttagen")
        INVITATION_SENT = "invitation.sent", _("Inbjudan skickad")
        INVITATION_RESENT = "invitation.resent", _("Inbjudan skickad igen")
        INVITATION_REVOKED = "invitation.revoked", _("Inbjudan återkallad")
        CHECKLIST_ADDED = "checklist.added", _("Checklista tillagd")
        CHECKLIST_REMOVED = "checklist.removed", _("Checklista borttagen")
        CHECKLIST_CHANGED = "checklist.changed", _("Checklista ändrad")
        ANSWER_STATUS = "answer.status", _("Status ändrad")
        ANSWER_CONFIRMED = "answer.confirmed", _("Svar bekräftat")
        ANSWER_AGREED = "answer.agreed", _("Alla parter överens")
        ANSWER_RESTORED = "answer.restored", _("Tidigare version återställd")
        COMMENT_ADDED = "comment.added", _("Kommentar")
        AGREEMENT_CREATED = "agreement.created", _("Överenskommelse påbörjad")
        AGREEMENT_FROZEN = "agreement.frozen", _("Överenskommelse fryst för beslut")
        AGREEMENT_REDRAFTED = "agreement.redrafted", _("Nytt utkast; tidigare beslut återkallade")
        AGREEMENT_DECISION = "agreement.decision", _("Beslut registrerat")
        AGREEMENT_DECIDED = "agreement.decided", _("Överenskommelse beslutad av alla parter")
        AGREEMENT_REJECTED = "agreement.rejected", _("Överenskommelse avslagen")
        AGREEMENT_SECTIONS = "agreement.sections", _("Avsnitt i överenskommelsen ändrat")
        AGREEMENT_COMMENT = "agreement.comment", _("Kommentar till överenskommelsen")
        AGREEMENT_WRITERS = "agreement.writers", _("Skrivgruppen ändrad")
        AGREEMENT_PRINCIPLES = "agreement.principles", _("Principer kopplade till ett avsnitt")
        FORM_CHOSEN = "form.chosen", _("Samverkansform vald")
        MAP_CHANGED = "map.changed", _("Samverkanskartan ändrad")
        PRINCIPLE_CHANGED = "principle.changed", _("Princip formulerad")
        CONCERN_RAISED = "concern.raised", _("Det gnisslar: farhåga om en princip")
        CONCERN_RESOLVED = "concern.resolved", _("Farhåga om en princip löst")
        PHASE_CHANGED = "phase.changed", _("Fas ändrad")
        PERIOD_STARTED = "period.started", _("Ny period påbörjad")
        STAKEHOLDER_CHANGED = "stakeholder.changed", _("Intressentkartan ändrad")
        RISK_CHANGED = "risk.changed", _("Riskanalysen ändrad")
        GOAL_CHANGED = "goal.changed", _("Mål ändrat")
        GOAL_ACCEPTED = "goal.accepted", _("Mål accepterat av en part")
        MEASUREMENT_ADDED = "measurement.added", _("Mätvärde registrerat")
        MEETING_CHANGED = "meeting.changed", _("Möte ändrat")
        MINUTES_APPROVED = "minutes.approved", _("Protokoll justerat")
        MINUTES_LOCKED = "minutes.locked", _("Protokoll justerat av alla och låst")
        DECISION_RECORDED = "decision.recorded", _("Beslut registrerat i beslutsloggen")
        CALENDAR_TOKEN = "calendar.token", _("Kalenderlänk förnyad")
        COLLABORATION_IMPORTED = "collaboration.imported", _("Samverkan importerad")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The actor's name when the event happened; kept on decision events."
    )
    kind = models.CharField(max_length=40, help_text="One of Event.kinds (checked in Python).")
    subject = models.CharField(max_length=300, blank=True, help_text="What the event is about, as shown.")

    kinds = EventKinds()
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    def get_kind_display(self):
        return self.kinds.label(self.kind)

    @classmethod
    def record(cls, collaboration, actor, kind, subject="", detail=""):
        cls.kinds.check(kind)
        return cls.objects.create(
            collaboration=collaboration,
            actor=actor if actor and actor.is_authenticated else None,
            actor_name=actor.get_full_name()[:150] if actor and actor.is_authenticated else "",
            kind=kind,
            subject=str(subject)[:300],
            detail=str(detail)[:500],
        )

    def shown_actor_name(self):
        """Who did it, as the activity list shows it: the name as it was on the decision kinds (a
        record, kept when an account is deleted), the person's name as it is now otherwise."""
        from accounts.personal_data import DECISION_KINDS

        if self.kind in DECISION_KINDS and self.actor_name:
            return self.actor_name
        return self.actor.get_full_name() if self.actor_id else ""


Event.kinds.register(Event.Kind)


# Checklists ----------------------------------------------------------------------------------


class AnswerStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Ej påbörjad")
    DISCUSSED = "discussed", _("Diskuteras")
    AGREED = "agreed", _("Överens")
    NOT_RELEVANT = "not_relevant", _("Ej aktuell")


class ChecklistSection(models.Model):
    """A section of a guide that a collaboration works through."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="checklist_sections")
    section = models.ForeignKey("guides.Section", on_delete=models.PROTECT, related_name="+")
    answer_mode = models.CharField(
        _("svaras"), max_length=20, choices=[("joint", _("Gemensamt svar")), ("per_party", _("Varje part svarar"))]
    )
    active = models.BooleanField(default=True, help_text="False when a coordinator has removed it.")
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


class Answer(models.Model):
    """The answer to one question: one shared answer, or one per party. ``version`` grows with
    every save; a save based on an older version is refused (see projects.checklists.save_answer)."""

    MAX_LENGTH = 10_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("guides.Item", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    text = models.TextField(_("svar"), max_length=MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.NOT_STARTED
    )
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

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


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AnswerStatus.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    restored_from = models.PositiveIntegerField(null=True, blank=True, help_text="The version this one restored.")

    class Meta:
        ordering = ["-version"]
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


class Comment(models.Model):
    MAX_LENGTH = 5_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey("guides.Item", on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("kommentar"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["collaboration", "item"])]

    def __str__(self):
        return self.text[:60]


# The agreement ------------------------------------------------------------------------------


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


class AgreementSection(models.Model):
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
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

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


class AgreementSectionRevision(models.Model):
    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["section", "version"], name="unique_section_revision")]

    def __str__(self):
        return f"{self.section_id} v{self.version}"


class AgreementComment(models.Model):
    MAX_LENGTH = 5_000

    section = models.ForeignKey(AgreementSection, on_delete=models.CASCADE, related_name="comments")
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("kommentar"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


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


# Choosing the form, the map, the principles, the phases (issue 6) -----------------------------


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


class MapEntry(models.Model):
    """One row of the collaboration map (samverkanskarta): per phase, the level of participation
    the parties plan and the level that really happened."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="map_entries")
    phase = models.CharField(_("fas"), max_length=32, choices=Phase.choices)
    planned_level = models.ForeignKey(
        "guides.Level",
        verbose_name=_("planerad nivå"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actual_level = models.ForeignKey(
        "guides.Level",
        verbose_name=_("faktisk nivå"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("kommentar"), max_length=1000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collaboration", "phase"], name="unique_map_entry_per_phase")]

    def __str__(self):
        return f"{self.collaboration_id}: {self.phase}"


class PrincipleCommitment(models.Model):
    """How the collaboration will uphold one of the six principles, in its own words."""

    MAX_LENGTH = 5_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="principle_commitments")
    principle = models.ForeignKey("guides.Principle", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("så upprätthåller vi principen"), max_length=MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "principle"], name="unique_commitment_per_principle")
        ]

    def __str__(self):
        return self.text[:60]


class PrincipleConcern(models.Model):
    """ "Det gnisslar": a member's concern that a principle is not upheld, open until a coordinator
    resolves it with a note."""

    MAX_LENGTH = 5_000

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="concerns")
    principle = models.ForeignKey(
        "guides.Principle", verbose_name=_("princip"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("vad gnisslar?"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("så löste vi det"), max_length=MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["collaboration", "resolved_at"])]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self):
        return self.resolved_at is None


class PhaseChange(models.Model):
    """A step of the collaboration's current phase, forward or back: the timeline."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=32, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=32, choices=Phase.choices)
    note = models.TextField(_("kommentar"), max_length=2000, blank=True)
    open_items = models.PositiveIntegerField(default=0, help_text="Open checklist questions left in from_phase.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_phase} → {self.to_phase}"


# Following it through: stakeholders, risks, goals, meetings, decisions (issue 7) ----------------

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(models.Model):
    """Someone who is affected by or can affect the collaboration (7 steg's intressentkartläggning):
    placed in the four fields by influence and interest."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        FUNCTION = "function", _("Funktion")
        ORGANISATION = "organisation", _("Organisation")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    category = models.CharField(_("kategori"), max_length=100, blank=True)
    influence = models.PositiveSmallIntegerField(_("inflytande (1–5)"), validators=ONE_TO_FIVE)
    interest = models.PositiveSmallIntegerField(_("intresse (1–5)"), validators=ONE_TO_FIVE)
    notes = models.TextField(_("anteckningar"), max_length=5000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-influence", "-interest", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(influence__gte=1, influence__lte=5), name="stakeholder_influence_1_5"),
            models.CheckConstraint(condition=Q(interest__gte=1, interest__lte=5), name="stakeholder_interest_1_5"),
        ]

    def __str__(self):
        return self.name


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Öppen")
        MITIGATING = "mitigating", _("Åtgärdas")
        CLOSED = "closed", _("Stängd")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    probability = models.PositiveSmallIntegerField(_("sannolikhet (1–5)"), validators=ONE_TO_FIVE)
    consequence = models.PositiveSmallIntegerField(_("konsekvens (1–5)"), validators=ONE_TO_FIVE)
    owner = models.ForeignKey(
        Party, verbose_name=_("ansvarig part"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mitigation = models.TextField(_("åtgärd"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(_("följs upp"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-probability", "-consequence", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=1, probability__lte=5), name="risk_probability_1_5"),
            models.CheckConstraint(condition=Q(consequence__gte=1, consequence__lte=5), name="risk_consequence_1_5"),
        ]

    def __str__(self):
        return self.title

    @property
    def score(self):
        return self.probability * self.consequence


class Goal(models.Model):
    """A goal with the SMART checklist (7 steg: specifikt, mätbart, accepterat, realistiskt,
    tidsatt). "Accepterat" is not a box: it is every party's acceptance (GoalAcceptance)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), max_length=5000, blank=True)
    specific = models.BooleanField(_("specifikt"), default=False)
    measurable = models.BooleanField(_("mätbart"), default=False)
    realistic = models.BooleanField(_("realistiskt"), default=False)
    due_date = models.DateField(_("klart senast"), null=True, blank=True, help_text=_("Tidsatt: när ska målet nås?"))
    order = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class GoalAcceptance(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="acceptances")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "party"], name="one_acceptance_per_party")]

    def __str__(self):
        return f"{self.goal_id}: {self.party_id}"


class Indicator(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=50)
    baseline = models.DecimalField(_("nulägesvärde"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("nulägesbild per"))
    target = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("målvärdet nås senast"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_date")), name="indicator_target_after_baseline"
            )
        ]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("mätdatum"))
    party = models.ForeignKey(
        Party, verbose_name=_("part"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("kommentar"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class Meeting(models.Model):
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


from .organisations.models import (  # noqa: E402,F401  (models of the organisations feature, same app)
    JoinRequest,
    OrganisationClaim,
    OrganisationDomain,
    OrganisationEvent,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
