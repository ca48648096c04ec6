"""Who may do what in a collaboration: the one place that answers it.

Two questions, as Wagtail's permission policies put them:

* ``policy.user_has_permission(user, action, collaboration)`` — may this person do this here?
* ``policy.collaborations_for(user, action)`` — which collaborations may this person do it in?

Views never look at roles themselves; they go through :func:`collaboration_required`, which
loads the collaboration, answers 404 to anybody who is not a member (an outsider must not learn
that it exists), sends a member who lacks the two-factor login the collaboration requires to a
page that says so (projects/security.py), and answers 403 to a member whose role does not allow
the action.
"""

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from projects.core.models import Collaboration, Membership, Organisation, Role
from projects.security import services as security
from samverkan.safe_urls import same_site_path


class Action(StrEnum):
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


# What an archived collaboration still allows: reading, and a coordinator restoring it.
ARCHIVED_ACTIONS = {Action.VIEW}


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

    def role_allows(self, role, action, *, archived=False):
        allowed = ROLE_ACTIONS.get(role, set())
        if archived:
            allowed = allowed & ARCHIVED_ACTIONS
        return action in allowed

    def user_has_permission(self, user, action, collaboration, *, ignore_archived=False):
        membership = self.membership(user, collaboration)
        if membership is None:
            return False
        archived = collaboration.archived and not ignore_archived
        return self.role_allows(membership.role, action, archived=archived)

    def collaborations_for(self, user, action=Action.VIEW):
        if not user.is_authenticated:
            return Collaboration.objects.none()
        roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
        qs = Collaboration.objects.filter(memberships__user=user, memberships__role__in=roles)
        if action not in ARCHIVED_ACTIONS:
            qs = qs.filter(archived=False)
        return qs


policy = CollaborationPolicy()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Only an organisation's administrators (and staff) change its details: the organisations
    feature's policy decides (projects/organisations/permissions.py)."""
    from projects.organisations.permissions import Perm
    from projects.organisations.permissions import policy as organisation_policy

    return organisation_policy.user_has_permission(user, Perm.EDIT, organisation)


def collaboration_required(action=Action.VIEW, *, allow_archived=False):
    """Decorator for views taking ``pk`` of a collaboration.

    Sets ``request.collaboration`` and ``request.membership``. Use under ``login_required``.
    ``allow_archived`` lets a coordinator reach a view (restoring) in an archived collaboration.
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
            if not policy.user_has_permission(request.user, action, collaboration, ignore_archived=allow_archived):
                raise PermissionDenied
            request.collaboration = collaboration
            request.membership = membership
            return view(request, collaboration, *args, **kwargs)

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


def can_edit_answer(user, collaboration, party=None) -> bool:
    """Editors and coordinators write the joint answers; a party's own answer only the members of
    that party (självständighet och oberoende)."""
    if not policy.user_has_permission(user, Action.EDIT, collaboration):
        return False
    if party is None:
        return True
    membership = policy.membership(user, collaboration)
    return membership.party_id == party.pk
