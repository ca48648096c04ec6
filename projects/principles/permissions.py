"""What can be done with the principles, and who may: declared in the collaboration policy
(projects/core/permissions.py), asked by the views. Tagging the agreement's sections with principles
is writing the agreement (projects/agreements/permissions.py, ``agreements.write_section``)."""

from projects.core.permissions import Action, register

VIEW = register("principles.view", "läsa principerna, samverkans formuleringar och de flaggade problemen", Action.VIEW)
FORMULATE = register("principles.formulate", "skriva samverkans formulering av en princip", Action.EDIT)
# Any member raises a concern, readers too; an archived collaboration is read only.
RAISE_CONCERN = register(
    "principles.raise_concern",
    "flagga ett problem med en princip (alla medlemmar, även läsare)",
    Action.VIEW,
    archived=False,
)
RESOLVE_CONCERN = register("principles.resolve_concern", "markera ett problem med en princip som löst", Action.MANAGE)
