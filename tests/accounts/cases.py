"""Permission-matrix cases for the personal-data URLs (merged into tests/test_permission_matrix.py).

The privacy page is public; downloading one's data and deleting one's account are for everyone
logged in, each for their own account only (there is no URL naming another person). The delete page
is checked with GET: a POST would delete the account the rest of the matrix logs in with.
"""

from tests.matrix import OK, ROLES, Case, everyone

CASES = {
    "personal_data:privacy": Case(expect=dict.fromkeys(ROLES, OK)),
    "personal_data:download": Case(expect=everyone(OK)),
    "personal_data:delete": Case(expect=everyone(OK)),
}
