"""The phases page: the current phase and its timeline, moving it forward or back (a confirmation
step showing what is still open), the collaboration map (table, picture, one form for the six rows;
HTMX swaps the map in place) and starting a new period. Every view works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.common.forms import form_errors
from projects.core.models import Phase
from projects.core.permissions import collaboration_required, policy
from projects.phases import permissions as perms
from projects.phases import services as rules
from projects.phases.forms import MapForm, PhaseChangeForm


def _page_context(request, collaboration, map_form=None):
    levels = rules.levels()
    rows = rules.map_rows(collaboration)
    can_manage = policy.user_has_permission(request.user, perms.CHANGE_PHASE, collaboration)
    can_edit = policy.user_has_permission(request.user, perms.EDIT_MAP, collaboration)
    current = collaboration.phase
    open_ = rules.open_items(collaboration)
    return {
        "collaboration": collaboration,
        "current_label": rules.phase_label(current),
        "phase_number": rules.PHASES.index(current) + 1 if current in rules.PHASES else 1,
        "steps": rules.stepper(current),
        "guidance": rules.phase_guidance(current),
        "timeline": rules.timeline(collaboration),
        "open": open_,
        "phase_done": rules.phase_done(open_),
        "next_phase": rules.next_phase(current),
        "previous_phase": rules.previous_phase(current),
        "next_label": rules.phase_label(rules.next_phase(current) or ""),
        "previous_label": rules.phase_label(rules.previous_phase(current) or ""),
        "can_manage": can_manage,
        "can_edit": can_edit,
        "map_rows": rows,
        "picture": rules.map_picture(rows, current_phase=current, all_levels=levels),
        "map_form": map_form or (MapForm(initial=MapForm.initial_from(rows), levels=levels) if can_edit else None),
        "periods": rules.period_links(collaboration),
        "can_start_period": policy.user_has_permission(request.user, perms.START_PERIOD, collaboration, collaboration),
        "period_due": rules.period_due(collaboration),
    }


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def phases(request, collaboration):
    return render(request, "projects/phases/phases.html", _page_context(request, collaboration))


def _change(request, collaboration, *, back):
    current = collaboration.phase
    target = rules.previous_phase(current) if back else rules.next_phase(current)
    if target is None:
        messages.error(
            request,
            _("Samverkan är redan i den första fasen.") if back else _("Samverkan är redan i den sista fasen."),
        )
        return redirect("projects:phases", collaboration.pk)
    form = PhaseChangeForm(request.POST or None, back=back, initial={"fran": current})
    if request.method == "POST" and form.is_valid():
        try:
            rules.change_phase(
                collaboration,
                user=request.user,
                to_phase=target,
                from_phase=form.cleaned_data["fran"],
                note=form.cleaned_data["comment"],
            )
        except rules.PhaseError as error:
            # Shown again for the phase as it is now, with the text kept.
            messages.error(request, str(error))
            collaboration.refresh_from_db()
            current = collaboration.phase
            target = rules.previous_phase(current) if back else rules.next_phase(current)
            if target is None:
                return redirect("projects:phases", collaboration.pk)
            form = PhaseChangeForm(initial={"fran": current, "comment": form.cleaned_data["comment"]}, back=back)
        else:
            messages.success(request, _("Samverkan är nu i fasen %(phase)s.") % {"phase": rules.phase_label(target)})
            return redirect("projects:phases", collaboration.pk)
    elif request.method == "POST":
        messages.error(request, form_errors(form))
    return render(
        request,
        "projects/phases/phases_change.html",
        {
            "collaboration": collaboration,
            "form": form,
            "back": back,
            "from_label": rules.phase_label(current),
            "to_label": rules.phase_label(target),
            "open": rules.open_items(collaboration),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.CHANGE_PHASE)
def phase_advance(request, collaboration):
    return _change(request, collaboration, back=False)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.CHANGE_PHASE)
def phase_back(request, collaboration):
    return _change(request, collaboration, back=True)


@login_required
@require_POST
@collaboration_required(perms.EDIT_MAP)
def map_save(request, collaboration):
    form = MapForm(request.POST, levels=rules.levels())
    status_message, ok = "", False
    if form.is_valid():
        try:
            changed = rules.save_map(collaboration, user=request.user, values=form.values())
        except rules.PhaseError as error:
            status_message = str(error)
        else:
            ok = True
            if changed:
                names = ", ".join(str(rules.phase_label(phase)) for phase in changed)
                status_message = _("Samverkanskartan är sparad. Ändrat: %(phases)s.") % {"phases": names}
            else:
                status_message = _("Inget att spara: kartan är oförändrad.")
            form = None
    else:
        status_message = _("Kartan är inte sparad. %(errors)s Det du skrev finns kvar i formuläret.") % {
            "errors": form_errors(form)
        }
    if request.htmx:
        context = _page_context(request, collaboration, map_form=form)
        context |= {"map_status": status_message, "map_ok": ok, "oob": True}
        return render(request, "projects/phases/phases.html#map-body", context)
    if ok:
        messages.success(request, status_message)
        return redirect(reverse("projects:phases", args=[collaboration.pk]) + "#map")
    messages.error(request, status_message)
    return render(request, "projects/phases/phases.html", _page_context(request, collaboration, map_form=form))


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.START_PERIOD)
def period_start(request, collaboration):
    """A coordinator of an archived period (a stale page, a second click) gets the reason, not a 403."""
    reason = rules.can_start_period(collaboration)
    if reason:
        messages.error(request, reason)
        return redirect("projects:phases", collaboration.pk)
    if request.method == "POST":
        try:
            new = rules.start_new_period(collaboration, user=request.user)
        except rules.PhaseError as error:
            messages.error(request, str(error))
            return redirect("projects:phases", collaboration.pk)
        messages.success(
            request,
            _("Period %(n)s är påbörjad. Den förra perioden är arkiverad och går att läsa som den var.")
            % {"n": new.period},
        )
        return redirect("projects:phases", new.pk)
    return render(
        request,
        "projects/phases/phases_period.html",
        {
            "collaboration": collaboration,
            "next_number": collaboration.period + 1,
            "not_omformulering": collaboration.phase != Phase.OMFORMULERING,
            "current_label": rules.phase_label(collaboration.phase),
            "has_agreement": collaboration.agreements.exists(),
        },
    )
