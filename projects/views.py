from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import actions, form_choice, goals, meetings, phases, stakeholders
from . import principles as principle_rules
from .forms import (
    AcceptInvitationSignupForm,
    CollaborationCreateForm,
    CollaborationSettingsForm,
    InvitationForm,
    OrganisationForm,
    PartyAddForm,
    PartyForm,
    RestoreForm,
    RoleForm,
    form_errors,
)
from .models import Invitation, Membership, Organisation, Party, Role, hash_token
from .permissions import Action, can_edit_organisation, collaboration_required, policy
from .validators import normalise_org_number

PAGE_SIZE = 20


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("sida"))


def _error_messages(error: ValidationError):
    return " ".join(error.messages)


# Dashboard -----------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("collaboration", "party__organisation")
        .prefetch_related(
            Prefetch(
                "collaboration__parties",
                queryset=Party.objects.select_related("organisation").order_by(
                    "-is_coordinating", "organisation__name"
                ),
            )
        )
        .annotate(last_activity=Max("collaboration__events__created_at"))
        .order_by("collaboration__archived", "-last_activity", "-collaboration__created_at")
    )
    page = _page(request, memberships)
    return render(request, "projects/dashboard.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_create(request):
    form = CollaborationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organisation = form.get_or_create_organisation(request.user)
            fields = {name: form.cleaned_data[name] for name in CollaborationCreateForm.Meta.fields}
            collaboration = actions.create_collaboration(user=request.user, organisation=organisation, **fields)
        messages.success(request, _("Samverkan är skapad. Lägg nu till de andra parterna och bjud in personerna."))
        return redirect(collaboration)
    return render(request, "projects/collaboration_form.html", {"form": form, "creating": True})


# Collaboration -------------------------------------------------------------------------------


def _parties(collaboration):
    return list(collaboration.parties.select_related("organisation"))


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def overview(request, collaboration):
    parties = _parties(collaboration)
    members = Membership.objects.filter(collaboration=collaboration).select_related("user", "party__organisation")
    events = collaboration.events.select_related("actor")[:8]
    can_manage = policy.user_has_permission(request.user, Action.MANAGE, collaboration)
    pending = collaboration.invitations.pending().count() if can_manage else 0
    next_steps = []
    warnings = collaboration.sector_warnings(parties)
    if can_manage:
        if len(parties) < 2:
            next_steps.append((_("Lägg till de andra parterna i samverkan."), "projects:parties"))
        if len(members) < 2 and not pending:
            next_steps.append((_("Bjud in personerna från varje part."), "projects:invitation_create"))
    if collaboration.checklist_sections.filter(active=True).exists():
        next_steps.append((_("Gå igenom checklistorna tillsammans."), "projects:checklists"))
    return render(
        request,
        "projects/overview.html",
        form_choice.overview_context(collaboration)
        | principle_rules.overview_context(collaboration)
        | phases.overview_context(collaboration)
        | stakeholders.overview_context(collaboration)
        | goals.overview_context(collaboration)
        | meetings.overview_context(collaboration)
        | {
            "collaboration": collaboration,
            "parties": parties,
            "members": members,
            "events": events,
            "can_manage": can_manage,
            "pending_invitations": pending,
            "warnings": warnings,
            "next_steps": next_steps,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(Action.MANAGE, allow_archived=True)
def collaboration_edit(request, collaboration):
    # An archived collaboration is read-only: its settings offer only restoring it.
    form_class = RestoreForm if collaboration.archived else CollaborationSettingsForm
    # Not ``request.POST or None``: unticking the only checkbox posts an empty form.
    form = form_class(request.POST if request.method == "POST" else None, instance=collaboration)
    if request.method == "POST" and form.is_valid():
        actions.update_collaboration(form.save(commit=False), user=request.user, changed_fields=form.changed_data)
        messages.success(request, _("Ändringarna är sparade."))
        return redirect(collaboration)
    return render(request, "projects/collaboration_form.html", {"form": form, "collaboration": collaboration})


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def events(request, collaboration):
    page = _page(request, collaboration.events.select_related("actor"), size=50)
    return render(request, "projects/events.html", {"collaboration": collaboration, "page": page})


# Parties -------------------------------------------------------------------------------------


def _search_organisations(query, collaboration=None):
    query = (query or "").replace("\x00", "").strip()[:100]
    if not query:
        return Organisation.objects.none()
    condition = Q(name__icontains=query)
    try:
        condition |= Q(org_number=normalise_org_number(query))
    except ValidationError:
        digits = "".join(c for c in query if c.isdigit())
        if len(digits) >= 4:
            condition |= Q(org_number__contains=digits[:6])
    results = Organisation.objects.filter(condition)
    if collaboration is not None:
        results = results.exclude(parties__collaboration=collaboration)
    return results.order_by("name")[:20]


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def parties(request, collaboration):
    can_manage = policy.user_has_permission(request.user, Action.MANAGE, collaboration)
    query = request.GET.get("q", "")
    results = _search_organisations(query, collaboration) if can_manage else []
    context = {
        "collaboration": collaboration,
        "parties": collaboration.parties.select_related("organisation").prefetch_related("memberships__user"),
        "can_manage": can_manage,
        "query": query,
        "results": results,
        "warnings": collaboration.sector_warnings(),
    }
    if request.htmx and request.htmx.target == "org-search-results":
        return render(request, "projects/parties.html#search-results", context)
    return render(request, "projects/parties.html", context)


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def party_add(request, collaboration):
    form = PartyAddForm(request.POST, collaboration=collaboration)
    if form.is_valid():
        try:
            actions.add_party(collaboration, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_messages(error))
        else:
            messages.success(request, _("%(name)s är tillagd som part.") % {"name": form.cleaned_data["organisation"]})
    else:
        messages.error(request, form_errors(form))
    return redirect("projects:parties", collaboration.pk)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(Action.MANAGE)
def party_edit(request, collaboration, party_pk):
    party = get_object_or_404(Party.objects.select_related("organisation"), pk=party_pk, collaboration=collaboration)
    form = PartyForm(request.POST or None, instance=party)
    if request.method == "POST" and form.is_valid():
        actions.update_party(form.save(commit=False), user=request.user)
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("projects:parties", collaboration.pk)
    return render(request, "projects/party_form.html", {"collaboration": collaboration, "party": party, "form": form})


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def party_remove(request, collaboration, party_pk):
    party = get_object_or_404(Party.objects.select_related("organisation"), pk=party_pk, collaboration=collaboration)
    try:
        actions.remove_party(party, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(request, _("%(name)s är borttagen som part.") % {"name": party.organisation.name})
    return redirect("projects:parties", collaboration.pk)


# People and invitations ----------------------------------------------------------------------


def _people_context(request, collaboration, **extra):
    can_manage = policy.user_has_permission(request.user, Action.MANAGE, collaboration)
    members = list(collaboration.memberships.select_related("user", "party__organisation"))
    context = {
        "collaboration": collaboration,
        "members": members,
        "coordinator_count": sum(1 for member in members if member.role == Role.COORDINATOR),
        "invitations": (
            collaboration.invitations.filter(accepted_at__isnull=True).select_related(
                "party__organisation", "invited_by"
            )
            if can_manage
            else []
        ),
        "can_manage": can_manage,
        "roles": Membership._meta.get_field("role").choices,
    }
    context.update(extra)
    return context


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def people(request, collaboration):
    return render(request, "projects/people.html", _people_context(request, collaboration))


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def member_role(request, collaboration, membership_pk):
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, collaboration=collaboration
    )
    form = RoleForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.change_role(membership, user=request.user, role=form.cleaned_data["role"])
        except ValidationError as exc:
            error = _error_messages(exc)
    else:
        error = _("Välj en av rollerna i listan.")
    membership.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "projects/people.html#member-row",
            {
                **_people_context(request, collaboration),
                "member": membership,
                "row_error": error,
                "row_saved": error is None,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s är nu %(role)s.") % {"name": membership.user, "role": membership.get_role_display().lower()},
        )
    return redirect("projects:people", collaboration.pk)


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def member_remove(request, collaboration, membership_pk):
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, collaboration=collaboration
    )
    try:
        actions.remove_member(membership, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(request, _("%(name)s är borttagen från samverkan.") % {"name": membership.user})
    return redirect("projects:people", collaboration.pk)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(Action.MANAGE)
def invitation_create(request, collaboration):
    form = InvitationForm(request.POST or None, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite(request, collaboration, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if getattr(request, "invitation_mail_failed", False):
                messages.warning(
                    request,
                    _(
                        "Inbjudan till %(email)s är sparad, men e-postmeddelandet kunde inte skickas. "
                        "Försök skicka den igen om en stund."
                    )
                    % {"email": invitation.email},
                )
            else:
                messages.success(request, _("En inbjudan är skickad till %(email)s.") % {"email": invitation.email})
            return redirect("projects:people", collaboration.pk)
    return render(request, "projects/invitation_form.html", {"collaboration": collaboration, "form": form})


def _invitation(collaboration, invitation_pk):
    return get_object_or_404(
        Invitation.objects.select_related("party__organisation"), pk=invitation_pk, collaboration=collaboration
    )


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def invitation_resend(request, collaboration, invitation_pk):
    invitation = _invitation(collaboration, invitation_pk)
    try:
        actions.resend_invitation(request, invitation)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(
            request, _("Inbjudan är skickad igen till %(email)s. Den gäller i sju dagar.") % {"email": invitation.email}
        )
    return redirect("projects:people", collaboration.pk)


@login_required
@require_POST
@collaboration_required(Action.MANAGE)
def invitation_revoke(request, collaboration, invitation_pk):
    invitation = _invitation(collaboration, invitation_pk)
    try:
        actions.revoke_invitation(invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(request, _("Inbjudan till %(email)s är återkallad.") % {"email": invitation.email})
    return redirect("projects:people", collaboration.pk)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in the invitation e-mail. Works for a new person, a logged-in person, and says
    clearly when the link can no longer be used."""
    invitation = (
        Invitation.objects.select_related("collaboration", "party__organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    context = {"invitation": invitation, "token": token}
    if invitation is None:
        return render(request, "projects/invitation_problem.html", {**context, "problem": "unknown"}, status=404)
    if not invitation.is_pending:
        return render(
            request, "projects/invitation_problem.html", {**context, "problem": invitation.status}, status=410
        )

    User = get_user_model()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request, "projects/invitation_problem.html", {**context, "problem": "wrong_account"}, status=403
            )
        if request.method == "POST":
            return _accept(request, invitation, request.user)
        return render(request, "projects/invitation_accept.html", context)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing:
        context["existing"] = True
        return render(request, "projects/invitation_accept.html", context)
    form = AcceptInvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"].strip(),
                )
                _mark_email_verified(user)
        except IntegrityError:  # the form was sent twice: the account exists now
            return render(request, "projects/invitation_accept.html", {**context, "existing": True})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _accept(request, invitation, user)
    context["form"] = form
    return render(request, "projects/invitation_accept.html", context)


def _mark_email_verified(user):
    """The invitation reached this address: that verifies it."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def _accept(request, invitation, user):
    try:
        membership = actions.accept_invitation(invitation, user=user)
    except ValidationError:
        return render(
            request, "projects/invitation_problem.html", {"invitation": invitation, "problem": "gone"}, status=410
        )
    messages.success(
        request,
        _("Välkommen till %(title)s! Du är med för %(party)s.")
        % {"title": invitation.collaboration.title, "party": membership.party},
    )
    return redirect(invitation.collaboration)


# Organisations -------------------------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    organisations = _search_organisations(query) if query else Organisation.objects.order_by("name")
    if query:
        page = None
        results = list(organisations)
    else:
        page = _page(request, organisations)
        results = page.object_list
    context = {"query": query, "page": page, "results": results}
    if request.htmx and request.htmx.target == "organisation-results":
        return render(request, "projects/organisation_list.html#organisation-results", context)
    return render(request, "projects/organisation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        organisation.created_by = request.user
        organisation.save()
        messages.success(request, _("%(name)s är registrerad.") % {"name": organisation.name})
        if next_url:  # back where the person came from (adding a party), with the new name to search for
            return redirect(f"{next_url}?{urlencode({'q': organisation.name})}")
        return redirect(organisation)
    return render(request, "projects/organisation_form.html", {"form": form, "next": next_url})


@login_required
@require_GET
def organisation_detail(request, org_pk):
    organisation = get_object_or_404(Organisation, pk=org_pk)
    shared = policy.collaborations_for(request.user).filter(parties__organisation=organisation).distinct()
    return render(
        request,
        "projects/organisation_detail.html",
        {
            "organisation": organisation,
            "collaborations": shared,
            "can_edit": can_edit_organisation(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, org_pk):
    organisation = get_object_or_404(Organisation, pk=org_pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ändringarna är sparade."))
        return redirect(organisation)
    return render(request, "projects/organisation_form.html", {"form": form, "organisation": organisation})
