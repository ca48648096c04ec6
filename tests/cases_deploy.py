"""Permission-matrix case for the health check (merged into tests/test_permission_matrix.py).

``/halsa/`` answers everyone, logged in or not: a load balancer has no account.
"""

from tests.matrix import OK, ROLES, Case

CASES = {
    "health": Case(expect=dict.fromkeys(ROLES, OK)),
}
