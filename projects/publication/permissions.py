"""Who consents to, publishes and withdraws the public page of a decided agreement: declared in the
collaboration policy (projects/core/permissions.py), asked by the views.

Consent is the party's own decision, so it is recorded by those who record the party's decisions
(the firmatecknare or a delegate marked on the people page; while nobody is marked, the party's
coordinators; where it has none, its editors: the agreement's RECORD_DECISION rule). Publishing is a
coordinator's act, once every party has consented. Any party can take the page down: its
coordinators, or those who record its decisions (so a party without a coordinator is never stuck),
also in an archived collaboration."""

from projects.agreements.permissions import RECORD_DECISION
from projects.core.permissions import Action, is_coordinator_role, policy, register


def _records_for_party(membership, party):
    """For one's own party, and only one who records its decisions (RECORD_DECISION's rule)."""
    return policy.membership_has_permission(membership, RECORD_DECISION, party)


def _coordinator_or_recorder(membership, party):
    """A coordinator of any party, or one who records the decisions of their own ``party``."""
    return is_coordinator_role(membership.role) or _records_for_party(membership, party)


VIEW = register("publication.view", "se om överenskommelsen är publicerad och vilka parter som samtyckt", Action.VIEW)
CONSENT = register(
    "publication.consent",
    "samtycka till att den beslutade överenskommelsen publiceras, och ta tillbaka samtycket innan den "
    "publicerats, för den egna parten (de som registrerar partens beslut)",
    Action.EDIT,
    check=_records_for_party,
)
PUBLISH = register(
    "publication.publish", "publicera den beslutade överenskommelsen när alla parter samtyckt", Action.MANAGE
)
WITHDRAW = register(
    "publication.withdraw",
    "återkalla publiceringen (en samordnare, eller den som registrerar den egna partens beslut)",
    Action.EDIT,
    check=_coordinator_or_recorder,
    archived=True,
)
