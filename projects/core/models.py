import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.common.validators import normalise_org_number


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

        from projects.organisations.models import OrganisationDomain, OrgRole

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
        """Collaborations the user is a member of (see projects.core.permissions)."""
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
    records_decisions = models.BooleanField(
        _("registrerar partens beslut"),
        default=False,
        help_text="Firmatecknare or delegate. While nobody of a party is marked, its coordinators record.",
    )
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


class EventText:
    """A text of an event kept untranslated, so that each reader sees it in their own language.

    ``msgid`` is the Swedish source string (mark it with ``gettext_noop`` so that makemessages finds
    it); ``params`` fill its ``%(name)s`` placeholders and may themselves be EventTexts (a status label,
    a phase name) or dates (shown as "3 december 2026" in the reader's language). ``Event.record``
    stores it as data (``Event.texts``) and keeps the Swedish rendering in ``subject``/``detail`` as
    well (what older rows and the searches in personal data use)::

        detail = EventText(gettext_noop("v%(n)s: godkänd"), n=3)
        Event.record(collaboration, user, kind, subject, detail)
    """

    def __init__(self, msgid, **params):
        self.msgid = str(msgid)
        self.params = params

    @classmethod
    def label(cls, text):
        """A label already marked for translation (a choice's label, a gettext_lazy text), kept by
        its msgid: the Swedish source text."""
        with translation.override("sv"):
            return cls(str(text))

    def as_data(self):
        data = {"msgid": self.msgid}
        if self.params:
            data["params"] = {
                name: value.as_data() if isinstance(value, EventText) else _plain(value)
                for name, value in self.params.items()
            }
        return data

    def __str__(self):
        return render_event_text(self.as_data())


def _plain(value):
    if isinstance(value, date):
        return {"date": value.isoformat()}  # shown as "3 december 2026" in the reader's language
    return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _shown_param(value):
    if not isinstance(value, dict):
        return value
    if "date" in value:
        return formats.date_format(date.fromisoformat(value["date"]), "j F Y")
    return render_event_text(value)


def render_event_text(data):
    """A stored EventText (its ``as_data``) in the active language."""
    params = {name: _shown_param(value) for name, value in (data.get("params") or {}).items()}
    text = gettext(data["msgid"]) if data.get("msgid") else ""
    if not params:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):  # a translation with other placeholders: the Swedish one
        return data["msgid"] % params


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
        MEMBER_RECORDS_DECISIONS = "member.records_decisions", _("Beslutsrätt ändrad")
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
        AGREEMENT_FROZEN = "agreement.frozen", _("Överenskommelse låst för beslut")
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
        CONCERN_RAISED = "concern.raised", _("Problem med en princip flaggat")
        CONCERN_RESOLVED = "concern.resolved", _("Problem med en princip löst")
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
    texts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The subject and detail recorded as EventTexts, untranslated: {'subject'|'detail': "
        "{msgid, params}}; shown in the reader's language. Empty for rows recorded as plain text.",
    )
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
        """Record an event. ``subject`` and ``detail`` are plain text (names, titles: shown as they are)
        or an :class:`EventText` (shown in the reader's language; its Swedish rendering is kept too)."""
        cls.kinds.check(kind)
        texts = {
            name: value.as_data()
            for name, value in (("subject", subject), ("detail", detail))
            if isinstance(value, EventText)
        }
        with translation.override("sv"):
            subject, detail = str(subject)[:300], str(detail)[:500]
        return cls.objects.create(
            collaboration=collaboration,
            actor=actor if actor and actor.is_authenticated else None,
            actor_name=actor.get_full_name()[:150] if actor and actor.is_authenticated else "",
            kind=kind,
            subject=subject,
            detail=detail,
            texts=texts,
        )

    def _shown(self, name, stored, length):
        """The reader's language where the text was recorded as an EventText and the stored Swedish
        text is still what it rendered (a row whose text was rewritten since, e.g. a deleted
        account's name replaced, shows the stored text)."""
        data = (self.texts or {}).get(name)
        if not data:
            return stored
        with translation.override("sv"):
            swedish = render_event_text(data)[:length]
        return render_event_text(data) if swedish == stored else stored

    def shown_subject(self):
        return self._shown("subject", self.subject, 300)

    def shown_detail(self):
        return self._shown("detail", self.detail, 500)

    def shown_actor_name(self):
        """Who did it, as the activity list shows it: the name as it was on the decision kinds (a
        record, kept when an account is deleted), the person's name as it is now otherwise."""
        from accounts.personal_data import DECISION_KINDS

        if self.kind in DECISION_KINDS and self.actor_name:
            return self.actor_name
        return self.actor.get_full_name() if self.actor_id else ""


Event.kinds.register(Event.Kind)
