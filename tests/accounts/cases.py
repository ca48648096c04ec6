"""Permission-matrix cases for the account's URLs: the profile and personal data (merged into
tests/test_permission_matrix.py).

The profile is everyone's own; the privacy page is public; downloading one's data and deleting one's
account are for everyone logged in, each for their own account only (there is no URL naming another
person). The delete page is checked with GET: a POST would delete the account the rest of the matrix
logs in with.
"""

from tests.matrix import LOGGED_IN, OK, PUBLIC_PAGE, ROLES, Case, everyone

CASES = {
    "accounts:profile": Case(expect=everyone(OK), perm=LOGGED_IN),
    "personal_data:privacy": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
    "personal_data:download": Case(expect=everyone(OK), perm=LOGGED_IN),
    "personal_data:delete": Case(expect=everyone(OK), perm=LOGGED_IN),
}
