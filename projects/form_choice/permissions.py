"""What can be done in choosing a form of collaboration, and who may: declared in the collaboration
policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register

VIEW = register("form_choice.view", "läsa frågorna, svaren, resultatet och de valda formerna", Action.VIEW)
ANSWER = register("form_choice.answer", "besvara frågorna om samverkansform och börja om", Action.EDIT)
CHOOSE = register("form_choice.choose", "välja samverkansform", Action.MANAGE)
