"""What can be done with the budget, and who may: declared in the collaboration policy
(projects/core/permissions.py), asked by the views.

Everyone in the collaboration reads the budget and downloads it. Each party's editors and
coordinators write their own party's lines; the collaboration's coordinators write every party's
(a party without anyone who writes still gets its lines in). Whether the planned figures may change
(only while the agreement is a draft) is the data's rule, not a person's: projects.budget.services.
"""

from projects.core.permissions import Action, is_coordinator_role, register


def _own_party_or_coordinator(membership, obj):
    """``obj`` is a budget line or a party: its party's own writers, or a coordinator."""
    if is_coordinator_role(membership.role):
        return True
    party_id = getattr(obj, "party_id", None) if not hasattr(obj, "organisation_id") else obj.pk
    return party_id is not None and party_id == membership.party_id


VIEW = register("budget.view", "läsa budgeten och ladda ner den som kalkylark", Action.VIEW)
EDIT_LINE = register(
    "budget.edit_line",
    "lägga till, ändra och ta bort budgetrader för den egna parten (samordnare: för alla parter)",
    Action.EDIT,
    check=_own_party_or_coordinator,
)
