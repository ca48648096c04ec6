"""What can be done with the stakeholders and the risks, and who may: declared in the collaboration
policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register

VIEW = register("stakeholders.view", "läsa intressenterna och riskerna och ladda ner dem", Action.VIEW)
EDIT_STAKEHOLDERS = register(
    "stakeholders.edit_stakeholders", "lägga till, ändra, flytta och ta bort intressenter", Action.EDIT
)
EDIT_RISKS = register("stakeholders.edit_risks", "lägga till, ändra och stänga risker", Action.EDIT)
