"""Test data: factory-boy factories for the models tests create, and the named seed people and
organisations that read like people (as Zulip's example users) built with them.

A factory fills in only what a row cannot be saved without (a collaboration, a title, the dates of
an indicator …): every optional field keeps its model default unless a test passes it, so a factory
makes no extra users, parties or collaborations behind a test's back. Pass the related rows a test
cares about (``GoalFactory(collaboration=c)``); a missing required one is made by its own factory.

The helpers below (``make_user``, ``make_collaboration``, ``add_member`` …) keep their names and
signatures; ``make_collaboration`` and ``decided_iop`` go through the real services on purpose.
"""

import secrets
from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from factory.django import DjangoModelFactory

from guides.models import CollaborationForm, Item, Principle, Section
from projects.agreements.models import (
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementVersion,
    Decision,
    PartyRecord,
    PdfExport,
)
from projects.checklists.models import Answer, AnswerRevision, AnswerStatus, ChecklistSection, Comment, Confirmation
from projects.core import services as actions
from projects.core.models import Collaboration, Invitation, Membership, Organisation, Party, Phase, Role, Sector
from projects.form_choice.models import FormChoice, FormQuestionnaire
from projects.goals.models import Goal, GoalAcceptance, Indicator, Measurement
from projects.meetings.models import LoggedDecision, Meeting, MeetingParticipant
from projects.organisations.models import JoinRequest, OrganisationDomain, OrganisationMember, OrgRole
from projects.phases.models import MapEntry, PhaseChange
from projects.principles.models import PrincipleCommitment, PrincipleConcern
from projects.stakeholders.models import Risk, Stakeholder

PASSWORD = "ett-langt-testlosenord"


def _first(model, **filters):
    """A declaration for a required link to guide content (loaded once per test run): the first row."""
    return factory.LazyFunction(lambda: model.objects.filter(**filters).order_by("pk").first())


def _party_of(path):
    """A party of the collaboration at ``path`` (seen from the party's own factory), when none is given."""
    return factory.SubFactory("tests.factories.PartyFactory", collaboration=factory.SelfAttribute(path))


# People and organisations --------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A person with the test password (``UserFactory(full_name="Bo Berg")``: bo<n>@example.se)."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    full_name = "Anna Andersson"
    email = factory.LazyAttributeSequence(lambda o, n: f"{o.full_name.split()[0].lower()}{n}@example.se")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._get_manager(model_class).create_user(*args, **kwargs)


class EmailAddressFactory(DjangoModelFactory):
    """An e-mail address of allauth's (unverified unless ``verified=True``); the user's own by default."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")


class AuthenticatorFactory(DjangoModelFactory):
    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(dict)


class SocialAccountFactory(DjangoModelFactory):
    class Meta:
        model = SocialAccount

    user = factory.SubFactory(UserFactory)
    provider = "openid_connect"
    uid = factory.Sequence(lambda n: f"sub-{n}")


class UserSessionFactory(DjangoModelFactory):
    """allauth's record of a signed-in device (``session_key`` of a real session, when it matters)."""

    class Meta:
        model = UserSession

    user = factory.SubFactory(UserFactory)
    ip = "10.0.0.1"
    session_key = factory.Sequence(lambda n: f"session{n:032}")
    user_agent = "Testwebblasare/1.0"


class _AxesRecordFactory(DjangoModelFactory):
    """django-axes' login records: by user name (the e-mail address), IP address and browser."""

    class Meta:
        abstract = True

    username = factory.Sequence(lambda n: f"person{n}@example.se")
    ip_address = "10.0.0.9"
    user_agent = "Firefox"
    http_accept = "*/*"
    path_info = "/konto/"


class AccessAttemptFactory(_AxesRecordFactory):
    class Meta:
        model = AccessAttempt

    get_data = ""
    post_data = ""
    failures_since_start = 1


class AccessLogFactory(_AxesRecordFactory):
    class Meta:
        model = AccessLog


class AccessFailureLogFactory(_AxesRecordFactory):
    class Meta:
        model = AccessFailureLog


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.KOMMUN


class OrganisationMemberFactory(DjangoModelFactory):
    """A person acting for an organisation (see ``join_organisation`` for "the first is administrator")."""

    class Meta:
        model = OrganisationMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrgRole.MEMBER
    joined_via = OrganisationMember.Via.STAFF


class OrganisationDomainFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = factory.Sequence(lambda n: f"organisation{n}.se")


class JoinRequestFactory(DjangoModelFactory):
    class Meta:
        model = JoinRequest

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


# Collaborations, parties and members -----------------------------------------------------------------


class CollaborationFactory(DjangoModelFactory):
    """A bare collaboration row: no parties, no members (``make_collaboration`` creates one through the
    service, with its coordinator)."""

    class Meta:
        model = Collaboration

    title = factory.Sequence(lambda n: f"Samverkan {n}")


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    collaboration = factory.SubFactory(CollaborationFactory)
    organisation = factory.SubFactory(OrganisationFactory, sector=Sector.IDEELL_FORENING)


class MembershipFactory(DjangoModelFactory):
    """A person in a collaboration for a party; pass ``collaboration`` (and ``party``, else a new one)."""

    class Meta:
        model = Membership

    collaboration = factory.SubFactory(CollaborationFactory)
    party = _party_of("..collaboration")
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class InvitationFactory(DjangoModelFactory):
    """An invitation to a party, valid a week (the plain token is not kept: see Invitation.new_token)."""

    class Meta:
        model = Invitation

    collaboration = factory.SubFactory(CollaborationFactory)
    party = _party_of("..collaboration")
    email = factory.Sequence(lambda n: f"inbjuden{n}@example.se")
    token_hash = factory.LazyFunction(lambda: secrets.token_hex(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


# Checklists ------------------------------------------------------------------------------------------


class ChecklistSectionFactory(DjangoModelFactory):
    class Meta:
        model = ChecklistSection

    collaboration = factory.SubFactory(CollaborationFactory)
    section = _first(Section)
    answer_mode = "joint"


class AnswerFactory(DjangoModelFactory):
    """A joint answer (``party=None``) to the first question unless ``item`` is given."""

    class Meta:
        model = Answer

    collaboration = factory.SubFactory(CollaborationFactory)
    item = _first(Item, kind=Item.Kind.QUESTION)


class AnswerRevisionFactory(DjangoModelFactory):
    class Meta:
        model = AnswerRevision

    answer = factory.SubFactory(AnswerFactory)
    version = 1
    status = AnswerStatus.DISCUSSED


class ConfirmationFactory(DjangoModelFactory):
    class Meta:
        model = Confirmation

    answer = factory.SubFactory(AnswerFactory)
    party = _party_of("..answer.collaboration")
    version = 1


class CommentFactory(DjangoModelFactory):
    """A comment on a checklist question."""

    class Meta:
        model = Comment

    collaboration = factory.SubFactory(CollaborationFactory)
    item = _first(Item, kind=Item.Kind.QUESTION)
    text = factory.Sequence(lambda n: f"Kommentar {n}")


# Agreements ------------------------------------------------------------------------------------------


class AgreementFactory(DjangoModelFactory):
    """A bare agreement row without sections (``agreements.create_agreement`` makes a real one)."""

    class Meta:
        model = Agreement

    collaboration = factory.SubFactory(CollaborationFactory)
    title = factory.SelfAttribute("collaboration.title")


class AgreementSectionFactory(DjangoModelFactory):
    class Meta:
        model = AgreementSection

    agreement = factory.SubFactory(AgreementFactory)
    key = factory.Sequence(lambda n: f"avsnitt-{n}")
    title = factory.Sequence(lambda n: f"Avsnitt {n}")


class AgreementVersionFactory(DjangoModelFactory):
    """A frozen version: pass ``content`` (a snapshot); its hash is computed as the service does."""

    class Meta:
        model = AgreementVersion

    agreement = factory.SubFactory(AgreementFactory)
    number = 1
    content = factory.LazyFunction(dict)
    content_hash = factory.LazyAttribute(lambda o: _content_hash(o.content))


def _content_hash(content):
    from projects.agreements import services as agreements

    return agreements.content_hash(content)


class DecisionFactory(DjangoModelFactory):
    """A party's approval of a version (``approved=False`` for a rejection)."""

    class Meta:
        model = Decision

    version = factory.SubFactory(AgreementVersionFactory)
    party = _party_of("..version.agreement.collaboration")
    approved = True
    body = "Styrelsen"
    decided_on = date(2026, 11, 20)
    reference = "§ 7"


class PartyRecordFactory(DjangoModelFactory):
    class Meta:
        model = PartyRecord

    agreement = factory.SubFactory(AgreementFactory)
    party = _party_of("..agreement.collaboration")


class AgreementCommentFactory(DjangoModelFactory):
    class Meta:
        model = AgreementComment

    section = factory.SubFactory(AgreementSectionFactory)
    text = factory.Sequence(lambda n: f"Synpunkt {n}")


class PdfExportFactory(DjangoModelFactory):
    class Meta:
        model = PdfExport

    agreement = factory.SubFactory(AgreementFactory)
    filename = factory.Sequence(lambda n: f"overenskommelse-{n}.pdf")


# Form choice, the map, phases and principles -----------------------------------------------------------


class FormQuestionnaireFactory(DjangoModelFactory):
    """The questionnaire's answers so far (``answers={"syfte": "gora"}``)."""

    class Meta:
        model = FormQuestionnaire

    collaboration = factory.SubFactory(CollaborationFactory)


class FormChoiceFactory(DjangoModelFactory):
    class Meta:
        model = FormChoice

    collaboration = factory.SubFactory(CollaborationFactory)
    form = _first(CollaborationForm)


class MapEntryFactory(DjangoModelFactory):
    class Meta:
        model = MapEntry

    collaboration = factory.SubFactory(CollaborationFactory)
    phase = Phase.AGENDASATTNING


class PhaseChangeFactory(DjangoModelFactory):
    class Meta:
        model = PhaseChange

    collaboration = factory.SubFactory(CollaborationFactory)
    to_phase = Phase.FORMULERING


class PrincipleCommitmentFactory(DjangoModelFactory):
    class Meta:
        model = PrincipleCommitment

    collaboration = factory.SubFactory(CollaborationFactory)
    principle = _first(Principle)


class PrincipleConcernFactory(DjangoModelFactory):
    """An open concern ("det gnisslar") about the first principle unless ``principle`` is given."""

    class Meta:
        model = PrincipleConcern

    collaboration = factory.SubFactory(CollaborationFactory)
    principle = _first(Principle)
    text = factory.Sequence(lambda n: f"Problemet {n} med principen")


# Stakeholders, risks and goals ------------------------------------------------------------------------


class StakeholderFactory(DjangoModelFactory):
    class Meta:
        model = Stakeholder

    collaboration = factory.SubFactory(CollaborationFactory)
    name = factory.Sequence(lambda n: f"Intressent {n}")
    influence = 3
    interest = 3


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = Risk

    collaboration = factory.SubFactory(CollaborationFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    probability = 3
    consequence = 3


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    collaboration = factory.SubFactory(CollaborationFactory)
    title = factory.Sequence(lambda n: f"Mål {n}")


class GoalAcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = GoalAcceptance

    goal = factory.SubFactory(GoalFactory)
    party = _party_of("..goal.collaboration")


class IndicatorFactory(DjangoModelFactory):
    """An indicator from 10 (2026-01-01) to 20 (2027-01-01) deltagare unless told otherwise."""

    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "deltagare"
    baseline = Decimal("10")
    baseline_date = date(2026, 1, 1)
    target = Decimal("20")
    target_date = date(2027, 1, 1)


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("12")
    measured_on = date(2026, 3, 1)


# Meetings and the decision log ------------------------------------------------------------------------


class MeetingFactory(DjangoModelFactory):
    """A meeting of an hour, starting now unless ``starts_at`` is given."""

    class Meta:
        model = Meeting

    collaboration = factory.SubFactory(CollaborationFactory)
    title = factory.Sequence(lambda n: f"Möte {n}")
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class MeetingParticipantFactory(DjangoModelFactory):
    class Meta:
        model = MeetingParticipant

    meeting = factory.SubFactory(MeetingFactory)
    party = _party_of("..meeting.collaboration")
    name = factory.Sequence(lambda n: f"Deltagare {n}")


class LoggedDecisionFactory(DjangoModelFactory):
    """A decision in the log, by delegation (no meeting) unless ``meeting`` is given."""

    class Meta:
        model = LoggedDecision

    collaboration = factory.SubFactory(CollaborationFactory)
    text = factory.Sequence(lambda n: f"Beslut {n}")
    decided_on = factory.LazyFunction(date.today)
    decided_by = "Styrgruppen"


# Background tasks ----------------------------------------------------------------------------------


class DBTaskResultFactory(DjangoModelFactory):
    """A row of django-tasks-db's queue: the PDF task, ready to run (``run_after`` the far future
    means "no time set")."""

    class Meta:
        model = DBTaskResult

    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    task_path = "projects.agreements.services.tasks.render_agreement_pdf"
    backend_name = "default"
    run_after = factory.LazyFunction(get_date_max)


# The named seed people and organisations ------------------------------------------------------------


def make_user(name="Anna Andersson", email=None, **extra):
    if email:
        extra["email"] = email
    return UserFactory(full_name=name, **extra)


def make_organisation(name="Exempelkommun", sector=Sector.KOMMUN, **extra):
    return OrganisationFactory(name=name, sector=sector, **extra)


def join_organisation(user, organisation, role=OrgRole.MEMBER):
    """``user`` acts for ``organisation`` (first come is its administrator)."""
    if not OrganisationMember.objects.filter(organisation=organisation).exists():
        role = OrgRole.ADMIN
    member, _ = OrganisationMember.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "joined_via": OrganisationMember.Via.STAFF}
    )
    return member


def make_collaboration(coordinator=None, organisation=None, title="Mötesplats för unga", **fields):
    coordinator = coordinator or make_user("Anna Andersson")
    organisation = organisation or make_organisation("Exempelkommun", Sector.KOMMUN)
    join_organisation(coordinator, organisation)
    return actions.create_collaboration(user=coordinator, organisation=organisation, title=title, **fields)


def add_party(collaboration, name="Föreningen Gemenskap", sector=Sector.IDEELL_FORENING):
    organisation = Organisation.objects.filter(name=name).first() or make_organisation(name, sector)
    party, _ = Party.objects.get_or_create(collaboration=collaboration, organisation=organisation)
    return party


def add_member(collaboration, user=None, role=Role.EDITOR, party=None, name="Bo Berg"):
    user = user or make_user(name)
    party = party or add_party(collaboration)
    join_organisation(user, party.organisation)
    return MembershipFactory(collaboration=collaboration, party=party, user=user, role=role)


def decided_version(agreement, *, body="Styrelsen", reference=lambda party: "§ 7", decided_on=None):
    """Version 1 of ``agreement`` as it is, decided by every party of its collaboration (written
    directly, without the freeze and decision steps; the PDF is not kept)."""
    from projects.agreements import services as agreements

    version = AgreementVersionFactory(
        agreement=agreement, number=1, content=agreements.snapshot(agreement), status=AgreementVersion.Status.DECIDED
    )
    for party in agreement.collaboration.parties.all():
        DecisionFactory(
            version=version,
            party=party,
            approved=True,
            body=body,
            decided_on=decided_on or date(2026, 11, 20),
            reference=reference(party),
        )
    return version


def decided_iop(collaboration, users, *, reference=lambda party: f"KS § {party.pk}"):
    """The IOP of ``collaboration`` through the real steps: written, locked for decision and approved
    by every party (each of ``users`` records their own party's decision; the first one writes)."""
    from projects.agreements import services as agreements
    from projects.checklists import services as checklists

    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(
        collaboration, user=users[0], form=CollaborationForm.objects.get(slug="iop")
    )
    agreement.sections.filter(text="").update(text="Text för avsnittet.")
    version = agreements.freeze(agreement, user=users[0])
    for user in users:
        party = user.memberships.get(collaboration=collaboration).party
        agreements.record_decision(
            version,
            party=party,
            user=user,
            approved=True,
            body="Kommunstyrelsen" if party.organisation.is_public else "Styrelsen",
            decided_on=date(2026, 11, 20),
            reference=reference(party),
        )
    version.refresh_from_db()
    return version


def collaboration_with_people():
    """Exempelkommun and Föreningen Gemenskap with a coordinator, an editor and a reader."""
    anna = make_user("Anna Andersson", email="anna@exempelkommun.se")
    collaboration = make_collaboration(coordinator=anna)
    bo = add_member(collaboration, role=Role.EDITOR, name="Bo Berg").user
    cecilia = add_member(collaboration, role=Role.READER, name="Cecilia Carlsson").user
    return collaboration, {"coordinator": anna, "editor": bo, "reader": cecilia}
