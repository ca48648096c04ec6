"""The principles' part of the collaboration file (the mechanism: projects.common.schema)."""

from django.db import models

from projects.common.schema import USER, Carry, Node, _by
from projects.principles.models import PrincipleCommitment, PrincipleConcern

# fmt: off
NODES = (
    Node("principle_commitments", PrincipleCommitment, "principle text version updated_by updated_at",
         unique=("principle",), carry=Carry("principle text", rows=~models.Q(text=""), version=1, updated_by=USER)),
    Node("principle_concerns", PrincipleConcern, "principle party raised_by text created_at resolved_by "
         "resolved_at resolution", **_by("created_at")),
)
# fmt: on
