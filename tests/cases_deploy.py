"""Permission-matrix cases for the site's own pages outside the apps (merged into
tests/test_permission_matrix.py).

``/halsa/`` answers everyone, logged in or not: a load balancer has no account. The about page is
public too.
"""

from tests.matrix import OK, PUBLIC_PAGE, ROLES, Case

CASES = {
    "health": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
    "about": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
}
