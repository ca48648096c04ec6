"""Goals, indicators and measurements: thin views over projects.goals.

Every write works without JavaScript (a plain form that posts and redirects with a message, or
shows the page again with the person's input and the error). With HTMX the same endpoints return
the part that changed: a goal's card or an indicator's card (with 200 also for a form error, so
that htmx swaps it in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.core.permissions import collaboration_required, policy
from projects.goals import permissions as perms
from projects.goals import services as goals
from projects.goals.forms import GoalForm, IndicatorForm, MeasureByForm, MeasurementForm
from projects.goals.models import Goal, Indicator, Measurement

PAGE = "projects/goals/goals.html"


def _goal(collaboration, goal_pk):
    return get_object_or_404(Goal, pk=goal_pk, collaboration=collaboration)


def _indicator(collaboration, indicator_pk):
    return get_object_or_404(
        Indicator.objects.select_related("goal"), pk=indicator_pk, goal__collaboration=collaboration
    )


def _goals_url(collaboration, anchor=""):
    url = reverse("projects:goals", args=[collaboration.pk])
    return f"{url}#{anchor}" if anchor else url


def _measurement_form(indicator, data=None):
    return MeasurementForm(data, indicator=indicator, auto_id=f"m{indicator.pk}-%s")


def _indicator_form(goal, data=None, instance=None):
    prefix_id = f"i{instance.pk}" if instance else f"g{goal.pk}-new"
    return IndicatorForm(data, instance=instance, auto_id=f"{prefix_id}-%s")


def _decorate(request, collaboration, goal_list, parties, bound=None):
    """Give each goal and indicator what the cards show. ``bound`` maps ("goal", pk),
    ("indicator", pk), ("measurement", pk) to a bound form to show instead of a blank one."""
    bound = bound or {}
    can_edit = policy.user_has_permission(request.user, perms.EDIT, collaboration)
    membership = request.membership
    can_accept = policy.user_has_permission(request.user, perms.ACCEPT, collaboration, membership.party)
    can_set_measure_by = policy.user_has_permission(request.user, perms.SET_MEASURE_BY, collaboration)
    for goal in goal_list:
        goal.smart = goals.smart_status(goal, parties)
        goal.acceptance_rows = goals.acceptance_rows(goal, parties)
        goal.my_acceptance = next((a for p, a in goal.acceptance_rows if p.pk == membership.party_id), None)
        goal.can_accept = can_accept
        goal.indicator_form = bound.get(("new_indicator", goal.pk)) or (_indicator_form(goal) if can_edit else None)
        goal.indicator_list = list(goal.indicators.all())
        goal.measure_form = bound.get(("measure", goal.pk)) or (
            MeasureByForm(goal=goal) if can_set_measure_by and (goal.indicator_list or goal.measure_by) else None
        )
        for indicator in goal.indicator_list:
            _decorate_indicator(indicator, membership, can_edit, bound.get(("measurement", indicator.pk)))
    return can_edit


def _decorate_indicator(indicator, membership, can_edit, form=None):
    indicator.measurement_list = list(indicator.measurements.all())
    indicator.progress = goals.progress(indicator)
    indicator.chart = goals.chart(indicator, indicator.measurement_list)
    indicator.measurement_form = form or (_measurement_form(indicator) if can_edit else None)
    # In a round of measurements (projects.goals.queries): whether this one still waits for its value.
    goal = indicator.goal
    indicator.round_waiting = (
        goal.measure_by is not None
        and goal.measure_requested_at is not None
        and not any(m.recorded_at > goal.measure_requested_at for m in indicator.measurement_list)
    )
    for measurement in indicator.measurement_list:
        measurement.deletable = can_edit and policy.membership_has_permission(
            membership, perms.DELETE_MEASUREMENT, measurement
        )


def _page_context(request, collaboration, add_form=None, bound=None):
    parties = goals.accepting_parties(collaboration)
    goal_list = goals.goals_for_page(collaboration)
    can_edit = _decorate(request, collaboration, goal_list, parties, bound)
    return {
        "collaboration": collaboration,
        "goals": goal_list,
        "parties": parties,
        "can_edit": can_edit,
        "guide": goals.smart_guide(),
        "add_form": add_form or (GoalForm(auto_id="new-goal-%s") if can_edit else None),
    }


def _goal_card(request, collaboration, goal_pk, bound=None, notice="", withdrawn=None):
    """The one goal's card (HTMX), with the same queries as the page but for one goal."""
    parties = goals.accepting_parties(collaboration)
    goal = goals.goals_for_page(collaboration, pk=goal_pk)[0]
    can_edit = _decorate(request, collaboration, [goal], parties, bound)
    context = {
        "collaboration": collaboration,
        "goal": goal,
        "can_edit": can_edit,
        "card_notice": notice,
        "withdrawn": withdrawn,
    }
    return render(request, f"{PAGE}#goal-card", context)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def goals_page(request, collaboration):
    return render(request, PAGE, _page_context(request, collaboration))


@login_required
@require_POST
@collaboration_required(perms.EDIT)
def goal_create(request, collaboration):
    form = GoalForm(request.POST, auto_id="new-goal-%s")
    if form.is_valid():
        goal = goals.create_goal(collaboration, user=request.user, form=form)
        notice = _("Målet ”%(title)s” är tillagt.") % {"title": goal.title}
        if request.htmx:
            context = _page_context(request, collaboration)
            context["notice"] = notice
            return render(request, f"{PAGE}#goal-list", context)
        messages.success(request, notice)
        return redirect(_goals_url(collaboration, f"goal-{goal.pk}"))
    if request.htmx:
        context = _page_context(request, collaboration, add_form=form)
        return render(request, f"{PAGE}#goal-list", context)
    messages.error(request, _("Målet sparades inte. Se meddelandet vid fältet."))
    return render(request, PAGE, _page_context(request, collaboration, add_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT)
def goal_edit(request, collaboration, goal_pk):
    goal = _goal(collaboration, goal_pk)
    form = GoalForm(request.POST if request.method == "POST" else None, instance=goal, auto_id=f"g{goal.pk}-%s")
    if request.method == "POST" and form.is_valid():
        withdrawn = goals.update_goal(goal, user=request.user, form=form)
        notice = _("Målet är sparat.")
        if withdrawn:
            notice += " " + _("Målets text ändrades, så parternas acceptanser är återkallade: %(parties)s.") % {
                "parties": ", ".join(str(p) for p in withdrawn)
            }
        if request.htmx:
            return _goal_card(request, collaboration, goal.pk, notice=notice, withdrawn=withdrawn)
        (messages.warning if withdrawn else messages.success)(request, notice)
        return redirect(_goals_url(collaboration, f"goal-{goal.pk}"))
    if request.method == "GET" and request.GET.get("avbryt") and request.htmx:
        return _goal_card(request, collaboration, goal.pk)
    context = {"collaboration": collaboration, "goal": goal, "form": form}
    if request.htmx:
        return render(request, "projects/goals/goal_form.html#goal-edit-form", context)
    return render(request, "projects/goals/goal_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT)
def goal_delete(request, collaboration, goal_pk):
    goal = _goal(collaboration, goal_pk)
    if request.method == "POST":
        title = goal.title
        goals.delete_goal(goal, user=request.user)
        messages.success(request, _("Målet ”%(title)s” är borttaget.") % {"title": title})
        return redirect(_goals_url(collaboration))
    context = {
        "collaboration": collaboration,
        "object": goal,
        "kind": "goal",
        "indicators": goal.indicators.count(),
        "measurements": Measurement.objects.filter(indicator__goal=goal).count(),
        "action": reverse("projects:goal_delete", args=[collaboration.pk, goal.pk]),
    }
    return render(request, "projects/goals/goal_delete.html", context)


@login_required
@require_POST
@collaboration_required(perms.ACCEPT)
def goal_accept(request, collaboration, goal_pk):
    """A writer accepts the goal on behalf of their own party (or takes it back)."""
    goal = _goal(collaboration, goal_pk)
    party = request.membership.party
    if not policy.user_has_permission(request.user, perms.ACCEPT, collaboration, party):
        raise PermissionDenied
    if request.POST.get("withdraw"):
        changed = goals.withdraw_acceptance(goal, party=party, user=request.user)
        notice = _("%(party)s har tagit tillbaka sin acceptans av målet.") % {"party": party} if changed else ""
    else:
        changed = goals.accept_goal(goal, party=party, user=request.user)
        notice = _("%(party)s har accepterat målet.") % {"party": party} if changed else ""
    if request.htmx:
        return _goal_card(request, collaboration, goal.pk, notice=notice)
    if notice:
        messages.success(request, notice)
    return redirect(_goals_url(collaboration, f"goal-{goal.pk}"))


@login_required
@require_POST
@collaboration_required(perms.SET_MEASURE_BY)
def goal_measure_by(request, collaboration, goal_pk):
    """Set, change or clear the date by which every indicator of the goal is to be measured. An
    error shows the page again with the date typed kept in the field."""
    goal = _goal(collaboration, goal_pk)
    form = MeasureByForm(request.POST, goal=goal)
    if not form.is_valid():
        context = _page_context(request, collaboration, bound={("measure", goal.pk): form})
        return render(request, PAGE, context, status=400)
    measure_by = form.cleaned_data["date"]
    if goals.set_measure_by(goal, measure_by, user=request.user):
        if measure_by:
            notice = _("Varje indikator för ”%(title)s” ska mätas senast %(date)s.") % {
                "title": goal.title,
                "date": date_format(measure_by, "j F Y"),
            }
        else:
            notice = _("”%(title)s” har inget datum för mätningen längre.") % {"title": goal.title}
        messages.success(request, notice)
    return redirect(_goals_url(collaboration, f"measure-{goal.pk}"))


@login_required
@require_POST
@collaboration_required(perms.EDIT)
def indicator_create(request, collaboration, goal_pk):
    goal = _goal(collaboration, goal_pk)
    form = _indicator_form(goal, request.POST)
    if form.is_valid():
        indicator = goals.save_indicator(goal, user=request.user, form=form)
        notice = _("Indikatorn ”%(name)s” är tillagd.") % {"name": indicator.name}
        if request.htmx:
            return _goal_card(request, collaboration, goal.pk, notice=notice)
        messages.success(request, notice)
        return redirect(_goals_url(collaboration, f"indicator-{indicator.pk}"))
    bound = {("new_indicator", goal.pk): form}
    if request.htmx:
        return _goal_card(request, collaboration, goal.pk, bound=bound)
    messages.error(request, _("Indikatorn sparades inte. Se meddelandena vid fälten."))
    return render(request, PAGE, _page_context(request, collaboration, bound=bound), status=400)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT)
def indicator_edit(request, collaboration, indicator_pk):
    indicator = _indicator(collaboration, indicator_pk)
    form = _indicator_form(indicator.goal, request.POST if request.method == "POST" else None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        goals.save_indicator(indicator.goal, user=request.user, form=form)
        messages.success(request, _("Indikatorn är sparad."))
        return redirect(_goals_url(collaboration, f"indicator-{indicator.pk}"))
    context = {"collaboration": collaboration, "indicator": indicator, "form": form}
    return render(request, "projects/goals/goal_indicator_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.EDIT)
def indicator_delete(request, collaboration, indicator_pk):
    indicator = _indicator(collaboration, indicator_pk)
    if request.method == "POST":
        name = indicator.name
        goals.delete_indicator(indicator, user=request.user)
        messages.success(request, _("Indikatorn ”%(name)s” är borttagen.") % {"name": name})
        return redirect(_goals_url(collaboration, f"goal-{indicator.goal_id}"))
    context = {
        "collaboration": collaboration,
        "object": indicator,
        "kind": "indicator",
        "measurements": indicator.measurements.count(),
        "action": reverse("projects:indicator_delete", args=[collaboration.pk, indicator.pk]),
    }
    return render(request, "projects/goals/goal_delete.html", context)


@login_required
@require_POST
@collaboration_required(perms.RECORD_MEASUREMENT)
def measurement_create(request, collaboration, indicator_pk):
    indicator = _indicator(collaboration, indicator_pk)
    form = _measurement_form(indicator, request.POST)
    if form.is_valid():
        measurement = goals.add_measurement(indicator, membership=request.membership, form=form)
        notice = _("Mätvärdet %(value)s %(unit)s (%(date)s) är registrerat.") % {
            "value": goals.display_number(measurement.value),
            "unit": indicator.unit,
            "date": measurement.measured_on.isoformat(),
        }
        if request.htmx:
            return _indicator_card(request, collaboration, indicator, notice=notice)
        messages.success(request, notice)
        return redirect(_goals_url(collaboration, f"indicator-{indicator.pk}"))
    if request.htmx:
        return _indicator_card(request, collaboration, indicator, form=form)
    messages.error(request, _("Mätvärdet sparades inte. Se meddelandena vid fälten."))
    bound = {("measurement", indicator.pk): form}
    return render(request, PAGE, _page_context(request, collaboration, bound=bound), status=400)


def _indicator_card(request, collaboration, indicator, form=None, notice=""):
    indicator = goals.indicator_for_card(indicator.pk)
    _decorate_indicator(indicator, request.membership, True, form)
    context = {"collaboration": collaboration, "indicator": indicator, "can_edit": True, "indicator_notice": notice}
    return render(request, f"{PAGE}#indicator-card", context)


@login_required
@require_POST
@collaboration_required(perms.DELETE_MEASUREMENT)
def measurement_delete(request, collaboration, measurement_pk):
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator__goal"),
        pk=measurement_pk,
        indicator__goal__collaboration=collaboration,
    )
    if not policy.user_has_permission(request.user, perms.DELETE_MEASUREMENT, collaboration, measurement):
        raise PermissionDenied
    indicator = measurement.indicator
    goals.delete_measurement(measurement, user=request.user)
    notice = _("Mätvärdet är borttaget.")
    if request.htmx:
        return _indicator_card(request, collaboration, indicator, notice=notice)
    messages.success(request, notice)
    return redirect(_goals_url(collaboration, f"indicator-{indicator.pk}"))


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def indicator_csv(request, collaboration):
    return goals.indicators_csv(collaboration)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def measurement_csv(request, collaboration):
    return goals.measurements_csv(collaboration)
