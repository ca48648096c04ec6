"""Who may export a collaboration: declared in the collaboration policy (projects/core/permissions.py).
Importing needs no collaboration: anyone logged in imports into a new one of their own."""

from projects.core.permissions import Action, register

# The export names people and their e-mail addresses: coordinators only, also of an archived
# period (exporting changes nothing).
EXPORT = register(
    "transfer.export",
    "exportera hela samverkan som fil (med personernas e-postadresser)",
    Action.MANAGE,
    archived=True,
)
