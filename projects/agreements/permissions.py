"""What can be done with the agreement, and who may: declared in the collaboration policy
(projects/core/permissions.py), asked by the views (and by the principles lens, which tags sections)."""

from projects.core.permissions import Action, is_coordinator_role, register


def _in_writing_group(membership, agreement):
    """The writing group (skrivgrupp) writes; while no group is chosen, every editor and coordinator
    does. Coordinators always may."""
    if is_coordinator_role(membership.role):
        return True
    writers = set(agreement.writers.values_list("pk", flat=True))
    return not writers or membership.pk in writers


def _own_party(membership, party):
    """Each party speaks for itself: its own people record its decision and its details."""
    return membership.party_id == party.pk


VIEW = register(
    "agreements.view",
    "läsa överenskommelsen, dess versioner, historik och kommentarer, och ladda ner den",
    Action.VIEW,
)
MANAGE = register(
    "agreements.manage",
    "påbörja överenskommelsen, ändra och utelämna avsnitt, välja skrivgruppen, frysa en version för beslut "
    "och påbörja ett nytt utkast",
    Action.MANAGE,
)
WRITE_SECTION = register(
    "agreements.write_section",
    "skriva i överenskommelsens avsnitt, återställa en tidigare version och märka avsnitten med principer",
    Action.EDIT,
    check=_in_writing_group,
)
RECORD_DECISION = register("agreements.record_decision", "registrera partens beslut", Action.EDIT, check=_own_party)
RECORD_PARTY_DETAILS = register(
    "agreements.record_party_details",
    "registrera partens diarienummer och undertecknare",
    Action.EDIT,
    check=_own_party,
)
COMMENT = register("agreements.comment", "kommentera ett avsnitt", Action.EDIT)
