"""The permission matrix's vocabulary, shared by tests/test_permission_matrix.py and the
feature modules that keep their own cases (tests/cases_*.py)."""

from dataclasses import dataclass, field

ROLES = ["anonymous", "outsider", "reader", "editor", "coordinator"]

# Outcomes: "ok" (2xx or a redirect that is not to the login page), "login" (redirect to log in),
# or an exact status code.
OK, LOGIN = "ok", "login"

# URL namespaces and names that belong to libraries with their own tests and access rules.
THIRD_PARTY_PREFIXES = ("admin:", "account_", "set_language", "socialaccount_", "mfa_", "usersessions_")


@dataclass
class Case:
    kwargs: callable = lambda ctx: {}
    method: str = "get"
    data: callable = lambda ctx: {}
    expect: dict = field(default_factory=dict)


def everyone(outcome):
    return dict.fromkeys(ROLES[1:], outcome) | {"anonymous": LOGIN}


MEMBERS_VIEW = {"anonymous": LOGIN, "outsider": 404, "reader": OK, "editor": OK, "coordinator": OK}
MANAGE = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


EDIT = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": OK, "coordinator": OK}


def pk(ctx):
    return {"pk": ctx["collaboration"].pk}
