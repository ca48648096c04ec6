"""The layout's rules, checked on the source (docs/architecture.md):

* views never write: a views module calls no ``save``/``delete``/``create``/``update``/``set`` …;
  the writes are in services (each feature's ``services.py``);
* no role is compared outside the permission policies (``permissions.py`` of the app and of a
  feature): the rest of the code asks the policy for a named permission. Also outside them: no
  ``policy.role_allows(role, …)`` (the role table, asked with a raw role), no ``Action.…`` (the role
  levels the named permissions are built on), and no role spelled out in a query
  (``role__in=["editor", …]``: ``policy.roles_for(perm)`` says which roles have a permission).

``KNOWN`` lists what is left from before these rules (nothing, since issue 14's first steps). The test
fails on a new finding, and on a listed one that is gone (so the list only shrinks).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["projects", "accounts", "guides", "samverkan"]
WRITE_METHODS = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "set",
    "get_or_create",
    "update_or_create",
    "add",
    "remove",
    "clear",
}

KNOWN: dict = {}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _writes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            # request.session and messages are not the database; a form's own save(commit=False) is not a write
            owner = ast.unparse(node.func.value)
            if owner.startswith(("request.session", "messages", "context", "self.fields")):
                continue
            yield node.func.attr


def _is_role(node):
    return (isinstance(node, ast.Attribute) and node.attr == "role") or (
        isinstance(node, ast.Name) and node.id == "role"
    )


def _role_comparisons(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            # a comparison of a role with a value (not two variables holding roles: "nothing to change")
            if any(_is_role(side) for side in sides) and not all(_is_role(side) for side in sides):
                yield "role"


ROLE_VALUES = {"reader", "editor", "coordinator"}


def _policy_bypasses(tree):
    """Asking the role table or the role levels directly instead of a named permission."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "role_allows":
            yield "role_allows"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Action":
            yield "Action"
        elif isinstance(node, ast.keyword) and node.arg and node.arg.removesuffix("__in").split("__")[-1] == "role":
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple | ast.Set) else [node.value]
            if any(isinstance(value, ast.Constant) and value.value in ROLE_VALUES for value in values):
                yield "role in a query"


def _findings():
    found = {}
    for name, tree in _modules():
        is_views = Path(name).name.endswith("views.py") or "_views" in Path(name).name
        if is_views:
            for method in _writes(tree):
                key = ("writes", name, method)
                found[key] = found.get(key, 0) + 1
        if "permissions" not in Path(name).name:
            for what in [*_role_comparisons(tree), *_policy_bypasses(tree)]:
                key = ("roles", name, what)
                found[key] = found.get(key, 0) + 1
    return found


def test_views_do_not_write_and_roles_are_compared_only_in_the_policies():
    found = _findings()
    new = {key: n for key, n in found.items() if n > KNOWN.get(key, 0)}
    gone = {key: n for key, n in KNOWN.items() if found.get(key, 0) < n}
    assert not new, f"Write in a service and ask the policy (docs/architecture.md): {new}"
    assert not gone, (
        f"Fixed, well done: lower these in KNOWN: {gone} (found now: { {k: found.get(k, 0) for k in gone} })"
    )


def test_the_check_sees_a_write_and_a_role_comparison():
    tree = ast.parse("def view(request):\n    x.save()\n    if membership.role == 'reader':\n        pass\n")
    assert list(_writes(tree)) == ["save"]
    assert list(_role_comparisons(tree)) == ["role"]


def test_the_check_sees_the_policy_bypassed():
    tree = ast.parse(
        "def view(request, membership):\n"
        "    policy.role_allows(membership.role, Action.EDIT)\n"
        "    Membership.objects.filter(role__in=['editor', 'coordinator'])\n"
        "    Membership.objects.filter(party__memberships__role='reader')\n"
        "    policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration)\n"
    )
    assert sorted(_policy_bypasses(tree)) == ["Action", "role in a query", "role in a query", "role_allows"]
