"""Permission-matrix cases for two-factor login in a collaboration (projects/urls_security.py).

Every member reads the security page (whether two-factor login is required, and their own status);
coordinators switch the requirement. ``mfa_required`` is the page a member is sent to when the
collaboration requires two-factor login they lack: members only (outsiders get the same 404 as for
a collaboration that does not exist); in the matrix's collaboration nothing is required, so a
member is sent straight on to the collaboration (a redirect: "ok").

The coordinator in the matrix does not use two-factor login, so switching the requirement on is
refused (tests/test_mfa.py tests both ways): the matrix GETs the confirmation page instead.
"""

from tests.matrix import LOGIN, MANAGE, MEMBERS_VIEW, OK, Case, pk

CASES = {
    "projects:security": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:security_require": Case(kwargs=pk, expect=MANAGE),
    "projects:security_release": Case(kwargs=pk, method="post", expect=MANAGE),
    "projects:mfa_required": Case(
        kwargs=pk, expect={"anonymous": LOGIN, "outsider": 404, "reader": OK, "editor": OK, "coordinator": OK}
    ),
}
