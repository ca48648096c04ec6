"""The stakeholder map and the risk register: thin views over projects.stakeholders.

Every view works without JavaScript (a form posts, the view redirects with a message); with HTMX the
same endpoint answers with the fragments that changed and a line for the page's live region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guides.models import ReferenceEntry, ReferenceList
from projects.common import csv_export
from projects.common.forms import form_errors
from projects.core.permissions import collaboration_required, policy
from projects.stakeholders import permissions as perms
from projects.stakeholders import services as rules
from projects.stakeholders.forms import RiskForm, StakeholderForm, StakeholderMoveForm
from projects.stakeholders.models import Risk, Stakeholder

# Stakeholders -----------------------------------------------------------------------------------


def _stakeholder(collaboration, stakeholder_pk):
    return get_object_or_404(Stakeholder, pk=stakeholder_pk, collaboration=collaboration)


def _stakeholder_context(request, collaboration, **extra):
    stakeholders = rules.stakeholder_list(collaboration)
    can_edit = policy.user_has_permission(request.user, perms.EDIT_STAKEHOLDERS, collaboration)
    context = {
        "collaboration": collaboration,
        "stakeholders": stakeholders,
        "picture": rules.stakeholder_map(stakeholders),
        "can_edit": can_edit,
        "scale": rules.SCALE,
        "quadrants": rules.QUADRANTS,
        "form": StakeholderForm() if can_edit else None,
    }
    return context | extra


def _stakeholder_page(request, collaboration, **extra):
    """The whole page, with the guide's text on stakeholder mapping and its source."""
    reference = ReferenceList.objects.filter(slug=rules.STAKEHOLDER_REFERENCE, retired=False).first()
    context = _stakeholder_context(request, collaboration, **extra)
    context["guide_entries"] = list(reference.entries.current()) if reference else []
    context["source"] = reference.sources if reference else rules.STAKEHOLDER_SOURCE
    return render(request, "projects/stakeholders/stakeholders.html", context)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def stakeholders(request, collaboration):
    return _stakeholder_page(request, collaboration)


@login_required
@require_POST
@collaboration_required(perms.EDIT_STAKEHOLDERS)
def stakeholder_add(request, collaboration):
    form = StakeholderForm(request.POST)
    if form.is_valid():
        stakeholder = rules.save_stakeholder(form, collaboration=collaboration, user=request.user)
        status = _("%(name)s är tillagd i fältet ”%(field)s”.") % {
            "name": stakeholder.name,
            "field": stakeholder.quadrant.label,
        }
        if request.htmx:
            context = _stakeholder_context(request, collaboration, status=status)
            return render(request, "projects/stakeholders/includes/stakeholder_added.html", context)
        messages.success(request, status)
        return redirect("projects:stakeholders", collaboration.pk)
    if request.htmx:
        context = _stakeholder_context(
            request, collaboration, form=form, status=_("Intressenten är inte sparad. Rätta det som är markerat.")
        )
        return render(request, "projects/stakeholders/includes/stakeholder_added.html", context)
    messages.error(request, _("Intressenten är inte sparad. Rätta det som är markerat."))
    return _stakeholder_page(request, collaboration, form=form)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT_STAKEHOLDERS)
def stakeholder_edit(request, collaboration, stakeholder_pk):
    stakeholder = _stakeholder(collaboration, stakeholder_pk)
    form = StakeholderForm(request.POST or None, instance=stakeholder)
    if request.method == "POST" and form.is_valid():
        rules.save_stakeholder(form, collaboration=collaboration, user=request.user)
        messages.success(request, _("%(name)s är sparad.") % {"name": stakeholder.name})
        return redirect("projects:stakeholders", collaboration.pk)
    stakeholder.refresh_from_db(fields=["name"])  # the heading shows the saved name, not a refused one
    return render(
        request,
        "projects/stakeholders/stakeholders_edit.html",
        {"collaboration": collaboration, "stakeholder": stakeholder, "form": form},
    )


@login_required
@require_POST
@collaboration_required(perms.EDIT_STAKEHOLDERS)
def stakeholder_move(request, collaboration, stakeholder_pk):
    stakeholder = _stakeholder(collaboration, stakeholder_pk)
    form = StakeholderMoveForm(request.POST)
    if form.is_valid():
        rules.move_stakeholder(stakeholder, **form.cleaned_data, user=request.user)
        status = _("%(name)s är flyttad till inflytande %(influence)s, intresse %(interest)s: %(field)s.") % {
            "name": stakeholder.name,
            "influence": stakeholder.influence,
            "interest": stakeholder.interest,
            "field": stakeholder.quadrant.label,
        }
        move_error = ""
    else:
        rules.with_quadrant(stakeholder)
        status = move_error = _("%(name)s är inte flyttad: %(error)s") % {
            "name": stakeholder.name,
            "error": form_errors(form),
        }
    if not request.htmx:
        (messages.error if move_error else messages.success)(request, status)
        return redirect("projects:stakeholders", collaboration.pk)
    context = _stakeholder_context(
        request, collaboration, stakeholder=stakeholder, status=status, move_error=move_error
    )
    return render(request, "projects/stakeholders/includes/stakeholder_moved.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT_STAKEHOLDERS)
def stakeholder_delete(request, collaboration, stakeholder_pk):
    """GET asks for confirmation; POST deletes."""
    stakeholder = _stakeholder(collaboration, stakeholder_pk)
    if request.method == "POST":
        rules.delete_stakeholder(stakeholder, user=request.user)
        messages.success(request, _("%(name)s är borttagen ur intressentkartan.") % {"name": stakeholder.name})
        return redirect("projects:stakeholders", collaboration.pk)
    return render(
        request,
        "projects/stakeholders/stakeholders_delete.html",
        {"collaboration": collaboration, "stakeholder": stakeholder},
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def stakeholder_csv(request, collaboration):
    return csv_export.response(
        rules.csv_filename("intressenter", collaboration), *rules.stakeholders_csv(collaboration)
    )


# Risks ------------------------------------------------------------------------------------------


def _risk(collaboration, risk_pk):
    risks = Risk.objects.select_related("owner__organisation")
    return get_object_or_404(risks, pk=risk_pk, collaboration=collaboration)


def _risk_context(request, collaboration, **extra):
    risks = rules.risk_list(collaboration)
    can_edit = policy.user_has_permission(request.user, perms.EDIT_RISKS, collaboration)
    context = {
        "collaboration": collaboration,
        "risks": risks,
        "matrix": rules.risk_matrix(risks),
        "levels": rules.LEVELS,
        "can_edit": can_edit,
        "form": RiskForm(collaboration=collaboration) if can_edit else None,
        "editing": None,
    }
    return context | extra


def _risk_guide():
    """MUCF's text on the risk matrix, with its source."""
    return ReferenceEntry.objects.filter(slug=rules.RISK_REFERENCE, retired=False).first()


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def risks(request, collaboration):
    return render(
        request, "projects/stakeholders/risks.html", _risk_context(request, collaboration, guide=_risk_guide())
    )


def _risk_saved(request, collaboration, status, template="projects/stakeholders/includes/risk_saved.html"):
    if request.htmx:
        return render(request, template, _risk_context(request, collaboration, status=status))
    messages.success(request, status)
    return redirect("projects:risks", collaboration.pk)


def _risk_refused(request, collaboration, form, editing=None):
    status = _("Risken är inte sparad. Rätta det som är markerat.")
    context = _risk_context(request, collaboration, form=form, editing=editing, status=status)
    if request.htmx:
        return render(request, "projects/stakeholders/includes/risk_saved.html", context)
    messages.error(request, status)
    if editing:
        return render(request, "projects/stakeholders/risks_edit.html", context)
    return render(request, "projects/stakeholders/risks.html", context | {"guide": _risk_guide()})


@login_required
@require_POST
@collaboration_required(perms.EDIT_RISKS)
def risk_add(request, collaboration):
    form = RiskForm(request.POST, collaboration=collaboration)
    if not form.is_valid():
        return _risk_refused(request, collaboration, form)
    risk = rules.save_risk(form, collaboration=collaboration, user=request.user)
    status = _("Risken ”%(title)s” är tillagd med riskvärde %(score)s (%(level)s).") % {
        "title": risk.title,
        "score": risk.score,
        "level": rules.level(risk.score).name,
    }
    return _risk_saved(request, collaboration, status)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT_RISKS)
def risk_edit(request, collaboration, risk_pk):
    risk = _risk(collaboration, risk_pk)
    if request.method == "GET":
        context = {"collaboration": collaboration, "form": RiskForm(instance=risk, collaboration=collaboration)}
        context["editing"] = risk
        if request.htmx:  # the form takes the place of the add form on the risk page, focused
            context["form"].fields["title"].widget.attrs["autofocus"] = True
            return render(request, "projects/stakeholders/risks.html#risk-form", context)
        return render(request, "projects/stakeholders/risks_edit.html", context)
    form = RiskForm(request.POST, instance=risk, collaboration=collaboration)
    if not form.is_valid():
        risk.refresh_from_db(fields=["title"])
        return _risk_refused(request, collaboration, form, editing=risk)
    risk = rules.save_risk(form, collaboration=collaboration, user=request.user)
    status = _("Risken ”%(title)s” är sparad: riskvärde %(score)s (%(level)s), %(status)s.") % {
        "title": risk.title,
        "score": risk.score,
        "level": rules.level(risk.score).name,
        "status": risk.get_status_display().lower(),
    }
    return _risk_saved(request, collaboration, status)


@login_required
@require_POST
@collaboration_required(perms.EDIT_RISKS)
def risk_close(request, collaboration, risk_pk):
    risk = _risk(collaboration, risk_pk)
    if rules.close_risk(risk, user=request.user):
        status = _("Risken ”%(title)s” är stängd.") % {"title": risk.title}
    else:
        status = _("Risken ”%(title)s” var redan stängd.") % {"title": risk.title}
    return _risk_saved(request, collaboration, status, "projects/stakeholders/includes/risk_closed.html")


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def risk_csv(request, collaboration):
    return csv_export.response(rules.csv_filename("risker", collaboration), *rules.risks_csv(collaboration))
