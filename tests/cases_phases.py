"""Permission-matrix cases for the phases URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from projects.models import Collaboration
from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def _in_formulering(ctx):
    """Stepping back needs a phase to step back to."""
    Collaboration.objects.filter(pk=ctx["collaboration"].pk).update(phase="formulering")
    return pk(ctx)


CASES = {
    # Members read the phases page with the map; coordinators move the phase and start a new period;
    # editors and coordinators mark the map.
    "projects:phases": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:phase_advance": Case(
        kwargs=pk, method="post", data=lambda ctx: {"fran": "agendasattning"}, expect=MANAGE
    ),
    "projects:phase_back": Case(
        kwargs=_in_formulering,
        method="post",
        data=lambda ctx: {"fran": "formulering", "comment": "Vi behöver formulera problemet igen."},
        expect=MANAGE,
    ),
    "projects:map_save": Case(
        kwargs=pk, method="post", data=lambda ctx: {"agendasattning-planned": "dialog"}, expect=EDIT
    ),
    "projects:period_start": Case(kwargs=pk, method="post", expect=MANAGE),
}
