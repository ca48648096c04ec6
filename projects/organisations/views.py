"""Organisation pages: the public details, registering and editing, members, invitations, requests
to join, e-mail domains, claims, the organisation's answers to requests to be a party, and its
history. Views validate and call services; the policy decides (permissions.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.common.forms import form_errors
from projects.core import invitation_links
from projects.core.forms import OrganisationForm, OrganisationRegisterForm
from projects.core.models import Organisation, Party, PartyStatus
from projects.core.permissions import policy as collaboration_policy
from projects.publication import queries as publication

from . import services
from .forms import (
    AnswerForm,
    ClaimForm,
    DomainForm,
    InviteMemberForm,
    JoinRequestForm,
    MemberRoleForm,
    RemoveMemberForm,
)
from .models import JoinRequest, OrganisationClaim, OrganisationDomain, OrganisationInvitation, OrganisationMember
from .permissions import Perm, organisation_required, policy
from .queries import search_organisations

PAGE_SIZE = 20


def _errors(error: ValidationError):
    return " ".join(error.messages)


# The register of organisations ---------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        page, results = None, list(search_organisations(query))
    else:
        page = Paginator(Organisation.objects.with_verified().order_by("name"), PAGE_SIZE).get_page(
            request.GET.get("sida")
        )
        results = page.object_list
    context = {
        "query": query,
        "page": page,
        "results": results,
        "mine": services.organisations_of(request.user).with_verified(),
    }
    if request.htmx and request.htmx.target == "organisation-results":
        return render(request, "projects/core/organisation_list.html#organisation-results", context)
    return render(request, "projects/core/organisation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = ""
    form = OrganisationRegisterForm(request.POST or None, for_party=bool(next_url))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        organisation = services.register_organisation(
            user=request.user, acts_for_it=form.cleaned_data["acts_for_it"], **fields
        )
        if form.cleaned_data["acts_for_it"]:
            messages.success(request, _("%(name)s är registrerad och du är dess administratör.") % fields)
        else:
            messages.success(
                request,
                _(
                    "%(name)s är registrerad. Lägg till den som part och bjud in en kontaktperson: den som tackar ja "
                    "först blir organisationens administratör."
                )
                % fields,
            )
        if next_url:  # back where the person came from (adding a party), with the new name to search for
            return redirect(f"{next_url}?{urlencode({'q': organisation.name})}")
        return redirect(organisation)
    return render(
        request,
        "projects/core/organisation_form.html",
        {"form": form, "next": next_url, "taken": form.taken_organisation() if form.is_bound else None},
    )


@require_GET
@organisation_required()
def organisation_detail(request, organisation):
    user = request.user
    perms = request.org_perms
    member = policy.member(user, organisation)
    context = {
        "organisation": organisation,
        "perms": perms,
        "member": member,
        "collaborations": collaboration_policy.collaborations_for(user)
        .filter(parties__organisation=organisation)
        .distinct(),
        "open_request": None
        if member
        else JoinRequest.objects.filter(organisation=organisation, user=user, answered_at__isnull=True).first(),
        "open_claim": OrganisationClaim.objects.filter(
            organisation=organisation, user=user, resolved_at__isnull=True
        ).first(),
        "join_form": JoinRequestForm(),
        "published": publication.published_for(organisation).exists(),  # the public list's link
        "party_requests": services.pending_party_requests(organisation) if perms["answer_party_requests"] else [],
        "admins": OrganisationMember.objects.filter(organisation=organisation, role="admin").select_related("user")
        if member
        else [],
    }
    return render(request, "projects/organisations/detail.html", context)


@require_http_methods(["GET", "POST"])
@organisation_required(Perm.EDIT)
def organisation_edit(request, organisation):
    before = model_to_dict(organisation, fields=services.EDITABLE_FIELDS)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        if services.update_organisation(form.instance, user=request.user, before=before):
            messages.success(request, _("Ändringarna är sparade."))
        else:
            messages.info(request, _("Inget var ändrat."))
        return redirect(organisation)
    return render(request, "projects/core/organisation_form.html", {"form": form, "organisation": organisation})


@require_GET
@organisation_required(Perm.VIEW_HISTORY)
def organisation_history(request, organisation):
    events = organisation.history.select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "projects/organisations/history.html",
        {"organisation": organisation, "perms": request.org_perms, "page": page},
    )


# Joining, claiming ----------------------------------------------------------------------------


@require_POST
@organisation_required()
def join_request_create(request, organisation):
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(organisation)
    try:
        services.request_to_join(organisation, user=request.user, message=form.cleaned_data["message"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("Din begäran är skickad till administratörerna för %(name)s. Du får ett e-postmeddelande när de svarat.")
            % {"name": organisation.name},
        )
    return redirect(organisation)


@require_POST
@organisation_required(Perm.MANAGE_MEMBERS)
def join_request_answer(request, organisation, request_pk):
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=request_pk, organisation=organisation
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj att godkänna eller avböja."))
        return redirect("projects:org_members", organisation.pk)
    try:
        services.answer_join_request(join_request, user=request.user, accept=form.accepted)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        name = join_request.user.get_full_name()
        if form.accepted:
            messages.success(request, _("%(name)s är nu medlem i organisationen.") % {"name": name})
        else:
            messages.success(request, _("Begäran från %(name)s är avböjd.") % {"name": name})
    return redirect("projects:org_members", organisation.pk)


@require_http_methods(["GET", "POST"])
@organisation_required()
def organisation_claim(request, organisation):
    if policy.is_admin(request.user, organisation):
        messages.info(request, _("Du är redan administratör för %(name)s.") % {"name": organisation.name})
        return redirect(organisation)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim(organisation, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Ditt anspråk på %(name)s är skickat till förvaltningen. De kontrollerar det och hör av sig "
                    "till dig via e-post."
                )
                % {"name": organisation.name},
            )
            return redirect(organisation)
    return render(request, "projects/organisations/claim.html", {"organisation": organisation, "form": form})


# Members, invitations, domains ----------------------------------------------------------------


def _members_context(request, organisation, **extra):
    perms = request.org_perms
    manage = perms["manage_members"]
    context = {
        "organisation": organisation,
        "perms": perms,
        "members": services.members_qs(organisation),
        "admin_count": OrganisationMember.objects.filter(organisation=organisation, role="admin").count(),
        "join_requests": services.open_join_requests(organisation) if manage else [],
        "invitations": organisation.invitations.filter(accepted_at__isnull=True).select_related("invited_by")
        if manage
        else [],
        "domains": organisation.domains.all(),
        "invite_form": InviteMemberForm(),
        "domain_form": DomainForm(),
        "roles": OrganisationMember._meta.get_field("role").choices,
        "me": policy.member(request.user, organisation),
    }
    return context | extra


@require_GET
@organisation_required(Perm.VIEW_MEMBERS)
def members(request, organisation):
    return render(request, "projects/organisations/members.html", _members_context(request, organisation))


@require_http_methods(["GET", "POST"])
@organisation_required(Perm.MANAGE_MEMBERS)
def member_invite(request, organisation):
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(organisation, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("En inbjudan är skickad till %(email)s.") % {"email": invitation.email})
            return redirect("projects:org_members", organisation.pk)
    return render(request, "projects/organisations/invite.html", {"organisation": organisation, "form": form})


@require_POST
@organisation_required(Perm.MANAGE_MEMBERS)
def member_role(request, organisation, member_pk):
    member = get_object_or_404(
        OrganisationMember.objects.select_related("user"), pk=member_pk, organisation=organisation
    )
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj en av rollerna i listan."))
        return redirect("projects:org_members", organisation.pk)
    try:
        services.change_member_role(member, user=request.user, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        member.refresh_from_db()
        messages.success(
            request,
            _("%(name)s är nu %(role)s.")
            % {"name": member.user.get_full_name(), "role": member.get_role_display().lower()},
        )
    return redirect("projects:org_members", organisation.pk)


@require_http_methods(["GET", "POST"])
@organisation_required()
def member_remove(request, organisation, member_pk):
    """An administrator removes a member, or a member leaves: their roles in the organisation's
    parties are handed to a colleague in the same step."""
    member = get_object_or_404(
        OrganisationMember.objects.select_related("user"), pk=member_pk, organisation=organisation
    )
    leaving = member.user_id == request.user.pk
    if not leaving and not request.org_perms["manage_members"]:
        raise PermissionDenied
    lonely = {m.pk for m in services.parties_left_without_coordinator(member)}
    last_admin = services.is_last_admin(member)  # refused whatever is chosen: said first, alone
    form = RemoveMemberForm(request.POST or None, member=member, required=bool(lonely) and not last_admin)
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            handed = services.remove_member(member, user=request.user, successor=successor.user if successor else None)
        except ValidationError as error:
            form.add_error("successor" if successor is None else None, error)
        else:
            name = member.user.get_full_name()
            if leaving:
                messages.success(request, _("Du har lämnat %(org)s.") % {"org": organisation.name})
            elif handed:
                messages.success(
                    request,
                    _("%(name)s är borttagen. %(successor)s har tagit över rollerna i %(n)d samverkan.")
                    % {"name": name, "successor": successor.user.get_full_name(), "n": len(handed)},
                )
            else:
                messages.success(request, _("%(name)s är borttagen från organisationen.") % {"name": name})
            policy.forget(request.user)
            if leaving:
                return redirect(organisation)
            return redirect("projects:org_members", organisation.pk)
    return render(
        request,
        "projects/organisations/member_remove.html",
        {
            "organisation": organisation,
            "member": member,
            "leaving": leaving,
            "form": form,
            "roles": services.roles_in_parties(member),
            "lonely": lonely,
            "last_admin": last_admin,
        },
    )


@require_POST
@organisation_required(Perm.MANAGE_MEMBERS)
def invitation_revoke(request, organisation, invitation_pk):
    invitation = get_object_or_404(OrganisationInvitation, pk=invitation_pk, organisation=organisation)
    try:
        services.revoke_invitation(invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Inbjudan till %(email)s är återkallad.") % {"email": invitation.email})
    return redirect("projects:org_members", organisation.pk)


@require_POST
@organisation_required(Perm.MANAGE_DOMAINS)
def domain_add(request, organisation):
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            row = services.add_domain(organisation, user=request.user, domain=form.cleaned_data["domain"])
        except ValidationError as error:
            form.add_error("domain", error)
        else:
            messages.success(request, _("Domänen %(domain)s är tillagd.") % {"domain": row.domain})
            return redirect("projects:org_members", organisation.pk)
    # The page again with the error beside the field and what was typed kept.
    context = _members_context(request, organisation, domain_form=form)
    return render(request, "projects/organisations/members.html", context, status=400)


@require_POST
@organisation_required(Perm.MANAGE_DOMAINS)
def domain_remove(request, organisation, domain_pk):
    row = get_object_or_404(OrganisationDomain, pk=domain_pk, organisation=organisation)
    services.remove_domain(row, user=request.user)
    messages.success(request, _("Domänen %(domain)s är borttagen.") % {"domain": row.domain})
    return redirect("projects:org_members", organisation.pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = invitation_links.find(OrganisationInvitation, token, "organisation", "invited_by")
    return invitation_links.invitation_page(
        request,
        token,
        invitation,
        template="projects/organisations/invitation_accept.html",
        problem_template="projects/organisations/invitation_problem.html",
        accept=_accept_invitation,
    )


def _accept_invitation(request, invitation, user):
    try:
        services.accept_invitation(invitation, user=user)
    except ValidationError:
        return render(
            request,
            "projects/organisations/invitation_problem.html",
            {"invitation": invitation, "problem": "gone"},
            status=410,
        )
    messages.success(request, _("Välkommen! Du är nu medlem i %(org)s.") % {"org": invitation.organisation.name})
    return redirect(invitation.organisation)


# Requests to be a party ------------------------------------------------------------------------


@require_POST
@organisation_required(Perm.ANSWER_PARTY_REQUESTS)
def party_request_answer(request, organisation, party_pk):
    party = get_object_or_404(
        Party.objects.select_related("collaboration"),
        pk=party_pk,
        organisation=organisation,
        status=PartyStatus.PENDING,
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj att tacka ja eller nej."))
        return redirect(organisation)
    try:
        membership = services.answer_party_request(party, user=request.user, accept=form.accepted)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(organisation)
    title = party.collaboration.title
    if membership is None:
        messages.success(request, _("Ni har tackat nej till att vara part i ”%(title)s”.") % {"title": title})
        return redirect(organisation)
    messages.success(
        request,
        _("%(org)s är nu part i ”%(title)s”. Du är med för organisationen som %(role)s.")
        % {"org": organisation.name, "title": title, "role": membership.get_role_display().lower()},
    )
    return redirect(party.collaboration)
