"""Who may see and record de minimis aid.

In a collaboration: every member reads the page (the recipients' totals, this collaboration's grants);
a grant is recorded by an editor or coordinator of a public party, for that party's organisation (the
granting organisation is always the recorder's own: nobody records aid on another's behalf).

For an organisation (its own page, projects/organisations' policy): its members and the service's
staff read its grants, look up any organisationsnummer's totals and download the export
(``organisations.view_register``); its own members (not staff, who do not speak for it) record aid it
granted outside the app. Only a public organisation grants aid; the page of another is 404.
"""

from projects.core.permissions import Action, register
from projects.organisations.permissions import policy as organisation_policy


def _public_party(membership, party):
    """The grant is recorded for the recorder's own party, and that party is public."""
    return membership.party_id == party.pk and party.organisation.is_public


VIEW = register("state_aid.view", "läsa stöd av mindre betydelse: mottagarnas summor och samverkans stöd", Action.VIEW)
RECORD = register(
    "state_aid.record",
    "registrera stöd av mindre betydelse som den egna offentliga parten beviljar",
    Action.EDIT,
    check=_public_party,
)


def may_record_outside(user, organisation):
    """Aid granted outside the app is entered by the public organisation's own members."""
    return organisation.is_public and organisation_policy.is_member(user, organisation)
