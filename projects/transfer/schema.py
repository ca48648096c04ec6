"""The collaboration file: the document put together from every feature's part of it.

Each feature declares its nodes in its own ``schema.py`` (``NODES``; ``EXCLUDED``, the fields of its
models the file leaves out, with the reason; ``EXCLUDED_MODELS``, its models the file leaves out); the
mechanism (a :class:`~projects.common.schema.Node` per model, its pydantic model, what a new period
carries over) is projects.common.schema. tests/transfer/test_transfer_schema.py fails on a concrete
model field that is neither in the file nor excluded with a reason.
"""

from functools import cache

from pydantic import create_model

from projects.agreements import schema as agreements
from projects.budget import schema as budget
from projects.checklists import schema as checklists
from projects.common.schema import (  # noqa: F401  (the names projects.transfer and the new period use)
    DATETIME,
    ERRORS,
    Int,
    Str,
    _children,
    carry_over,
    copy_row,
    kind,
    message,
    model,
    where,
)
from projects.core import schema as core
from projects.core.schema import ORGANISATION  # noqa: F401
from projects.form_choice import schema as form_choice
from projects.goals import schema as goals
from projects.meetings import schema as meetings
from projects.memo import schema as memo
from projects.notifications import schema as notifications
from projects.phases import schema as phases
from projects.principles import schema as principles
from projects.publication import schema as publication
from projects.records import schema as records
from projects.reports import schema as reports
from projects.screening import schema as screening
from projects.stakeholders import schema as stakeholders
from projects.state_aid import schema as state_aid

FEATURES = (
    core, checklists, agreements, form_choice, phases, principles, stakeholders, goals, meetings, notifications,
    reports, screening, state_aid, budget, publication, memo, records,
)  # fmt: skip
# The order of the lists in the file (version 1 of the format).
ORDER = [  # fmt: skip
    "parties",
    "people",
    "checklists",
    "answers",
    "comments",
    "agreements",
    "form_questionnaire",
    "form_choices",
    "map",
    "principle_commitments",
    "principle_concerns",
    "phase_changes",
    "stakeholders",
    "risks",
    "goals",
    "meetings",
    "logged_decisions",
    "report_plan",
    "reports",
    "screening_answers",
    "screening_registrations",
    "budget_lines",
]

_nodes = {node.key: node for feature in FEATURES for node in feature.NODES}
assert set(_nodes) == set(ORDER), set(_nodes) ^ set(ORDER)
DOCUMENT = core.document(children=tuple(_nodes[key] for key in ORDER))
NODES = {node.key: node for node in DOCUMENT.children}
EXCLUDED = {model: fields for feature in FEATURES for model, fields in getattr(feature, "EXCLUDED", {}).items()}
EXCLUDED_MODELS = {
    model: reason for feature in FEATURES for model, reason in getattr(feature, "EXCLUDED_MODELS", {}).items()
}


@cache
def document_model():
    """The pydantic model of the whole document (its format and version are checked before)."""
    head = {"format": (Str(50, blank=False), ...), "version": (Int(), ...), "exported_at": (DATETIME | None, None)}
    return create_model("Document", **head, collaboration=(model(DOCUMENT), ...), **_children(DOCUMENT.children))
