"""The checklists' part of the collaboration file (the mechanism: projects.common.schema)."""

from django.db import models

from projects.checklists.models import Answer, AnswerRevision, AnswerStatus, ChecklistSection, Comment, Confirmation
from projects.common.schema import MADE_HERE, Carry, Node, _by, _revisions

# fmt: off
NODES = (
    Node("checklists", ChecklistSection, "section answer_mode active due_date", unique=("section",),
         actor=("added_by",),
         defaults={"answer_mode": "joint"}, carry=Carry("section answer_mode", rows=models.Q(active=True))),
    Node("answers", Answer, "item party text status version updated_by updated_at", unique=("item", "party"),
         carry=Carry("item party text updated_by updated_at", rows="evaluation", status="discussed", version=1),
         children=(
             Node("revisions", AnswerRevision, "version text status author created_at restored_from",
                  **_revisions(Answer.MAX_LENGTH, defaults={"status": AnswerStatus.NOT_STARTED})),
             Node("confirmations", Confirmation, "party version confirmed_by created_at", unique=("party",)),
         )),
    Node("comments", Comment, "item party author text created_at", **_by("created_at")),
)
# fmt: on

EXCLUDED = {ChecklistSection: {"created_at": MADE_HERE}}
