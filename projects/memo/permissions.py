"""Who prepares the official's decision memo (tjänsteskrivelse): the public party's writers (its
editors and coordinators). The memo goes to the public party's committee; the civil-society
parties decide in their own bodies and do not see it."""

from projects.core.permissions import Action, register


def _public_party(membership, _party=None):
    return membership.party.organisation.is_public


PREPARE = register(
    "memo.prepare",
    "skriva och ladda ner tjänsteskrivelsen till nämnden (den offentliga partens skribenter)",
    Action.EDIT,
    check=_public_party,
)
