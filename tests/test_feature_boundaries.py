"""The features' boundaries, checked on the source (docs/architecture.md, "Anatomy of a feature").

Every package of ``projects/`` is a feature (``core`` and ``common`` included). A feature uses
``core`` and ``common`` freely, and another feature only through the modules that feature offers to
the others: ``PUBLIC`` (its models, its services — the writes —, its read-only queries, its
permissions for the policy, its export schema). Its views, forms, urls, tasks and helpers are its
own. ``common`` is shared by every feature and so depends on none of them (only on ``core``).
``projects.models`` is the index Django reads; a feature imports the models from their own package.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "projects"
NOT_FEATURES = {"migrations", "management", "templatetags"}
FEATURES = sorted(
    path.name for path in APP.iterdir() if (path / "__init__.py").exists() and path.name not in NOT_FEATURES
)
PUBLIC = {"models", "services", "queries", "permissions", "schema"}

# (importing module, imported module): why it may cross the line anyway.
ALLOWED: dict = {}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "projects":
                yield from (f"projects.{alias.name}" for alias in node.names)
            else:
                yield node.module
                # ``from projects.goals import services``: the module imported is projects.goals.services
                if node.module.count(".") == 1:
                    yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            # relative imports stay inside the package (``from .models import …``); more dots leave it
            yield "projects." + (node.module or "")


def crossings(feature, module_name, imported):
    """Why ``imported`` may not be imported by ``module_name`` of ``feature`` (None when it may)."""
    parts = imported.split(".")
    if parts[0] != "projects" or len(parts) < 2:
        return None
    if (module_name, imported) in ALLOWED:
        return None
    if imported == "projects.models":
        return "imports projects.models (import the models from their feature's package)"
    other = parts[1]
    if other not in FEATURES or other == feature:
        return None
    if feature == "common" and other != "core":
        return f"common depends on the feature {other} (common is shared: it may use core only)"
    if other in {"core", "common"}:
        return None
    if len(parts) == 2:
        return None  # the package itself (``from projects.goals import services`` is checked as a module)
    if parts[2] not in PUBLIC:
        return f"reaches into {imported} (another feature offers only {', '.join(sorted(PUBLIC))})"
    return None


def _findings():
    found = []
    for feature in FEATURES:
        for path in sorted((APP / feature).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for imported in sorted(set(_imports(path))):
                problem = crossings(feature, name, imported)
                if problem:
                    found.append(f"{name}: {problem}")
    return found


def test_features_use_each_other_only_through_what_they_offer():
    found = _findings()
    assert not found, "Across a feature's boundary (docs/architecture.md):\n" + "\n".join(found)


def test_the_check_sees_a_crossing():
    assert crossings("goals", "projects/goals/views.py", "projects.stakeholders.forms")
    assert crossings("goals", "projects/goals/views.py", "projects.models")
    assert crossings("common", "projects/common/pdf.py", "projects.goals.models")
    assert crossings("goals", "projects/goals/views.py", "projects.stakeholders.services") is None
    assert crossings("goals", "projects/goals/views.py", "projects.core.views") is None
    assert crossings("goals", "projects/goals/views.py", "projects.goals.forms") is None
    assert crossings("transfer", "projects/transfer/schema.py", "projects.goals.schema") is None
    assert {"core", "common", "goals", "agreements", "checklists", "transfer"} <= set(FEATURES)
