"""Permission-matrix cases for the records (merged into tests/test_permission_matrix.py).

The check page is public: anyone holding a file may check it, logged in or not (what an upload answers is
tested in tests/records/test_records.py; the page only reads)."""

from tests.matrix import OK, PUBLIC_PAGE, ROLES, Case

CASES = {
    "projects:document_check": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
}
