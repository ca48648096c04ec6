"""The phases' and the map's part of the collaboration file (the mechanism: projects.common.schema)."""

from django.db import models

from projects.common.schema import USER, Carry, Node, _by
from projects.phases.models import MapEntry, PhaseChange

MAP = Node(
    "map", MapEntry, "phase planned_level actual_level note updated_by updated_at", unique=("phase",),
    carry=Carry("phase planned_level", rows=models.Q(planned_level__isnull=False), updated_by=USER),
)  # fmt: skip
PHASE_CHANGES = Node(
    "phase_changes", PhaseChange, "from_phase to_phase note open_items changed_by changed_at", **_by("changed_at")
)
NODES = (MAP, PHASE_CHANGES)
