"""What can be done about two-factor login in a collaboration, and who may: declared in the
collaboration policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register

VIEW = register("security.view", "se om samverkan kräver tvåstegsinloggning och sin egen inloggning", Action.VIEW)
REQUIRE_MFA = register(
    "security.require_mfa",
    "kräva tvåstegsinloggning i samverkan eller ta bort kravet, och se vilka som använder den",
    Action.MANAGE,
)
