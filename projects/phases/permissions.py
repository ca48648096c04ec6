"""What can be done with the phases, the map and the periods, and who may: declared in the
collaboration policy (projects/core/permissions.py), asked by the views."""

from projects.core.permissions import Action, register


def _period_may_start(membership, collaboration):
    """Once per period: not when a next period is started already, nor from an archived period
    (projects.phases.services.can_start_period says why, for the person)."""
    from projects.phases.services import can_start_period

    return can_start_period(collaboration) is None


VIEW = register("phases.view", "läsa faserna, tidslinjen och samverkanskartan", Action.VIEW)
CHANGE_PHASE = register("phases.change_phase", "flytta samverkan till nästa eller föregående fas", Action.MANAGE)
EDIT_MAP = register("phases.edit_map", "fylla i samverkanskartan", Action.EDIT)
# Reached also from an archived period: its coordinator is told why it cannot start (not a 403).
START_PERIOD = register(
    "phases.start_period",
    "påbörja nästa period av samverkan",
    Action.MANAGE,
    check=_period_may_start,
    archived=True,
)
