from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.agreements.permissions import RECORD_DECISION
from projects.agreements.queries import decision_recorders
from projects.common.forms import form_errors
from projects.core import invitation_links
from projects.core import permissions as perms
from projects.core import services as actions
from projects.core.forms import (
    CollaborationCreateForm,
    CollaborationSettingsForm,
    DecisionRecorderForm,
    InvitationForm,
    PartyAddForm,
    PartyForm,
    RestoreForm,
    RoleForm,
)
from projects.core.models import Invitation, Membership, Party
from projects.core.permissions import collaboration_required, policy
from projects.form_choice import services as form_choice
from projects.goals import services as goals
from projects.meetings import services as meetings
from projects.notifications import services as notices
from projects.organisations import services as organisations
from projects.organisations.queries import search_organisations
from projects.phases import services as phases
from projects.principles import services as principle_rules
from projects.stakeholders import services as stakeholders
from projects.todo import queries as todo

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
    return render(request, "projects/core/dashboard.html", {"page": page, "waiting": todo.waiting_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_create(request):
    form = CollaborationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation, new_organisation = form.organisation_fields()
        fields = {name: form.cleaned_data[name] for name in CollaborationCreateForm.Meta.fields}
        collaboration = actions.start_collaboration(
            user=request.user, organisation=organisation, new_organisation=new_organisation, **fields
        )
        messages.success(request, _("Samverkan är skapad. Lägg nu till de andra parterna och bjud in personerna."))
        return redirect(collaboration)
    return render(
        request,
        "projects/core/collaboration_form.html",
        {"form": form, "creating": True, "taken": form.taken_organisation() if form.is_bound else None},
    )


# Collaboration -------------------------------------------------------------------------------


def _parties(collaboration):
    return list(collaboration.parties.select_related("organisation"))


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def overview(request, collaboration):
    parties = _parties(collaboration)
    members = Membership.objects.filter(collaboration=collaboration).select_related("user", "party__organisation")
    events = collaboration.events.select_related("actor")[:8]
    can_manage = policy.user_has_permission(request.user, perms.COORDINATE, collaboration)
    pending = collaboration.invitations.pending().count() if can_manage else 0
    warnings = collaboration.sector_warnings(parties)
    return render(
        request,
        "projects/core/overview.html",
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
            "next_step": todo.next_step(collaboration, request.membership),
            "waiting": todo.waiting_for(request.user, collaboration),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.CHANGE_SETTINGS)
def collaboration_edit(request, collaboration):
    # An archived collaboration is read-only: its settings offer only restoring it.
    form_class = RestoreForm if collaboration.archived else CollaborationSettingsForm
    # Not ``request.POST or None``: unticking the only checkbox posts an empty form.
    form = form_class(request.POST if request.method == "POST" else None, instance=collaboration)
    if request.method == "POST" and form.is_valid():
        actions.update_collaboration(form.instance, user=request.user, changed_fields=form.changed_data)
        messages.success(request, _("Ändringarna är sparade."))
        return redirect(collaboration)
    return render(request, "projects/core/collaboration_form.html", {"form": form, "collaboration": collaboration})


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def events(request, collaboration):
    page = _page(request, collaboration.events.select_related("actor"), size=50)
    return render(request, "projects/core/events.html", {"collaboration": collaboration, "page": page})


# Parties -------------------------------------------------------------------------------------


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def parties(request, collaboration):
    can_manage = policy.user_has_permission(request.user, perms.MANAGE_PARTIES, collaboration)
    query = request.GET.get("q", "")
    results = search_organisations(query, collaboration) if can_manage else []
    context = {
        "collaboration": collaboration,
        "parties": collaboration.parties.select_related("organisation").prefetch_related("memberships__user"),
        "can_manage": can_manage,
        "query": query,
        "results": results,
        "warnings": collaboration.sector_warnings(),
    }
    if request.htmx and request.htmx.target == "org-search-results":
        return render(request, "projects/core/parties.html#search-results", context)
    return render(request, "projects/core/parties.html", context)


@login_required
@require_POST
@collaboration_required(perms.MANAGE_PARTIES)
def party_add(request, collaboration):
    form = PartyAddForm(request.POST, collaboration=collaboration)
    if form.is_valid():
        try:
            party = actions.add_party(collaboration, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_messages(error))
        else:
            name = form.cleaned_data["organisation"].name
            if party.is_pending:
                messages.success(
                    request,
                    _(
                        "%(name)s är föreslagen som part. Organisationen deltar när någon av dess medlemmar har "
                        "tackat ja; en förfrågan har gått till dess administratörer."
                    )
                    % {"name": name},
                )
            else:
                messages.success(request, _("%(name)s är tillagd som part.") % {"name": name})
    else:
        messages.error(request, form_errors(form))
    return redirect("projects:parties", collaboration.pk)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.MANAGE_PARTIES)
def party_edit(request, collaboration, party_pk):
    party = get_object_or_404(Party.objects.select_related("organisation"), pk=party_pk, collaboration=collaboration)
    form = PartyForm(request.POST or None, instance=party)
    if request.method == "POST" and form.is_valid():
        actions.update_party(form.instance, user=request.user)
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("projects:parties", collaboration.pk)
    return render(
        request, "projects/core/party_form.html", {"collaboration": collaboration, "party": party, "form": form}
    )


@login_required
@require_POST
@collaboration_required(perms.MANAGE_PARTIES)
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
    can_manage = policy.user_has_permission(request.user, perms.MANAGE_PEOPLE, collaboration)
    members = list(collaboration.memberships.select_related("user", "party__organisation"))
    _decision_recorders(request, collaboration, members)
    if can_manage:  # coordinators see whose e-mail does not arrive
        bounced = notices.bounced({member.user_id for member in members})
        for member in members:
            member.bounced = member.user_id in bounced
    context = {
        "collaboration": collaboration,
        "members": members,
        "coordinator_count": sum(1 for member in members if member.is_coordinator),
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
    return context | extra


def _decision_recorders(request, collaboration, members):
    """Set on each member ``records`` (records the party's decision: marked, or by default),
    ``records_by_default`` (as the party's coordinator or, without one, its editor, as nobody is
    marked), ``can_record`` (the role may record at all) and ``can_mark`` (the person looking may mark
    or unmark them: asked once per party)."""
    recorders = {m.pk for people in decision_recorders(collaboration).values() for m in people}
    may_mark = {}
    for member in members:
        if member.party_id not in may_mark:
            may_mark[member.party_id] = policy.user_has_permission(
                request.user, perms.MARK_DECISION_RECORDER, collaboration, member.party
            )
        member.records = member.pk in recorders
        member.records_by_default = member.records and not member.records_decisions
        member.can_record = policy.membership_has_permission(member, RECORD_DECISION)
        member.can_mark = may_mark[member.party_id] and (member.can_record or member.records_decisions)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def people(request, collaboration):
    return render(request, "projects/core/people.html", _people_context(request, collaboration))


@login_required
@require_POST
@collaboration_required(perms.MANAGE_PEOPLE)
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
        context = _people_context(request, collaboration)
        return render(
            request,
            "projects/core/people.html#member-row",
            {
                **context,
                "member": next((m for m in context["members"] if m.pk == membership.pk), membership),
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
@collaboration_required(perms.MARK_DECISION_RECORDER)
def member_records_decisions(request, collaboration, membership_pk):
    """Mark a person as recording their party's decision, or remove the mark (the people page)."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "party__organisation"), pk=membership_pk, collaboration=collaboration
    )
    if not policy.user_has_permission(request.user, perms.MARK_DECISION_RECORDER, collaboration, membership.party):
        raise PermissionDenied
    form = DecisionRecorderForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(f"{reverse('projects:people', args=[collaboration.pk])}#member-{membership.pk}")
    value = form.cleaned_data["records_decisions"]
    try:
        actions.set_decision_recorder(membership, by=request.user, value=value)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        message = (
            _("%(name)s registrerar nu beslutet för %(party)s.")
            if value
            else _("%(name)s är inte längre markerad för att registrera beslutet för %(party)s.")
        )
        messages.success(request, message % {"name": membership.user, "party": membership.party.organisation.name})
    return redirect(f"{reverse('projects:people', args=[collaboration.pk])}#member-{membership.pk}")


@login_required
@require_POST
@collaboration_required(perms.MANAGE_PEOPLE)
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
@collaboration_required(perms.INVITE)
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
    return render(request, "projects/core/invitation_form.html", {"collaboration": collaboration, "form": form})


def _invitation(collaboration, invitation_pk):
    return get_object_or_404(
        Invitation.objects.select_related("party__organisation"), pk=invitation_pk, collaboration=collaboration
    )


@login_required
@require_POST
@collaboration_required(perms.INVITE)
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
@collaboration_required(perms.INVITE)
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
    """The link in the invitation e-mail (projects.core.invitation_links)."""
    invitation = invitation_links.find(Invitation, token, "collaboration", "party__organisation", "invited_by")
    return invitation_links.invitation_page(
        request,
        token,
        invitation,
        template="projects/core/invitation_accept.html",
        problem_template="projects/core/invitation_problem.html",
        accept=_accept,
    )


def _accept(request, invitation, user):
    try:
        membership = actions.accept_invitation(invitation, user=user)
    except ValidationError as error:
        if error.code == "not_member":
            # Not (yet) one of the party's organisation: ask its administrators; the invitation is
            # accepted by itself when they let the person in.
            join_request = organisations.ask_to_represent(invitation, user=user)
            return render(
                request,
                "projects/core/invitation_waiting.html",
                {"invitation": invitation, "join_request": join_request},
                status=202,
            )
        return render(
            request, "projects/core/invitation_problem.html", {"invitation": invitation, "problem": "gone"}, status=410
        )
    messages.success(
        request,
        _("Välkommen till %(title)s! Du är med för %(party)s.")
        % {"title": invitation.collaboration.title, "party": membership.party},
    )
    return redirect(invitation.collaboration)
