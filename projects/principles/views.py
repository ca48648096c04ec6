"""The principles page: the collaboration's formulation of each of the six principles beside the
guides' text (autosaved, with version conflicts), concerns (problems flagged with a principle) raised
by any member and resolved by a coordinator, and the tags of the agreement's sections (the principles lens).

Every view works without JavaScript (plain forms that post and redirect); with HTMX the same
endpoints return the fragment that changed. The rules are in projects.principles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.agreements import permissions as agreement_perms
from projects.agreements.models import AgreementSection
from projects.common import versioned
from projects.common.forms import form_errors
from projects.core.permissions import collaboration_required, policy
from projects.principles import permissions as perms
from projects.principles import services as rules
from projects.principles.forms import CommitmentForm, ConcernForm, ResolveForm, SectionPrinciplesForm
from projects.principles.models import PrincipleConcern


def _principle(slug):
    principle = rules.principle_by_slug(slug)
    if principle is None:
        raise Http404
    return principle


def _page_url(collaboration, anchor=""):
    url = reverse("projects:principles", args=[collaboration.pk])
    return f"{url}#{anchor}" if anchor else url


def _can(request, collaboration, perm):
    return policy.user_has_permission(request.user, perm, collaboration)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def principles(request, collaboration):
    return _render_page(request, collaboration)


def _render_page(request, collaboration, *, pending=None, resolve_forms=None, status=200):
    """The whole page. ``pending``: {slug: {"text", "version", "error", "theirs"}} for a formulation
    that was not saved (shown again in its field); ``resolve_forms``: {concern id: bound form}."""
    principle_rows = rules.rows(collaboration)
    pending = pending or {}
    for row in principle_rows:
        row.pending = pending.get(row.slug)
        row.concern_form = ConcernForm(auto_id=f"c-{row.slug}-%s")
        for concern in row.open_concerns:
            concern.form = (resolve_forms or {}).get(concern.pk)
    context = {
        "collaboration": collaboration,
        "rows": principle_rows,
        "can_edit": _can(request, collaboration, perms.FORMULATE),
        "can_manage": _can(request, collaboration, perms.RESOLVE_CONCERN),
        "can_raise": _can(request, collaboration, perms.RAISE_CONCERN),
        "open_concerns": sorted(
            (c for row in principle_rows for c in row.open_concerns), key=lambda c: c.created_at, reverse=True
        ),
        "formulated": sum(1 for row in principle_rows if row.text.strip()),
        "gaps": rules.agreement_gaps(collaboration, [row.principle for row in principle_rows]),
    }
    return render(request, "projects/principles/principles.html", context, status=status)


# The formulation --------------------------------------------------------------------------------


@login_required
@require_POST
@collaboration_required(perms.FORMULATE)
def principle_save(request, collaboration, slug):
    principle = _principle(slug)
    form = CommitmentForm(request.POST, prefix=principle.slug)
    result, error = None, None
    if form.is_valid():
        result = rules.save_commitment(
            collaboration=collaboration,
            principle=principle,
            user=request.user,
            text=form.cleaned_data["text"],
            base_version=form.cleaned_data["version"],
        )
    else:
        error = form_errors(form)
    posted_text = request.POST.get(f"{principle.slug}-text", "").replace("\r\n", "\n")
    if not request.htmx:
        if error or result.conflict:
            # The whole page again, the person's text in its field.
            entry = {"text": posted_text, "version": _posted_version(request, principle), "error": error}
            if result and result.conflict:
                entry |= {"theirs": result, "version": result.version}
            status = 400 if error else 409
            return _render_page(request, collaboration, pending={principle.slug: entry}, status=status)
        if result.saved:
            messages.success(request, _("%(name)s: er text är sparad.") % {"name": principle.name})
        else:
            messages.info(request, _("%(name)s: inget var ändrat.") % {"name": principle.name})
        return redirect(_page_url(collaboration, f"princip-{principle.slug}"))
    # HTMX: the status under the field (an error or a conflict keeps the text in the field).
    if result is not None and result.obj.pk is not None:
        row = rules.PrincipleRow(principle, result.obj)
    else:
        row = rules.row(collaboration, principle)
    if error or result.conflict:  # the field still holds the person's text, based on what they had
        row.pending = {"version": _posted_version(request, principle)}
    context = {"collaboration": collaboration, "row": row, "error": error, "result": result}
    response = render(request, "projects/principles/principles.html#commitment-meta", context)
    return versioned.with_state(response, result, error)


def _posted_version(request, principle):
    value = request.POST.get(f"{principle.slug}-version", "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


# Concerns ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.VIEW)
def concern_raise(request, collaboration, slug):
    """Any member (readers too) raises a concern on a principle. GET: the form on its own page
    (linked from the stepper)."""
    principle = _principle(slug)
    if not _can(request, collaboration, perms.RAISE_CONCERN):
        raise PermissionDenied
    form = ConcernForm(request.POST or None, auto_id=f"c-{principle.slug}-%s")
    if request.method == "GET":
        return _render_concern_page(request, collaboration, principle, form)
    if form.is_valid():
        rules.raise_concern(
            collaboration=collaboration,
            principle=principle,
            membership=request.membership,
            text=form.cleaned_data["text"],
        )
        message = _("Problemet med %(name)s är flaggat. En samordnare markerar det som löst.") % {
            "name": principle.name
        }
        if request.htmx:
            return _render_concerns(request, collaboration, principle, message)
        messages.success(request, message)
        return redirect(_page_url(collaboration, f"princip-{principle.slug}"))
    if request.htmx:
        return _render_concerns(request, collaboration, principle, form_errors(form), concern_form=form, error=True)
    return _render_concern_page(request, collaboration, principle, form, status=400)


def _render_concern_page(request, collaboration, principle, form, status=200):
    row = rules.row(collaboration, principle)
    return render(
        request,
        "projects/principles/principles_concern.html",
        {"collaboration": collaboration, "principle": principle, "row": row, "form": form},
        status=status,
    )


def _render_concerns(request, collaboration, principle, message, *, concern_form=None, resolve_form=None, error=False):
    """The concerns of one principle (swapped into its section), the status line, and the summary
    at the top of the page (both out of band)."""
    row = rules.row(collaboration, principle)
    row.concern_form = concern_form or ConcernForm(auto_id=f"c-{principle.slug}-%s")
    for concern in row.open_concerns:
        concern.form = resolve_form if resolve_form is not None and resolve_form.concern_pk == concern.pk else None
    return render(
        request,
        "projects/principles/principles.html#concerns-fragment",
        {
            "collaboration": collaboration,
            "row": row,
            "can_manage": _can(request, collaboration, perms.RESOLVE_CONCERN),
            "can_raise": _can(request, collaboration, perms.RAISE_CONCERN),
            "status_message": message,
            "status_error": error,
            "open_concerns": rules.open_concerns(collaboration),
        },
    )


def _concern(collaboration, concern_pk):
    return get_object_or_404(
        PrincipleConcern.objects.select_related("principle"), pk=concern_pk, collaboration=collaboration
    )


@login_required
@require_POST
@collaboration_required(perms.RESOLVE_CONCERN)
def concern_resolve(request, collaboration, concern_pk):
    concern = _concern(collaboration, concern_pk)
    principle = concern.principle
    form = ResolveForm(request.POST, auto_id=f"r-{concern.pk}-%s")
    form.concern_pk = concern.pk
    message, error = None, False
    if form.is_valid():
        try:
            rules.resolve_concern(concern, user=request.user, resolution=form.cleaned_data["resolution"])
        except rules.PrincipleError as exc:
            message, error = str(exc), True
        else:
            message = _("Problemet med %(name)s är markerat som löst.") % {"name": principle.name}
    else:
        message, error = form_errors(form), True
    keep = form if error and form.errors else None
    if request.htmx:
        return _render_concerns(request, collaboration, principle, message, resolve_form=keep, error=error)
    if keep is not None:  # the page again, the note kept in its field
        messages.error(request, message)
        return _render_page(request, collaboration, resolve_forms={concern.pk: keep}, status=400)
    (messages.error if error else messages.success)(request, message)
    return redirect(_page_url(collaboration, f"princip-{principle.slug}"))


# The lens on the agreement ----------------------------------------------------------------------


@login_required
@require_POST
@collaboration_required(agreement_perms.WRITE_SECTION)
def principle_section_tags(request, collaboration, section_pk):
    section = get_object_or_404(
        AgreementSection.objects.select_related("agreement"), pk=section_pk, agreement__collaboration=collaboration
    )
    if not policy.user_has_permission(request.user, agreement_perms.WRITE_SECTION, collaboration, section.agreement):
        raise PermissionDenied
    form = SectionPrinciplesForm(request.POST)
    message, error = None, False
    if form.is_valid():
        try:
            changed = rules.set_section_principles(
                section, user=request.user, principles=list(form.cleaned_data["principles"])
            )
        except rules.PrincipleError as exc:
            message, error = str(exc), True
        else:
            saved = _("Principerna för %(title)s är sparade.")
            message = (saved if changed else _("Principerna för %(title)s är oförändrade.")) % {"title": section.title}
    else:
        message, error = form_errors(form), True
    agreement_url = f"{reverse('projects:agreement', args=[collaboration.pk])}#sec-{section.pk}"
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return redirect(agreement_url)
    section = AgreementSection.objects.prefetch_related("principles").select_related("agreement").get(pk=section.pk)
    sections = AgreementSection.objects.filter(agreement=section.agreement).prefetch_related("principles")
    lens = rules.lens_context(section.agreement, sections)
    return render(
        request,
        "projects/principles/includes/principle_section_tags.html",
        {
            "collaboration": collaboration,
            "s": section,
            "all_principles": lens["all_principles"],
            "principle_gaps": lens["principle_gaps"],
            "can_write": section.agreement.state == section.agreement.State.DRAFT,
            "fragment": True,
            "status_message": message,
            "status_error": error,
        },
    )
