"""The app's models module: Django finds every feature's models here (one app, label "projects")."""

from projects.agreements.models import (  # noqa: F401
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementSectionRevision,
    AgreementVersion,
    Decision,
    PartyRecord,
    PdfExport,
)
from projects.archive.models import ARCHIVE_DOWNLOADED  # noqa: F401  (the event kind; no models)
from projects.budget.models import BudgetLine  # noqa: F401
from projects.checklists.models import (  # noqa: F401
    Answer,
    AnswerRevision,
    AnswerStatus,
    ChecklistSection,
    Comment,
    Confirmation,
)
from projects.core.models import (  # noqa: F401
    PUBLIC_SECTORS,
    Collaboration,
    CollaborationQuerySet,
    Event,
    EventKinds,
    Invitation,
    InvitationQuerySet,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Party,
    PartyStatus,
    Phase,
    Role,
    Sector,
    TokenInvitation,
)
from projects.form_choice.models import (  # noqa: F401
    FormChoice,
    FormQuestionnaire,
)
from projects.goals.models import (  # noqa: F401
    Goal,
    GoalAcceptance,
    Indicator,
    Measurement,
)
from projects.meetings.models import (  # noqa: F401
    CalendarFeed,
    LoggedDecision,
    Meeting,
    MeetingParticipant,
)
from projects.memo.models import DecisionMemo  # noqa: F401
from projects.notifications.models import Notice, Profile  # noqa: F401
from projects.organisations.models import (  # noqa: E402,F401  (models of the organisations feature, same app)
    JoinRequest,
    OrganisationClaim,
    OrganisationDomain,
    OrganisationEvent,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
from projects.phases.models import (  # noqa: F401
    ONE_TO_FIVE,
    MapEntry,
    PhaseChange,
)
from projects.principles.models import (  # noqa: F401
    PrincipleCommitment,
    PrincipleConcern,
)
from projects.publication.models import Publication, PublicationConsent  # noqa: F401
from projects.records.models import SealedRecord  # noqa: F401
from projects.reports.models import (  # noqa: F401
    Report,
    ReportComment,
    ReportDocument,
    ReportPlan,
)
from projects.screening.models import ScreeningAnswer, ScreeningRegistration  # noqa: F401
from projects.stakeholders.models import (  # noqa: F401
    Risk,
    Stakeholder,
)
from projects.state_aid.models import (  # noqa: F401
    AidGrant,
    AidRecipient,
)
