"""Permission-matrix cases for the meetings URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from tests.matrix import MEMBERS_VIEW, Case, pk

CASES = {
    "projects:meetings": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:decisions": Case(kwargs=pk, expect=MEMBERS_VIEW),
}
