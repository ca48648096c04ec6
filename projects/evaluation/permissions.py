"""What can be done on the evaluation page, and who may: declared in the collaboration policy
(projects/core/permissions.py). Exporting the whole collaboration is transfer's
(``transfer.export``); adding the evaluation's checklist section is the checklists'."""

from projects.core.permissions import Action, register

VIEW = register("evaluation.view", "läsa utvärderingen och ladda ner dess bilaga", Action.VIEW)
