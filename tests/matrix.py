"""The permission matrix's vocabulary, shared by tests/test_permission_matrix.py and the
feature modules that keep their own cases (tests/<feature>/cases.py)."""

from dataclasses import dataclass, field

ROLES = ["anonymous", "outsider", "reader", "editor", "coordinator"]

# Outcomes: "ok" (2xx or a redirect that is not to the login page), "login" (redirect to log in),
# "admin_login" (redirect to the admin's own login page, with nothing else in the answer), or an
# exact status code.
OK, LOGIN, ADMIN_LOGIN = "ok", "login", "admin_login"

# What a case's ``perm`` names: a permission of the collaboration policy (``registry`` in
# projects/core/permissions.py, e.g. "goals.delete_measurement"), one of the organisations policy
# ("organisations.<Perm>", projects/organisations/permissions.py), or one of these:
PUBLIC_PAGE = "public"  # open to everyone, logged in or not
LOGGED_IN = "logged_in"  # everyone logged in (each for their own account)
TOKEN = "token"  # the link is the credential (an invitation, the calendar feed)
THIRD_PARTY = "third_party"  # a library's own rule (allauth, the admin, the language switch)
NOT_A_PERMISSION = {PUBLIC_PAGE, LOGGED_IN, TOKEN, THIRD_PARTY}

# Kept for modules that still import it: the matrix no longer skips these, every URL has a case
# (tests/cases_third_party.py holds the libraries' URLs).
THIRD_PARTY_PREFIXES = ("admin:", "account_", "set_language", "socialaccount_", "mfa_", "usersessions_")


@dataclass
class Case:
    """How to request one URL and what each role gets.

    ``kwargs`` and ``data`` are called once per URL with the shared context (in that order) before
    the roles take their turns, so objects they create are there for every role. A key of MATRIX is
    a URL name, or for a pattern without a name its route from the root (``"admin/(?P<url>.*)$"``),
    filled in from ``kwargs``."""

    kwargs: callable = lambda ctx: {}
    method: str = "get"
    data: callable = lambda ctx: {}
    expect: dict = field(default_factory=dict)
    # The effect, asserted (Kiwi TCMS's verify_post_with_permission): ``effect(ctx)`` reads what the
    # request changes when it is allowed; it is read before and after each role's request. Roles in
    # ``changes`` must change it; every other role must leave it as it was. ``changes`` defaults to the
    # roles whose expected outcome is OK.
    effect: callable = None
    changes: frozenset = None
    # The permission the case exercises (see ``perm`` above). For a permission of the collaboration
    # policy, reader, editor and coordinator must get what its role level says (OK or 403), the outsider
    # 404 and anonymous the login page; ``role_check=False`` for a case whose outcome depends on more
    # (said in its comment).
    perm: str = None
    role_check: bool = True

    def should_change(self, role):
        if self.changes is not None:
            return role in self.changes
        return self.expect.get(role) == OK


def everyone(outcome):
    return dict.fromkeys(ROLES[1:], outcome) | {"anonymous": LOGIN}


PUBLIC = dict.fromkeys(ROLES, OK)
MEMBERS_VIEW = {"anonymous": LOGIN, "outsider": 404, "reader": OK, "editor": OK, "coordinator": OK}
MANAGE = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


EDIT = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": OK, "coordinator": OK}


def pk(ctx):
    return {"pk": ctx["collaboration"].pk}


# -- the URLconf ------------------------------------------------------------------------------------


def url_patterns(resolver=None, chain=(), namespace=""):
    """{key: chain of patterns from the root} for every URL pattern of the URLconf. The key is the
    pattern's name with its namespaces (``"projects:overview"``), or for a pattern without a name
    (or with a name used before) its route from the root (``"admin/(?P<url>.*)$"``)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for key, inner_chain in url_patterns(pattern, (*chain, pattern), inner).items():
                found.setdefault(key, inner_chain)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            key = name if name and name not in found else "".join(str(p.pattern) for p in (*chain, pattern))
            found.setdefault(key, (*chain, pattern))
    return found


def parameters(chain):
    """The names of the arguments the URL takes."""
    from django.urls.resolvers import RoutePattern

    names = []
    for pattern in chain:
        if isinstance(pattern.pattern, RoutePattern):
            names += list(pattern.pattern.converters)
        else:
            names += list(pattern.pattern.regex.groupindex)
    return names


_ROUTE_PARAMETER = r"<(?:[^>:]+:)?(?P<name>[^>]+)>"
_REGEX_GROUP = r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)"


def url_for(key, kwargs, patterns):
    """The path of a MATRIX key: reversed by name, or for an unnamed pattern its route filled in."""
    import re

    from django.urls import reverse
    from django.urls.resolvers import RoutePattern

    if re.fullmatch(r"[\w:.-]+", key):  # a name
        return reverse(key, kwargs=kwargs)
    path = "/"
    for pattern in patterns[key]:
        if isinstance(pattern.pattern, RoutePattern):
            piece = re.sub(_ROUTE_PARAMETER, lambda m: str(kwargs[m["name"]]), str(pattern.pattern))
        else:
            piece = re.sub(_REGEX_GROUP, lambda m: str(kwargs[m["name"]]), str(pattern.pattern))
            piece = piece.removeprefix("^").removesuffix("$").replace("\\", "")
        path += piece
    return path
