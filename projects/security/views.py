"""Two-factor login in a collaboration: the security page, switching the requirement on and off,
and the page a member without two-factor login is sent to. Thin views over projects.security.

Who uses two-factor login is shown to coordinators only (they need to see who would be shut out
before requiring it); every member sees whether it is required and their own status."""

import posixpath
from urllib.parse import unquote, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.core.models import Membership
from projects.core.permissions import collaboration_required, policy
from projects.security import permissions as perms
from projects.security import services as security
from projects.security.forms import RequireMFAForm


def _own_status(request):
    """The person's own status: "on" (uses it in this session), "unconfirmed" (has the app but
    logged in without it) or "off"."""
    if security.mfa_satisfied(request):
        return "on"
    return "unconfirmed" if security.has_totp(request.user) else "off"


def _confirm_url(next_path):
    """allauth's page that asks for a code from the app and then returns to ``next_path``."""
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_path})}"


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def security_page(request, collaboration):
    can_manage = policy.user_has_permission(request.user, perms.REQUIRE_MFA, collaboration)
    context = {
        "collaboration": collaboration,
        "can_manage": can_manage,
        "own_status": _own_status(request),
        "confirm_url": _confirm_url(request.path),
    }
    if can_manage:
        members = security.members_with_mfa(collaboration)
        context["members"] = members
        context["lacking_count"] = sum(1 for m in members if not m.uses_mfa)
    return render(request, "projects/security/security.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.REQUIRE_MFA)
def security_require(request, collaboration):
    """A confirmation page that lists who does not use two-factor login yet; its POST switches on."""
    form = RequireMFAForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            security.require(collaboration, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tvåstegsinloggning krävs nu för den här samverkan."))
            return redirect("projects:security", collaboration.pk)
    members = security.members_with_mfa(collaboration)
    context = {
        "collaboration": collaboration,
        "form": form,
        "lacking": [m for m in members if not m.uses_mfa],
        "own_status": _own_status(request),
        "confirm_url": _confirm_url(request.path),
    }
    return render(request, "projects/security/security_require.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
@collaboration_required(perms.REQUIRE_MFA)
def security_release(request, collaboration):
    if security.release(collaboration, user=request.user):
        messages.success(request, _("Tvåstegsinloggning krävs inte längre för den här samverkan."))
    return redirect("projects:security", collaboration.pk)


def _return_path(request, collaboration):
    """Where to go once two-factor login is in place: ``next`` if it is a page of this
    collaboration on this site, else its overview."""
    overview = collaboration.get_absolute_url()
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        parts = urlsplit(candidate)
        # As the browser will resolve it: "/samverkan/1/../../admin/" is not a page of the collaboration.
        path = posixpath.normpath(unquote(parts.path)) + ("/" if parts.path.endswith("/") else "")
        if not parts.netloc and path.startswith(overview):
            return candidate
    return overview


@login_required
@require_GET
def mfa_required(request, pk):
    """Told instead of the collaboration: it requires two-factor login. Only members learn that
    (anyone else gets the same 404 as for a collaboration that does not exist), and only its title."""
    membership = (
        Membership.objects.select_related("collaboration").filter(user=request.user, collaboration_id=pk).first()
    )
    if membership is None:
        raise Http404
    collaboration = membership.collaboration
    back = _return_path(request, collaboration)
    unsaved = security.unsaved_texts(request, collaboration)
    shut_out = security.shut_out(request, collaboration)
    if not shut_out and not unsaved:
        return redirect(back)
    here = f"{reverse('projects:mfa_required', args=[collaboration.pk])}?{urlencode({'next': back})}"
    if shut_out:
        # The two-factor pages (templates/mfa/) offer the way back here once it is set up.
        request.session[security.RETURN_KEY] = {"url": here, "title": collaboration.title[:200]}
    context = {
        "collaboration_title": collaboration.title,
        "shut_out": shut_out,
        "has_totp": shut_out and security.has_totp(request.user),
        "unsaved": unsaved,
        "back": back,
        "confirm_url": _confirm_url(here),
    }
    return render(request, "projects/core/mfa_required.html", context)
