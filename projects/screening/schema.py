"""The legal screening's part of the collaboration file (the mechanism: projects.common.schema).
A new period is screened anew (nothing is carried): the old period's answers stay with its versions."""

from projects.common.schema import Node, _by
from projects.screening.models import ScreeningAnswer, ScreeningRegistration

NODES = (
    Node(
        "screening_answers",
        ScreeningAnswer,
        "question answer reason ground ground_other version updated_by updated_at",
        **_by("question"),
        unique=("question",),
    ),
    Node(
        "screening_registrations",
        ScreeningRegistration,
        "party status checked_on note version updated_by updated_at",
        **_by("party"),
        unique=("party",),
    ),
)
