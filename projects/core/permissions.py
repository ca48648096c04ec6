"""Who may do what in a collaboration: the one place that answers it.

Wagtail-style (``wagtail/permission_policies/base.py``), one policy answers two questions:

* ``policy.user_has_permission(user, perm, collaboration, obj=None)`` — may this person do this here
  (to this object)?
* ``policy.collaborations_for(user, perm)`` — in which collaborations may this person do it?

**Named permissions.** Each feature declares what can be done in it in its own
``projects/<feature>/permissions.py``, with :func:`register`::

    DELETE_MEASUREMENT = register(
        "goals.delete_measurement", "ta bort det här mätvärdet", Action.EDIT, check=_own_party_or_coordinator
    )

A permission has a name (``<feature>.<what>``), a description (what it allows), the role level it
needs (:class:`Action`: the roles are built on VIEW, EDIT and MANAGE) and, where it has one, an
instance rule ``check(membership, obj) -> bool``, asked when the question names an object (without an
object the answer is the role level: may the person do it to anything at all). In an archived
collaboration only reading is allowed, unless the permission says otherwise (``archived=True``:
restoring, exporting, starting the next period; ``archived=False`` for a reading-level permission
that changes something, like raising a concern). ``registry`` holds them all (the permission matrix
checks every case's permission against it).

Views never look at roles themselves; they go through :func:`collaboration_required`, which
loads the collaboration, answers 404 to anybody who is not a member (an outsider must not learn
that it exists), sends a member who lacks the two-factor login the collaboration requires to a
page that says so (projects/security/), and answers 403 to a member who lacks the permission. For an
object, or for what a page shows, views ask ``policy.user_has_permission`` and pass the answers to
the templates (``can_edit``, ``deletable`` …). No role is compared outside the permissions modules
(tests/test_architecture.py).
"""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from projects.core.models import Collaboration, Membership, Role
from projects.security import services as security
from samverkan.safe_urls import same_site_path


class Action(StrEnum):
    """The role levels the named permissions are built on."""

    VIEW = "view"  # read everything in the collaboration
    EDIT = "edit"  # answer, comment, write
    MANAGE = "manage"  # parties, people, invitations, phases, settings, exports


ROLE_ACTIONS = {
    Role.READER: {Action.VIEW},
    Role.EDITOR: {Action.VIEW, Action.EDIT},
    Role.COORDINATOR: {Action.VIEW, Action.EDIT, Action.MANAGE},
}


def is_coordinator_role(role) -> bool:
    """The one place that says which role coordinates a collaboration (and its party): the last
    coordinator rules and the contacts of a party ask this."""
    return role == Role.COORDINATOR


# What an archived collaboration still allows by default: reading.
ARCHIVED_ACTIONS = {Action.VIEW}


# -- the registry of named permissions ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Permission:
    """One named permission (declare it with :func:`register`)."""

    name: str  # "<feature>.<what>", e.g. "goals.delete_measurement"
    description: str  # what it allows, e.g. "ta bort det här mätvärdet"
    level: Action  # the role level it needs
    check: Callable | None = None  # check(membership, obj) -> bool: the rule for one object
    archived: bool = False  # allowed in an archived collaboration

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<Permission {self.name}>"


class PermissionRegistry:
    """Every named permission, by name. The features' permissions modules are imported on the first
    question that needs them all (iterating, or a name not registered yet)."""

    def __init__(self):
        self._permissions: dict[str, Permission] = {}
        self._discovered = False

    def register(self, name, description, level, *, check=None, archived=None) -> Permission:
        feature, _dot, what = name.partition(".")
        if not feature or not what:
            raise ImproperlyConfigured(f"A permission is named <feature>.<what>, not {name!r}.")
        if name in self._permissions:
            raise ImproperlyConfigured(f"The permission {name} is declared twice.")
        if archived is None:
            archived = Action(level) in ARCHIVED_ACTIONS
        permission = Permission(name, description, Action(level), check, archived)
        self._permissions[name] = permission
        return permission

    def autodiscover(self):
        """Import ``projects.<feature>.permissions`` of every feature package."""
        if self._discovered:
            return
        self._discovered = True
        import projects

        for module in pkgutil.iter_modules(projects.__path__):
            if module.ispkg and importlib.util.find_spec(f"projects.{module.name}.permissions"):
                importlib.import_module(f"projects.{module.name}.permissions")

    def __getitem__(self, perm) -> Permission:
        if isinstance(perm, Permission):
            return perm
        if perm not in self._permissions:
            self.autodiscover()
        try:
            return self._permissions[perm]
        except KeyError:
            raise ImproperlyConfigured(f"No permission is named {perm!r}.") from None

    def __contains__(self, name):
        self.autodiscover()
        return name in self._permissions

    def __iter__(self):
        self.autodiscover()
        return iter(sorted(self._permissions.values(), key=lambda p: p.name))

    def __len__(self):
        self.autodiscover()
        return len(self._permissions)


registry = PermissionRegistry()
register = registry.register


# -- the policy -----------------------------------------------------------------------------------------


class CollaborationPolicy:
    def membership(self, user, collaboration):
        if not user.is_authenticated:
            return None
        cache = getattr(user, "_membership_cache", None)
        if cache is None:
            cache = user._membership_cache = {}
        if collaboration.pk not in cache:
            cache[collaboration.pk] = (
                Membership.objects.select_related("party__organisation")
                .filter(user=user, collaboration=collaboration)
                .first()
            )
        return cache[collaboration.pk]

    def remember(self, user, membership):
        if getattr(user, "_membership_cache", None) is None:
            user._membership_cache = {}
        user._membership_cache[membership.collaboration_id] = membership

    def role_allows(self, role, level):
        """The role table: whether ``role`` has the role ``level``. Outside the permissions modules,
        ask for a named permission instead."""
        return level in ROLE_ACTIONS.get(role, set())

    def membership_has_permission(self, membership, perm, obj=None, *, archived=False):
        perm = registry[perm]
        if membership is None or (archived and not perm.archived):
            return False
        if not self.role_allows(membership.role, perm.level):
            return False
        return obj is None or perm.check is None or bool(perm.check(membership, obj))

    def user_has_permission(self, user, perm, collaboration, obj=None, *, ignore_archived=False):
        """May ``user`` do ``perm`` (a Permission or its name) in ``collaboration``, to ``obj`` when one
        is named? ``ignore_archived``: answer as if the collaboration were not archived."""
        membership = self.membership(user, collaboration)
        archived = collaboration.archived and not ignore_archived
        return self.membership_has_permission(membership, perm, obj, archived=archived)

    def roles_for(self, perm):
        """The roles whose level the permission needs (for a query: "the people who may write")."""
        level = registry[perm].level
        return [role.value for role, levels in ROLE_ACTIONS.items() if level in levels]

    def collaborations_for(self, user, perm=None):
        perm = registry[perm or VIEW]
        if not user.is_authenticated:
            return Collaboration.objects.none()
        qs = Collaboration.objects.filter(memberships__user=user, memberships__role__in=self.roles_for(perm))
        if not perm.archived:
            qs = qs.filter(archived=False)
        return qs


policy = CollaborationPolicy()


# -- core's own permissions ----------------------------------------------------------------------------

VIEW = register("core.view", "läsa samverkan: översikten, parterna, personerna och händelserna", Action.VIEW)
COORDINATE = register(
    "core.coordinate", "samordna samverkan: det samordnarna ser på översikten och utvärderingen", Action.MANAGE
)
CHANGE_SETTINGS = register(
    "core.change_settings",
    "ändra samverkans inställningar, arkivera den och återställa den ur arkivet",
    Action.MANAGE,
    archived=True,
)
MANAGE_PARTIES = register("core.manage_parties", "lägga till, ändra och ta bort parter", Action.MANAGE)
MANAGE_PEOPLE = register("core.manage_people", "ändra personers roller och ta bort personer", Action.MANAGE)
INVITE = register("core.invite", "bjuda in personer, skicka om och återkalla inbjudningar", Action.MANAGE)


def _coordinates_party(membership, party):
    """A party's own coordinators mark who records its decision; where the party has no coordinator,
    any coordinator of the collaboration may (so no party is left without someone who can mark)."""
    if membership.party_id == party.pk:
        return True
    return not Membership.objects.filter(party_id=party.pk, role=Role.COORDINATOR).exists()


# Asked with the party of the person marked (projects.agreements.permissions.RECORD_DECISION reads
# the marks).
MARK_DECISION_RECORDER = register(
    "core.mark_decision_recorder",
    "markera vem som registrerar en parts beslut (partens samordnare; har parten ingen samordnare, "
    "samverkans samordnare)",
    Action.MANAGE,
    check=_coordinates_party,
)


def collaboration_required(perm=VIEW):
    """Decorator for views taking ``pk`` of a collaboration: the person needs ``perm`` (a
    Permission, or its name) there.

    Sets ``request.collaboration`` and ``request.membership``. Use under ``login_required``.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            # One query: the person's membership with its collaboration. None: not a member, or
            # no such collaboration; both are a 404 (an outsider must not learn that it exists).
            membership = (
                Membership.objects.select_related("collaboration", "party__organisation")
                .filter(user=request.user, collaboration_id=pk)
                .first()
                if request.user.is_authenticated
                else None
            )
            if membership is None:
                raise Http404
            collaboration = membership.collaboration
            policy.remember(request.user, membership)
            if security.shut_out(request, collaboration):
                return _mfa_required_response(request, collaboration)
            if not policy.user_has_permission(request.user, perm, collaboration):
                raise PermissionDenied
            request.collaboration = collaboration
            request.membership = membership
            return view(request, collaboration, *args, **kwargs)

        wrapper.permission = perm
        return wrapper

    return decorator


def _mfa_required_response(request, collaboration):
    """Not the collaboration: the page that says it requires two-factor login. Text in a refused
    POST is kept and shown there; an HTMX request navigates (HX-Redirect) instead of swapping."""
    if request.method == "POST":
        security.keep_unsaved(request, collaboration)
    if getattr(request, "htmx", False):
        back = same_site_path(request, request.htmx.current_url)  # the page, not the fragment
    elif request.method == "GET":
        back = request.get_full_path()
    else:
        back = same_site_path(request, request.headers.get("referer"))
    url = reverse("projects:mfa_required", args=[collaboration.pk])
    if back:
        url = f"{url}?{urlencode({'next': back})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
