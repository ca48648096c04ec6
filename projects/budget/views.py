"""The budget page, its line forms and its spreadsheet: thin views over projects.budget.

Every write works without JavaScript (a form that posts and redirects with a message, or shows the
page again, status 400, with the person's input and the error). With HTMX the add form swaps the
budget's region (the lines, the totals and the form) and the edit form swaps itself; an invalid
HTMX post is answered 422 with its partial."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from projects.budget import chart as charts
from projects.budget import permissions as perms
from projects.budget import queries
from projects.budget import services as budget
from projects.budget.forms import BudgetLineForm
from projects.budget.models import BudgetLine
from projects.common import csv_export
from projects.common.amounts import format_amount
from projects.core.permissions import CHANGE_SETTINGS, collaboration_required, policy

PAGE = "projects/budget/budget.html"
FORM_PAGE = "projects/budget/line_form.html"


def _url(collaboration, anchor="", year=""):
    url = reverse("projects:budget", args=[collaboration.pk])
    if year.isdigit():
        url += f"?ar={year}"
    return f"{url}#{anchor}" if anchor else url


def _line(collaboration, line_pk):
    return get_object_or_404(
        BudgetLine.objects.select_related("party__organisation", "collaboration"),
        pk=line_pk,
        collaboration=collaboration,
    )


def _editable_parties(request, collaboration, party_list):
    return [p for p in party_list if policy.user_has_permission(request.user, perms.EDIT_LINE, collaboration, p)]


def _form(request, collaboration, party_list, years, locked, data=None, line=None, year=None):
    parties = _editable_parties(request, collaboration, party_list)
    if line is not None and line.party not in parties:
        parties = [line.party, *parties]
    auto_id = f"line{line.pk}-%s" if line else "new-line-%s"
    return BudgetLineForm(
        data,
        collaboration=collaboration,
        parties=parties,
        years=years,
        locked=locked,
        line=line,
        auto_id=auto_id,
        initial=None if line else {"party": request.membership.party_id, "year": year},
    )


def _shown_year(request, years):
    """?ar=YYYY: one year of the period (the yearly follow-up links here), else None."""
    raw = request.GET.get("ar", "")
    if raw.isdigit() and int(raw) in years:
        return int(raw), False
    return None, bool(raw)


def _page_context(request, collaboration, add_form=None, notice="", added=None):
    years = queries.period_years(collaboration)
    year, bad_year = _shown_year(request, years)
    party_list = queries.parties(collaboration)
    line_list = queries.lines(collaboration, year=year)
    locked = queries.planned_locked(collaboration)
    membership = request.membership
    archived = collaboration.archived
    shown_years = [year] if year else years
    for line in line_list:
        line.editable = policy.membership_has_permission(membership, perms.EDIT_LINE, line, archived=archived)
        line.deletable = line.editable and budget.can_delete(line, locked)
    result = queries.totals([line for line in line_list if line.year in shown_years], party_list, shown_years)
    can_edit = bool(years) and bool(_editable_parties(request, collaboration, party_list))
    return {
        "collaboration": collaboration,
        "years": years,
        "year": year,
        "bad_year": bad_year,
        "groups": [(y, [line for line in line_list if line.year == y]) for y in shown_years],
        # The whole period shows each year's lines folded but this year's (or the first year's), so a
        # phone reaches the form without scrolling through every year's lines; the line just added opens its year.
        "open_year": year
        or (added.year if added is not None else None)
        or (timezone.localdate().year if timezone.localdate().year in years else (years[0] if years else None)),
        "outside": [line for line in line_list if line.year not in years],
        "totals": result,
        "chart": charts.chart(result),
        "locked": locked,
        "locked_message": budget.locked_message() if locked else "",
        "can_edit": can_edit,
        "add_form": add_form
        or (_form(request, collaboration, party_list, years, locked, year=year) if can_edit else None),
        "notice": notice,
        "added": added,
        "has_lines": bool(line_list),
        "can_set_period": not years and policy.user_has_permission(request.user, CHANGE_SETTINGS, collaboration),
    }


def _region(request, collaboration, **kwargs):
    return render(request, f"{PAGE}#budget-region", _page_context(request, collaboration, **kwargs))


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def budget_page(request, collaboration):
    return render(request, PAGE, _page_context(request, collaboration))


def _save(request, collaboration, form, line=None):
    """The service's answer: the saved line, or None with its errors put on the form."""
    try:
        return budget.save_line(collaboration, user=request.user, values=form.values(), line=line)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@login_required
@require_POST
@collaboration_required(perms.EDIT_LINE)
def budget_line_create(request, collaboration):
    years = queries.period_years(collaboration)
    party_list = queries.parties(collaboration)
    form = _form(request, collaboration, party_list, years, queries.planned_locked(collaboration), data=request.POST)
    line = _save(request, collaboration, form) if form.is_valid() else None
    if line is not None:
        notice = _("Raden ”%(description)s” är tillagd för %(party)s %(year)s.") % {
            "description": line.description,
            "party": line.party,
            "year": line.year,
        }
        if request.htmx:
            return _region(request, collaboration, notice=notice, added=line)
        messages.success(request, notice)
        # Back to the same view: the whole period, or one year (the new line's).
        return redirect(_url(collaboration, f"line-{line.pk}", year=str(line.year) if request.GET.get("ar") else ""))
    if request.htmx:
        response = _region(request, collaboration, add_form=form)
        response.status_code = 422
        return response
    messages.error(request, _("Raden sparades inte. Se meddelandet vid fältet."))
    return render(request, PAGE, _page_context(request, collaboration, add_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT_LINE)
def budget_line_edit(request, collaboration, line_pk):
    line = _line(collaboration, line_pk)
    if not policy.user_has_permission(request.user, perms.EDIT_LINE, collaboration, line):
        raise PermissionDenied
    locked = queries.planned_locked(collaboration)
    data = request.POST if request.method == "POST" else None
    form = _form(
        request, collaboration, queries.parties(collaboration), queries.period_years(collaboration), locked, data, line
    )
    if request.method == "POST" and form.is_valid() and _save(request, collaboration, form, line) is not None:
        messages.success(request, _("Raden ”%(description)s” är sparad.") % {"description": line.description})
        if request.htmx:
            return HttpResponseClientRedirect(_url(collaboration, f"line-{line.pk}"))
        return redirect(_url(collaboration, f"line-{line.pk}"))
    context = {
        "collaboration": collaboration,
        "line": line,
        "form": form,
        "locked": locked,
        "locked_message": budget.locked_message() if locked else "",
    }
    if request.htmx:
        return render(request, f"{FORM_PAGE}#line-form", context, status=422 if form.errors else 200)
    return render(request, FORM_PAGE, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT_LINE)
def budget_line_delete(request, collaboration, line_pk):
    line = _line(collaboration, line_pk)
    if not policy.user_has_permission(request.user, perms.EDIT_LINE, collaboration, line):
        raise PermissionDenied
    locked = queries.planned_locked(collaboration)
    if request.method == "POST" and budget.can_delete(line, locked):
        description = line.description
        budget.delete_line(line, user=request.user)
        messages.success(request, _("Raden ”%(description)s” är borttagen.") % {"description": description})
        return redirect(_url(collaboration, f"year-{line.year}"))
    context = {
        "collaboration": collaboration,
        "line": line,
        "deletable": budget.can_delete(line, locked),
        "locked_message": budget.locked_message() if locked else "",
    }
    return render(request, "projects/budget/line_delete.html", context, status=400 if request.method == "POST" else 200)


def _cell(value):
    """An amount as Swedish spreadsheets read it: a decimal comma, no thousands separator."""
    return "" if value is None else format_amount(value, 2, group="")


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def budget_csv(request, collaboration):
    header = [
        _("År"),
        _("Part"),
        _("Slag"),
        _("Beskrivning"),
        _("Planerade timmar"),
        _("Värde per timme (kr)"),
        _("Planerat (kr)"),
        _("Utfall, timmar"),
        _("Utfall (kr)"),
    ]
    rows = [
        [
            line.year,
            csv_export.safe_text(line.party.organisation.name),
            line.get_kind_display(),
            csv_export.safe_text(line.description),
            _cell(line.planned_hours),
            _cell(line.hourly_value),
            _cell(line.planned),
            _cell(line.actual_hours),
            _cell(line.actual),
        ]
        for line in queries.lines(collaboration)
    ]
    return csv_export.response(f"budget-{collaboration.pk}.csv", header, rows)
