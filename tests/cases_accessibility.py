"""Permission-matrix cases for the accessibility statement, its feedback form and the favicon (merged into
tests/test_permission_matrix.py).

All three are public: the law asks that anyone can read the statement and report a barrier, logged in or
not. Each role's report reaches the service owner as one e-mail (the limit per address, five an hour, is
not reached by the matrix's five roles).
"""

from tests.matrix import OK, PUBLIC_PAGE, ROLES, Case


def _report(ctx):
    return {"page": "/om/", "description": "Länkarna syns inte i mörkt läge.", "email": "", "website": ""}


def _mails_to_the_service_owner(ctx):
    from django.conf import settings
    from django.core import mail

    return [message.subject for message in mail.outbox if settings.SERVICE_OWNER_EMAIL in message.to]


CASES = {
    "accessibility": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
    "accessibility_feedback": Case(
        method="post",
        data=_report,
        expect=dict.fromkeys(ROLES, OK),
        effect=lambda ctx: len(_mails_to_the_service_owner(ctx)),
        perm=PUBLIC_PAGE,
    ),
    "favicon": Case(expect=dict.fromkeys(ROLES, OK), perm=PUBLIC_PAGE),
}
