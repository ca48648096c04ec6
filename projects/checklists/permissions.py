"""What can be done in the checklists, and who may: declared in the collaboration policy
(projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register


def _own_party(membership, party):
    """A party's own answer is written only by the members of that party (självständighet och
    oberoende). The object is the party whose answer it is; a joint answer names none."""
    return membership.party_id == party.pk


VIEW = register("checklists.view", "läsa checklistorna: svaren, historiken och kommentarerna", Action.VIEW)
EDIT_ANSWER = register(
    "checklists.edit_answer",
    "skriva det här svaret (ett gemensamt svar, eller den egna partens) och återställa en tidigare version",
    Action.EDIT,
    check=_own_party,
)
CONFIRM_ANSWER = register(
    "checklists.confirm_answer", "bekräfta det gemensamma svaret för den egna parten", Action.EDIT
)
COMMENT = register("checklists.comment", "kommentera en fråga", Action.EDIT)
MANAGE_SECTIONS = register(
    "checklists.manage_sections", "lägga till och ta bort avsnitt och välja hur de besvaras", Action.MANAGE
)
SET_DUE_DATE = register(
    "checklists.set_due_date", "ge ett avsnitt ett datum då det ska vara klart, ändra eller ta bort det", Action.MANAGE
)
