"""Who may do what for an organisation: one policy, asked by views, templates and services.

An organisation's public details (name, sector, organisationsnummer, whether it is verified) are
seen by everyone logged in: people need them to find the organisations they collaborate with.
Everything else belongs to the organisation's own people:

=========================  ==============  ======  =====
permission                 administrator   member  staff
=========================  ==============  ======  =====
view_members, view_history yes             yes     yes
view_register              yes             yes     yes
answer_party_requests      yes             yes     no
edit                       yes             no      yes
manage_members             yes             no      yes
manage_domains             yes             no      yes
read_decided_agreements    yes             no      no
=========================  ==============  ======  =====

Staff act through the admin and may correct an organisation (its details, its people); they do not
speak for it in a collaboration, and they read no collaboration's content through this policy.
"""

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.core.models import Organisation

from .models import OrganisationMember, OrgRole


class Perm(StrEnum):
    VIEW_MEMBERS = "view_members"
    VIEW_HISTORY = "view_history"
    VIEW_REGISTER = "view_register"
    ANSWER_PARTY_REQUESTS = "answer_party_requests"
    EDIT = "edit"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_DOMAINS = "manage_domains"
    READ_DECIDED_AGREEMENTS = "read_decided_agreements"


_MEMBER = {Perm.VIEW_MEMBERS, Perm.VIEW_HISTORY, Perm.VIEW_REGISTER, Perm.ANSWER_PARTY_REQUESTS}
ROLE_PERMS = {
    OrgRole.MEMBER: _MEMBER,
    OrgRole.ADMIN: _MEMBER | {Perm.EDIT, Perm.MANAGE_MEMBERS, Perm.MANAGE_DOMAINS, Perm.READ_DECIDED_AGREEMENTS},
}
STAFF_PERMS = {
    Perm.VIEW_MEMBERS,
    Perm.VIEW_HISTORY,
    Perm.VIEW_REGISTER,
    Perm.EDIT,
    Perm.MANAGE_MEMBERS,
    Perm.MANAGE_DOMAINS,
}


def is_admin_role(role) -> bool:
    """The one place that says which role administers an organisation."""
    return role == OrgRole.ADMIN


class OrganisationPolicy:
    def member(self, user, organisation):
        """The person's OrganisationMember row for ``organisation`` (cached on the user), or None."""
        if not user.is_authenticated:
            return None
        cache = user.__dict__.setdefault("_organisation_member_cache", {})
        if organisation.pk not in cache:
            cache[organisation.pk] = OrganisationMember.objects.filter(organisation=organisation, user=user).first()
        return cache[organisation.pk]

    def forget(self, user):
        user.__dict__.pop("_organisation_member_cache", None)

    def role(self, user, organisation):
        member = self.member(user, organisation)
        return member.role if member else None

    def is_member(self, user, organisation):
        return self.member(user, organisation) is not None

    def is_admin(self, user, organisation):
        return is_admin_role(self.role(user, organisation))

    def user_has_permission(self, user, perm, organisation) -> bool:
        if not user.is_authenticated:
            return False
        if perm in ROLE_PERMS.get(self.role(user, organisation), set()):
            return True
        return user.is_staff and perm in STAFF_PERMS

    def permissions(self, user, organisation):
        """{perm name: bool} for templates (``perms.edit``)."""
        return {perm.value: self.user_has_permission(user, perm, organisation) for perm in Perm}

    def organisations_for(self, user, perm=Perm.VIEW_REGISTER):
        if not user.is_authenticated:
            return Organisation.objects.none()
        roles = [role for role, perms in ROLE_PERMS.items() if perm in perms]
        return Organisation.objects.filter(members__user=user, members__role__in=roles).distinct()


policy = OrganisationPolicy()


def organisation_required(perm=None):
    """Decorator for views taking ``org_pk``: sets ``request.organisation`` and
    ``request.org_perms``; 404 for an organisation that does not exist, 403 without ``perm``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, org_pk, *args, **kwargs):
            organisation = get_object_or_404(Organisation.objects.with_verified(), pk=org_pk)
            if perm is not None and not policy.user_has_permission(request.user, perm, organisation):
                raise PermissionDenied
            request.organisation = organisation
            request.org_perms = policy.permissions(request.user, organisation)
            return view(request, organisation, *args, **kwargs)

        return wrapper

    return decorator
