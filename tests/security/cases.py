"""Permission-matrix cases for two-factor login in a collaboration (projects/security/urls.py).

Every member reads the security page (whether two-factor login is required, and their own status);
coordinators switch the requirement. ``mfa_required`` is the page a member is sent to when the
collaboration requires two-factor login they lack: members only (outsiders get the same 404 as for
a collaboration that does not exist); in the matrix's collaboration nothing is required, so a
member is sent straight on to the collaboration (a redirect: "ok").

The coordinator in the matrix does not use two-factor login, so switching the requirement on is
refused (tests/security/test_mfa.py tests both ways): the matrix GETs the confirmation page instead.
Releasing it is posted: that case first requires it, with every member using two-factor login in
the matrix's sessions, so that the effect (``require_mfa``) has something to change.
"""

from tests.matrix import LOGIN, MANAGE, MEMBERS_VIEW, OK, Case, pk


def _required_and_everyone_confirmed(ctx):
    """Releasing needs a requirement to release. Every member uses two-factor login and has confirmed
    it in the matrix's session, so that the requirement shuts nobody out: the reader and the editor
    are refused for their role (403), not sent to the mfa_required page."""
    import time
    from importlib import import_module

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings

    from projects.core.models import Collaboration

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    for role in ("reader", "editor", "coordinator"):
        user = ctx["users"][role]
        TOTP.activate(user, generate_totp_secret())
        session = SessionStore(session_key=ctx["sessions"][role])
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
    Collaboration.objects.filter(pk=ctx["collaboration"].pk).update(require_mfa=True)
    return pk(ctx)


def _required(ctx):
    from projects.core.models import Collaboration

    return list(Collaboration.objects.filter(pk=ctx["collaboration"].pk).values_list("require_mfa", flat=True))


CASES = {
    "projects:security": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="security.view"),
    "projects:security_require": Case(kwargs=pk, expect=MANAGE, perm="security.require_mfa"),
    # On a collaboration that requires it: releasing nothing changed nothing.
    "projects:security_release": Case(
        kwargs=_required_and_everyone_confirmed,
        method="post",
        expect=MANAGE,
        effect=_required,
        perm="security.require_mfa",
    ),
    "projects:mfa_required": Case(
        kwargs=pk,
        expect={"anonymous": LOGIN, "outsider": 404, "reader": OK, "editor": OK, "coordinator": OK},
        perm="security.view",
    ),
}
