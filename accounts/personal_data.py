"""Personal data (issue 8): everything stored about a person, as JSON, and deleting an account.

The rules, written down:

- ``collect(user)`` returns the person's own data: the account, e-mail addresses, memberships,
  invitations (never tokens; an invitation *sent* leaves out the invitee's address, which is someone
  else's data), every row of the project's models that points to the person (found by walking the
  models: ``walked_models``; the rest is ``HANDLED_APART``), login records, signed-in devices,
  two-factor authenticators (type and dates, never secrets or recovery codes) and linked single-sign-on
  accounts, and what concerns the person in organisations (``organisations``: memberships, their
  own requests to join and claims with their text, invitations, domains added, history entries).
  Co-members' names and addresses are not included (activity entries about inviting or changing a
  member keep what and when, not whom; other entries' texts are as the activity list shows them);
  collaboration titles are. A constant number of queries, however much the person wrote.
- ``delete_account(user, confirm_email=...)`` keeps the row of the user (everything the person wrote
  points to it) but replaces the name with "Borttagen användare", the address with
  ``borttagen-<id>@invalid``, makes the password unusable and the account inactive, and deletes what
  is only about the person: e-mail addresses, memberships, invitations to the address that were not
  accepted, sessions and signed-in devices, two-factor authenticators, linked accounts, login records.
  What the person wrote keeps its text and shows "Borttagen användare". Each collaboration the person
  was in gets an activity entry "Person borttagen: Borttagen användare (Kontot raderat)".
- Public records stay as they were decided (offentlighetsprincipen, arkivlagen): decided agreements
  (``AgreementVersion.content`` and its PDF), the names on recorded decisions
  (``Decision.recorded_by_name``, ``LoggedDecision.recorded_by_name``, ``LoggedDecision.decided_by``,
  ``PartyRecord.signatory``), the participants of meetings whose minutes are locked (approved by
  everyone: the protocol is a record), and the activity-list entries of the decision kinds
  (``DECISION_KINDS``), which keep ``actor_name`` and their text. Every other activity entry loses
  ``actor_name`` (it shows the live, replaced name) and has the person's name and address replaced in
  its text. Participants of meetings whose minutes are not locked get the replaced name.
- Refused while the person is the last coordinator of a collaboration that has other members: the
  role is handed over first (a collaboration must not be left without anyone who can manage it).
  A collaboration whose only member is the person is left without members (nobody could take over).
- Organisations (projects.organisations): refused likewise while the person is the only administrator
  of an organisation that has other members. Otherwise the person leaves each organisation (its
  history gets "Medlem lämnade organisationen: Borttagen användare (Kontot raderat)"), their open
  requests to join and open claims are deleted, invitations to their address that were not accepted
  are deleted, and the organisations' history is treated as the activity list: the person's entries
  lose ``actor_name``, and the person's name and address are replaced in every entry's text.
  Answered requests and resolved claims stay (the organisation's record of who was let in) and show
  the replaced name.
- A calendar feed the person created stays (it belongs to the collaboration; renewing it would break
  everyone's subscription): ``created_by`` points to the anonymised row. A coordinator can renew it.
- The answers a logged-out person saved ("anonymous-save stash") live in the anonymous session, which
  is removed with the session; they are never shown after two hours.
"""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from projects.core.models import Collaboration, Event, EventText, Invitation, Membership, Organisation, Role
from projects.meetings.models import Meeting, MeetingParticipant
from projects.organisations import services as organisation_services
from projects.organisations.models import (
    JoinRequest,
    OrganisationClaim,
    OrganisationDomain,
    OrganisationEvent,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
from projects.organisations.permissions import policy as organisation_policy

FORMAT = "samverkan-mina-uppgifter"
FORMAT_VERSION = 1

DELETED_NAME = gettext_lazy("Borttagen användare")

# The project's own apps: every foreign key to the user model in them must be covered below.
PROJECT_APPS = ("accounts", "projects", "guides")

# Activity entries that are part of a record: they keep the name of who did it.
DECISION_KINDS = frozenset(
    {
        Event.Kind.AGREEMENT_DECISION,
        Event.Kind.AGREEMENT_DECIDED,
        Event.Kind.AGREEMENT_REJECTED,
        Event.Kind.DECISION_RECORDED,
        Event.Kind.MINUTES_APPROVED,
        Event.Kind.MINUTES_LOCKED,
    }
)

# Activity entries whose text names another person (the invitee's address, the member's name): the
# export keeps what happened and when, not whom it was about.
ABOUT_SOMEONE_ELSE = ("invitation.", "member.")
# The same for an organisation's history (projects.organisations.services.KINDS): requests and claims
# name the person who asked, a hand-over both people.
ORGANISATION_ABOUT_SOMEONE_ELSE = ("invitation.", "member.", "request.", "claim.", "handover")

# Fields never exported: secrets, hashes and large binary or frozen copies.
NEVER_EXPORTED = frozenset({"token_hash", "pdf", "password", "content", "content_hash", "session_key", "uid"})

# Extra context exported with a model's rows (besides the collaboration's title, found by walking).
CONTEXT = {
    "projects.Answer": {"question": "item__text", "party": "party__organisation__name"},
    "projects.Comment": {"question": "item__text"},
    "projects.AnswerRevision": {"question": "answer__item__text"},
    "projects.Confirmation": {"question": "answer__item__text", "party": "party__organisation__name"},
    "projects.ChecklistSection": {"section": "section__title"},
    "projects.AgreementSection": {"agreement": "agreement__title"},
    "projects.AgreementSectionRevision": {"section": "section__title"},
    "projects.AgreementComment": {"section": "section__title"},
    "projects.AgreementVersion": {"agreement": "agreement__title"},
    "projects.Decision": {"party": "party__organisation__name", "version": "version__number"},
    "projects.PdfExport": {"agreement": "agreement__title"},
    "projects.FormChoice": {"form": "form__name"},
    "projects.PrincipleCommitment": {"principle": "principle__name"},
    "projects.PrincipleConcern": {"principle": "principle__name"},
    "projects.GoalAcceptance": {"goal": "goal__title", "party": "party__organisation__name"},
    "projects.Measurement": {"indicator": "indicator__name"},
    "projects.MeetingParticipant": {"meeting": "meeting__title", "party": "party__organisation__name"},
    "projects.LoggedDecision": {"meeting": "meeting__title"},
    "projects.Party": {"organisation": "organisation__name"},
}

# Foreign keys to the user model that the generic walk does not export as rows, and why.
HANDLED_APART = {
    ("accounts.User_groups", "user"): "in the account section (group names)",
    ("accounts.User_user_permissions", "user"): "in the account section (permission names)",
    ("projects.Membership", "user"): "memberships: collaboration, party, role, joined",
    ("projects.Invitation", "invited_by"): "invitations_sent: without the invitee's address or the token",
    ("projects.Invitation", "accepted_by"): "invitations_received: with the person's own address",
    ("admin.LogEntry", "user"): "admin_log",
    ("account.EmailAddress", "user"): "email_addresses",
    ("mfa.Authenticator", "user"): "mfa_authenticators: type and dates, never the secret or the codes",
    ("socialaccount.SocialAccount", "user"): "social_accounts: provider and uid, not the provider's profile",
    ("usersessions.UserSession", "user"): "sessions: IP address, browser, when",
    # Organisations (projects.organisations) are not in a collaboration: collect()["organisations"].
    ("projects.OrganisationMember", "user"): "organisations.memberships: organisation, role, since",
    ("projects.JoinRequest", "user"): "organisations.join_requests: the person's own message and the answer",
    ("projects.JoinRequest", "answered_by"): "organisations.join_requests_answered: not the asker's message",
    ("projects.OrganisationClaim", "user"): "organisations.claims: the person's own text and the outcome",
    ("projects.OrganisationClaim", "resolved_by"): "organisations.claims_resolved: not the claimant's text",
    ("projects.OrganisationInvitation", "invited_by"): "organisations.invitations_sent: no address, no token",
    ("projects.OrganisationInvitation", "accepted_by"): "organisations.invitations_received: own address",
    ("projects.OrganisationDomain", "added_by"): "organisations.domains_added",
    ("projects.OrganisationEvent", "actor"): "organisations.history: entries about others keep what and when",
}


class AccountDeletionRefused(Exception):
    """The account cannot be deleted now; ``message`` says why in Swedish."""

    def __init__(self, message, collaborations=(), organisations=()):
        super().__init__(message)
        self.message = message
        self.collaborations = list(collaborations)
        self.organisations = list(organisations)


# Walking the models ---------------------------------------------------------------------------


def user_foreign_keys(app_labels=None):
    """[(model, field)] of every concrete foreign key to the user model, in the given apps (all if None)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models(include_auto_created=True):
        if app_labels is not None and model._meta.app_label not in app_labels:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.many_to_one and field.related_model is user_model:
                found.append((model, field))
    return found


def walked_models():
    """{model: [user fields]} of the project's models exported row by row by the generic walk."""
    walked = {}
    for model, field in user_foreign_keys(PROJECT_APPS):
        if (model._meta.label, field.name) in HANDLED_APART:
            continue
        walked.setdefault(model, []).append(field.name)
    return walked


def _collaboration_path(model, depth=0):
    """The lookup from ``model`` to its collaboration's title ("answer__collaboration__title"), or None."""
    if model is Collaboration:
        return "title"
    if depth >= 3:
        return None
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        if field.related_model is Collaboration and field.name == "collaboration":
            return f"{field.name}__title"
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and field.many_to_one):
            continue
        target = field.related_model
        if target is None or target is get_user_model() or target._meta.app_label != "projects":
            continue
        if target is Collaboration or field.name == "previous_period":
            continue
        rest = _collaboration_path(target, depth + 1)
        if rest:
            return f"{field.name}__{rest}"
    return None


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _own_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.is_relation and f.name not in NEVER_EXPORTED and not isinstance(f, models.BinaryField)
    ]


def _rows(model, user_fields, user):
    """The rows of ``model`` that point to the person, each with the person's role(s) in it."""
    fields = _own_fields(model)
    context = dict(CONTEXT.get(model._meta.label, {}))
    collaboration = _collaboration_path(model)
    if collaboration and model is not Collaboration:
        context["collaboration"] = collaboration
    lookups = {f"{name}_id": name for name in user_fields}
    condition = Q()
    for name in user_fields:
        condition |= Q(**{name: user})
    rows = []
    queryset = model._default_manager.filter(condition).order_by("pk")
    for values in queryset.values(*fields, *context.values(), *lookups):
        row = {name: _plain(values[name]) for name in fields}
        row.update({label: _plain(values[path]) for label, path in context.items()})
        row["as"] = [name for column, name in lookups.items() if values[column] == user.pk]
        rows.append(row)
    return rows


INVITATION_FIELDS = {
    "collaboration": "collaboration__title",
    "party": "party__organisation__name",
    "role": "role",
    "sent_at": "sent_at",
    "expires_at": "expires_at",
    "accepted_at": "accepted_at",
    "revoked_at": "revoked_at",
}


def _labelled(queryset, paths):
    """[{label: value}] of the queryset's rows, one query."""
    return [
        {label: _plain(row[path]) for label, path in paths.items()}
        for row in queryset.order_by("pk").values(*paths.values())
    ]


ORGANISATION_INVITATION_FIELDS = {
    "organisation": "organisation__name",
    "role": "role",
    "sent_at": "sent_at",
    "expires_at": "expires_at",
    "accepted_at": "accepted_at",
    "revoked_at": "revoked_at",
}


def _organisations(user):
    """What concerns the person in organisations (see HANDLED_APART): one query per list."""
    history = _labelled(
        OrganisationEvent.objects.filter(actor=user),
        {
            "organisation": "organisation__name",
            "kind": "kind",
            "subject": "subject",
            "detail": "detail",
            "actor_name": "actor_name",
            "created_at": "created_at",
        },
    )
    for row in history:
        if row["kind"].startswith(ORGANISATION_ABOUT_SOMEONE_ELSE):
            row["subject"] = row["detail"] = ""
    return {
        "memberships": _labelled(
            OrganisationMember.objects.filter(user=user),
            {"organisation": "organisation__name", "role": "role", "joined_via": "joined_via", "since": "created_at"},
        ),
        "join_requests": _labelled(
            JoinRequest.objects.filter(user=user),
            {
                "organisation": "organisation__name",
                "message": "message",
                "sent_at": "created_at",
                "answered_at": "answered_at",
                "accepted": "accepted",
            },
        ),
        "join_requests_answered": _labelled(
            JoinRequest.objects.filter(answered_by=user),
            {"organisation": "organisation__name", "answered_at": "answered_at", "accepted": "accepted"},
        ),
        "claims": _labelled(
            OrganisationClaim.objects.filter(user=user),
            {
                "organisation": "organisation__name",
                "position": "position",
                "reason": "reason",
                "sent_at": "created_at",
                "resolved_at": "resolved_at",
                "outcome": "outcome",
                "note": "note",
            },
        ),
        "claims_resolved": _labelled(
            OrganisationClaim.objects.filter(resolved_by=user),
            {"organisation": "organisation__name", "resolved_at": "resolved_at", "outcome": "outcome"},
        ),
        "invitations_sent": _labelled(
            OrganisationInvitation.objects.filter(invited_by=user), ORGANISATION_INVITATION_FIELDS
        ),
        "invitations_received": _labelled(
            OrganisationInvitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user)),
            {"email": "email"} | ORGANISATION_INVITATION_FIELDS,
        ),
        "domains_added": _labelled(
            OrganisationDomain.objects.filter(added_by=user),
            {"organisation": "organisation__name", "domain": "domain", "added_at": "created_at"},
        ),
        "history": history,
    }


# collect --------------------------------------------------------------------------------------


def collect(user):
    """Everything stored about ``user``, as JSON-serialisable data (see the module's docstring)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry

    email = user.email
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "full_name": user.full_name,
            "email": email,
            "date_joined": _plain(user.date_joined),
            "last_login": _plain(user.last_login),
            "is_active": user.is_active,
            "has_password": user.has_usable_password(),
            "groups": list(user.groups.values_list("name", flat=True)),
            "permissions": list(user.user_permissions.values_list("codename", flat=True)),
        },
        "email_addresses": [
            _plain(row) for row in EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ],
        "memberships": [
            {
                "collaboration": m["collaboration__title"],
                "party": m["party__organisation__name"],
                "role": m["role"],
                "joined": _plain(m["created_at"]),
            }
            for m in Membership.objects.filter(user=user).values(
                "collaboration__title", "party__organisation__name", "role", "created_at"
            )
        ],
        "invitations_sent": _labelled(Invitation.objects.filter(invited_by=user), INVITATION_FIELDS),
        "invitations_received": _labelled(
            Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_by=user)),
            {"email": "email"} | INVITATION_FIELDS,
        ),
        "organisations": _organisations(user),
        "activity": {},
        "login_records": {
            "attempts": [
                _plain(row)
                for row in AccessAttempt.objects.filter(username__iexact=email).values(
                    "attempt_time", "ip_address", "user_agent", "path_info", "failures_since_start"
                )
            ],
            "logins": [
                _plain(row)
                for row in AccessLog.objects.filter(username__iexact=email).values(
                    "attempt_time", "logout_time", "ip_address", "user_agent"
                )
            ],
            "failures": [
                _plain(row)
                for row in AccessFailureLog.objects.filter(username__iexact=email).values(
                    "attempt_time", "ip_address", "user_agent", "locked_out"
                )
            ],
        },
        "sessions": [
            _plain(row)
            for row in UserSession.objects.filter(user=user).values("ip", "user_agent", "created_at", "last_seen_at")
        ],
        "mfa_authenticators": [
            _plain(row) for row in Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
        ],
        "social_accounts": [
            _plain(row)
            for row in SocialAccount.objects.filter(user=user).values("provider", "uid", "date_joined", "last_login")
        ],
        "admin_log": [
            _plain(row)
            for row in LogEntry.objects.filter(user=user).values(
                "action_time", "action_flag", "object_repr", "change_message"
            )
        ],
    }
    for model, user_fields in sorted(walked_models().items(), key=lambda pair: pair[0]._meta.label):
        rows = _rows(model, user_fields, user)
        if model is Event:
            for row in rows:
                if row["kind"].startswith(ABOUT_SOMEONE_ELSE):
                    row["subject"] = row["detail"] = ""
        if rows:
            data["activity"][model._meta.label_lower] = rows
    return data


# Deleting an account --------------------------------------------------------------------------


def deleted_name():
    with translation.override("sv"):
        return str(DELETED_NAME)


def blocking_collaborations(user):
    """Collaborations where ``user`` is the last coordinator and others are members: the role is
    handed over before the account can be deleted."""
    other_coordinators = Membership.objects.filter(
        collaboration=OuterRef("collaboration"), role=Role.COORDINATOR
    ).exclude(user=user)
    other_members = Membership.objects.filter(collaboration=OuterRef("collaboration")).exclude(user=user)
    ids = (
        Membership.objects.filter(user=user, role=Role.COORDINATOR)
        .filter(~Exists(other_coordinators), Exists(other_members))
        .values("collaboration_id")
    )
    return list(Collaboration.objects.filter(pk__in=ids).order_by("title"))


def refusal_message(collaborations):
    titles = ", ".join(f"”{c.title}”" for c in collaborations)
    return _(
        "Du är den enda samordnaren i %(titles)s. Ge rollen samordnare till någon annan där först "
        "(under Personer), sedan kan du radera ditt konto."
    ) % {"titles": titles}


def blocking_parties(user):
    """Collaborations (not already blocking) where ``user`` is the only coordinator of their party and
    the party has other people: the last-coordinator rule holds per party (projects.organisations),
    so a colleague takes the role over first."""
    other_coordinators = Membership.objects.filter(party=OuterRef("party"), role=Role.COORDINATOR).exclude(user=user)
    other_people = Membership.objects.filter(party=OuterRef("party")).exclude(user=user)
    ids = (
        Membership.objects.filter(user=user, role=Role.COORDINATOR)
        .filter(~Exists(other_coordinators), Exists(other_people))
        .values("collaboration_id")
    )
    blocking = {c.pk for c in blocking_collaborations(user)}
    return list(Collaboration.objects.filter(pk__in=ids).exclude(pk__in=blocking).order_by("title"))


def party_refusal_message(collaborations):
    titles = ", ".join(f"”{c.title}”" for c in collaborations)
    return _(
        "Du är den enda samordnaren för din organisation i %(titles)s. Ge rollen till en kollega där "
        "(under Personer), eller be organisationens administratör att lämna över dina roller (under "
        "Medlemmar), sedan kan du radera ditt konto."
    ) % {"titles": titles}


def blocking_organisations(user):
    """Organisations where ``user`` is the only administrator and others are members: somebody else
    is made administrator before the account can be deleted."""
    admins = OrganisationMember.objects.filter(role=OrgRole.ADMIN)
    other_admins = admins.filter(organisation=OuterRef("organisation")).exclude(user=user)
    other_members = OrganisationMember.objects.filter(organisation=OuterRef("organisation")).exclude(user=user)
    ids = (
        OrganisationMember.objects.filter(user=user, role=OrgRole.ADMIN)
        .filter(~Exists(other_admins), Exists(other_members))
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def organisation_refusal_message(organisations):
    names = ", ".join(o.name for o in organisations)
    return _(
        "Du är den enda administratören för %(names)s. Gör någon annan till administratör där först "
        "(under Medlemmar), sedan kan du radera ditt konto."
    ) % {"names": names}


def _mentions(name):
    """A pattern finding ``name`` as a whole word or phrase (so that "Bo" leaves "Boende" alone)."""
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


def _replace_in_texts(value, patterns, replacement):
    """``Event.texts`` (EventTexts kept as data) with ``patterns`` replaced in every string in it:
    the parameters (a name, a title, a comment), nested texts and their msgids alike."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, dict):
        return {key: _replace_in_texts(item, patterns, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in_texts(item, patterns, replacement) for item in value]
    return value


def _replace_mentions(queryset, names, replacement):
    """Replace ``names`` in the ``subject`` and ``detail`` of the queryset's history entries, and in
    their ``texts`` where the model keeps them (``Event``: the same text as data, shown in the
    reader's language; it must not keep the name either)."""
    names = sorted({n for n in names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return 0
    model = queryset.model
    subject_length = model._meta.get_field("subject").max_length
    detail_length = model._meta.get_field("detail").max_length
    has_texts = any(field.name == "texts" for field in model._meta.get_fields())
    fields = ["subject", "detail", "texts"] if has_texts else ["subject", "detail"]
    mentions = Q()
    for name in names:
        mentions |= Q(subject__icontains=name) | Q(detail__icontains=name)
        if has_texts:
            # The JSON as stored: the name as it is, or escaped (\u00e5) where the encoder escapes it.
            mentions |= Q(texts__icontains=name) | Q(texts__icontains=json.dumps(name)[1:-1])
    candidates = queryset.filter(mentions).only("pk", *fields)
    patterns = [_mentions(name) for name in names]
    changed = []
    for event in candidates.iterator(chunk_size=500):
        subject, detail = event.subject, event.detail
        for pattern in patterns:
            subject = pattern.sub(replacement, subject)
            detail = pattern.sub(replacement, detail)
        texts = _replace_in_texts(event.texts, patterns, replacement) if has_texts else None
        if (subject, detail) != (event.subject, event.detail) or (has_texts and texts != event.texts):
            event.subject, event.detail = subject[:subject_length], detail[:detail_length]
            if has_texts:
                event.texts = texts
            changed.append(event)
    model.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def _replace_in_events(collaboration_ids, names, replacement):
    events = Event.objects.filter(collaboration_id__in=collaboration_ids).exclude(kind__in=DECISION_KINDS)
    return _replace_mentions(events, names, replacement)


def _end_sessions(user):
    from allauth.usersessions.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for session in UserSession.objects.filter(user=user):
        store.delete(session.session_key)
    UserSession.objects.filter(user=user).delete()


@transaction.atomic
def delete_account(user, *, confirm_email):
    """Delete the account of ``user`` (see the module's docstring). ``confirm_email`` must be the
    account's address. Raises AccountDeletionRefused, and then nothing has changed."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if (confirm_email or "").strip().lower() != user.email.lower():
        raise AccountDeletionRefused(_("E-postadressen stämmer inte med ditt konto. Inget har raderats."))
    # Lock the coordinators of the person's collaborations: nobody hands over or leaves meanwhile.
    collaboration_ids = list(Membership.objects.filter(user=user).values_list("collaboration_id", flat=True))
    list(Membership.objects.select_for_update().filter(collaboration_id__in=collaboration_ids, role=Role.COORDINATOR))
    # Likewise the administrators of the person's organisations.
    organisation_ids = list(OrganisationMember.objects.filter(user=user).values_list("organisation_id", flat=True))
    list(
        OrganisationMember.objects.select_for_update().filter(organisation_id__in=organisation_ids, role=OrgRole.ADMIN)
    )
    blocking = blocking_collaborations(user)
    blocking_by_party = blocking_parties(user)
    blocking_orgs = blocking_organisations(user)
    if blocking or blocking_by_party or blocking_orgs:
        reasons = [refusal_message(blocking)] if blocking else []
        reasons += [party_refusal_message(blocking_by_party)] if blocking_by_party else []
        reasons += [organisation_refusal_message(blocking_orgs)] if blocking_orgs else []
        raise AccountDeletionRefused(" ".join(reasons), blocking + blocking_by_party, organisations=blocking_orgs)

    replacement = deleted_name()
    old_name, old_email = user.full_name, user.email
    new_email = f"borttagen-{user.pk}@invalid"

    # The activity list: the decision kinds keep their name; the others show the live name.
    Event.objects.filter(actor=user).exclude(kind__in=DECISION_KINDS).update(actor_name="")
    # Where the name may stand: the person's collaborations now and before (joined through an
    # invitation, or acted in).
    mentioned_in = (
        set(collaboration_ids)
        | set(
            Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=old_email)).values_list(
                "collaboration_id", flat=True
            )
        )
        | set(Event.objects.filter(actor=user).values_list("collaboration_id", flat=True).distinct())
    )
    _replace_in_events(mentioned_in, [old_name, old_email], replacement)
    # The organisations' history likewise (no entry there is a decision): the person's organisations
    # now and before, and those they asked to join, claimed, were invited to or acted in.
    organisations_mentioning = (
        set(organisation_ids)
        | set(JoinRequest.objects.filter(user=user).values_list("organisation_id", flat=True))
        | set(OrganisationClaim.objects.filter(user=user).values_list("organisation_id", flat=True))
        | set(
            OrganisationInvitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=old_email)).values_list(
                "organisation_id", flat=True
            )
        )
        | set(OrganisationEvent.objects.filter(actor=user).values_list("organisation_id", flat=True).distinct())
    )
    OrganisationEvent.objects.filter(actor=user).update(actor_name="")
    _replace_mentions(
        OrganisationEvent.objects.filter(organisation_id__in=organisations_mentioning),
        [old_name, old_email],
        replacement,
    )
    # Meetings: a locked protocol is a record; other meetings show the replaced name.
    locked = Meeting.objects.filter(pk=OuterRef("meeting_id"), minutes_locked_at__isnull=False)
    MeetingParticipant.objects.filter(user=user).exclude(Exists(locked)).update(name=replacement)

    Invitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).delete()
    Invitation.objects.filter(Q(email__iexact=old_email) | Q(accepted_by=user)).update(email=new_email)
    Membership.objects.filter(user=user).delete()
    OrganisationInvitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).delete()
    OrganisationInvitation.objects.filter(Q(email__iexact=old_email) | Q(accepted_by=user)).update(email=new_email)
    OrganisationMember.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user, answered_at__isnull=True).delete()
    OrganisationClaim.objects.filter(user=user, resolved_at__isnull=True).delete()
    organisation_policy.forget(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=old_email).delete()
    _end_sessions(user)

    user.full_name = replacement
    user.email = new_email
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # The other members see that someone left (the list of people no longer shows them).
    for collaboration in Collaboration.objects.filter(pk__in=collaboration_ids):
        Event.record(
            collaboration,
            user,
            Event.Kind.MEMBER_REMOVED,
            EventText.label(DELETED_NAME),
            EventText(gettext_noop("Kontot raderat")),
        )
    # And the organisations' members (recorded after the name is replaced: nothing keeps the old one).
    for organisation in Organisation.objects.filter(pk__in=organisation_ids):
        organisation_services.record(organisation, user, "member.left", replacement, _("Kontot raderat"))
    return user


# Retention ------------------------------------------------------------------------------------


def retention():
    """How long what is kept only for a while is kept: the privacy page and purge_personal_data
    both read it, so they cannot disagree."""
    return {
        "login_records_days": settings.LOGIN_RECORDS_DAYS,
        "ended_invitations_days": settings.ENDED_INVITATIONS_DAYS,
        "invitation_valid_days": settings.INVITATION_VALID_DAYS,
        "session_hours": max(1, settings.SESSION_COOKIE_AGE // 3600),
        "stash_hours": 2,
    }


def _deleted(queryset):
    """Delete and count the rows of the queryset's own model (not what cascades with them)."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def purge(now=None):
    """Delete what is kept only for a while; returns {what: count}."""
    from allauth.usersessions.models import UserSession
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    counts = {}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        counts["sessions"] = _deleted(Session.objects.filter(expire_date__lt=now))
        gone = ~Exists(Session.objects.filter(session_key=OuterRef("session_key")))
        counts["usersessions"] = _deleted(UserSession.objects.filter(gone))
    else:
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        counts["sessions"] = 0
        counts["usersessions"] = 0
    stale = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    counts["usersessions"] += _deleted(UserSession.objects.filter(last_seen_at__lt=stale))

    cutoff = now - timedelta(days=settings.LOGIN_RECORDS_DAYS)
    counts["login_records"] = sum(
        _deleted(model.objects.filter(attempt_time__lt=cutoff))
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )
    ended = now - timedelta(days=settings.ENDED_INVITATIONS_DAYS)
    counts["invitations"] = _deleted(
        Invitation.objects.filter(
            Q(revoked_at__lt=ended) | Q(revoked_at__isnull=True, expires_at__lt=ended), accepted_at__isnull=True
        )
    )
    return counts
