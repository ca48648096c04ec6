"""Permission-matrix cases for the phases URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from projects.core.models import Collaboration
from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def _in_formulering(ctx):
    """Stepping back needs a phase to step back to."""
    Collaboration.objects.filter(pk=ctx["collaboration"].pk).update(phase="formulering")
    return pk(ctx)


def _phase(ctx):
    from projects.phases.models import PhaseChange

    phase = Collaboration.objects.filter(pk=ctx["collaboration"].pk).values_list("phase", flat=True)
    changes = PhaseChange.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(phase), list(changes.values_list("from_phase", "to_phase", "note"))


def _map(ctx):
    from projects.phases.models import MapEntry

    rows = MapEntry.objects.filter(collaboration=ctx["collaboration"]).order_by("phase")
    return list(rows.values_list("phase", "planned_level_id", "actual_level_id", "note"))


def _periods(ctx):
    this = Collaboration.objects.filter(pk=ctx["collaboration"].pk).values_list("archived", flat=True)
    following = Collaboration.objects.filter(previous_period=ctx["collaboration"]).values_list("pk", "period")
    return list(this), list(following)


CASES = {
    # Members read the phases page with the map; coordinators move the phase and start a new period;
    # editors and coordinators mark the map.
    "projects:phases": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="phases.view"),
    "projects:phase_advance": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"fran": "agendasattning"},
        expect=MANAGE,
        effect=_phase,
        perm="phases.change_phase",
    ),
    "projects:phase_back": Case(
        kwargs=_in_formulering,
        method="post",
        data=lambda ctx: {"fran": "formulering", "comment": "Vi behöver formulera problemet igen."},
        expect=MANAGE,
        effect=_phase,
        perm="phases.change_phase",
    ),
    "projects:map_save": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"agendasattning-planned": "dialog"},
        expect=EDIT,
        effect=_map,
        perm="phases.edit_map",
    ),
    # Its instance rule: once per period (phases.services.can_start_period).
    "projects:period_start": Case(kwargs=pk, method="post", expect=MANAGE, effect=_periods, perm="phases.start_period"),
}
