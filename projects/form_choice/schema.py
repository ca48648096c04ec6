"""The form choice's part of the collaboration file (the mechanism: projects.common.schema)."""

from projects.common.schema import Node, _by
from projects.form_choice.models import FormChoice, FormQuestionnaire

NODES = (
    Node("form_questionnaire", FormQuestionnaire, "answers updated_by updated_at", one=True),
    Node("form_choices", FormChoice, "form answers recommendation note chosen_by chosen_at", **_by("chosen_at")),
)
