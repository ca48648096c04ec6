"""Permission-matrix cases for the evaluation URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from tests.matrix import LOGGED_IN, MANAGE, MEMBERS_VIEW, OK, Case, everyone, pk

CASES = {
    # Every member reads the evaluation and downloads its appendix.
    "projects:evaluation": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="evaluation.view"),
    "projects:evaluation_pdf": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="evaluation.view"),
    # The export names people and their e-mail addresses: coordinators only.
    "projects:collaboration_export": Case(kwargs=pk, expect=MANAGE, perm="transfer.export"),
    # Anyone logged in may import a file into a new collaboration of their own.
    "projects:collaboration_import": Case(expect=everyone(OK), perm=LOGGED_IN),
}
