"""Permission-matrix cases for the guide library (merged into tests/test_permission_matrix.py): open
to everyone logged in."""

from tests.matrix import LOGGED_IN, OK, Case, everyone

CASES = {
    "guides:library": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:guide": Case(kwargs=lambda ctx: {"guide_slug": "mucf"}, expect=everyone(OK), perm=LOGGED_IN),
    "guides:section": Case(
        kwargs=lambda ctx: {"guide_slug": "mucf", "section_slug": "mucf-status"}, expect=everyone(OK), perm=LOGGED_IN
    ),
    "guides:principles": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:forms": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:levels": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:tools": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:templates": Case(expect=everyone(OK), perm=LOGGED_IN),
    "guides:search": Case(data=lambda ctx: {"q": "mandat"}, expect=everyone(OK), perm=LOGGED_IN),
}
