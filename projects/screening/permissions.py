"""Who may do what in the legal screening: declared in the collaboration policy
(projects/core/permissions.py), asked by the views.

Everyone in the collaboration reads it. The answers are the municipality's reasoning (its competence,
whether it must procure, whether its support is state aid): the collaboration's coordinators and the
public parties' writers answer them. A civil-society party's own writers may record their own
registration in Kammarkollegiet's register as well (they know it best); the coordinators and the
public parties' writers may record any party's.
"""

from projects.core.permissions import Action, is_coordinator_role, register


def _public_writer(membership):
    return is_coordinator_role(membership.role) or membership.party.organisation.is_public


def _answers(membership, collaboration):
    """The questions are answered by a coordinator or a writer of a public party."""
    return _public_writer(membership)


def _registration(membership, party):
    """A party's registration: its own writers, a public party's writers, or a coordinator."""
    return membership.party_id == party.pk or _public_writer(membership)


VIEW = register("screening.view", "läsa den rättsliga genomgången och de låsta versionernas svar", Action.VIEW)
ANSWER = register(
    "screening.answer", "besvara den rättsliga genomgångens frågor och skriva motiveringar", Action.EDIT, check=_answers
)
RECORD_REGISTRATION = register(
    "screening.record_registration",
    "ange om en idéburen part finns i Kammarkollegiets register",
    Action.EDIT,
    check=_registration,
)
