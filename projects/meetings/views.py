"""Meetings, their minutes and approval, the decision log, the PDF protocol and the calendars.

Every page works without JavaScript (plain forms that post and redirect); with HTMX the same
endpoints return the part of the page that changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.common import pdf
from projects.common.forms import form_errors
from projects.core.models import Membership
from projects.core.permissions import collaboration_required, policy
from projects.meetings import permissions as perms
from projects.meetings import services as rules
from projects.meetings.forms import ApproveForm, DecisionForm, MeetingForm, MinutesDueForm, MinutesForm
from projects.meetings.models import CalendarFeed, Meeting

PAGE_SIZE = 20
FEED_URL_KEY = "calendar_feed_url"  # the new feed address, shown once on the meetings page
DECISION_KINDS = {"mote", "delegation"}


def _meeting(collaboration, meeting_pk):
    meeting = rules.meeting_with_people(collaboration, meeting_pk)
    if meeting is None:
        raise Http404
    return meeting


def _parties(collaboration):
    return list(collaboration.parties.select_related("organisation").order_by("organisation__name"))


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))


# The list and the calendar -------------------------------------------------------------------


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def meetings(request, collaboration):
    feed_url = request.session.pop(FEED_URL_KEY, None)
    feed = CalendarFeed.objects.filter(collaboration=collaboration).first()
    return render(
        request,
        "projects/meetings/meetings.html",
        {
            "collaboration": collaboration,
            "page": _page(request, rules.meetings_in_order(collaboration)),
            "now": timezone.now(),
            "can_edit": policy.user_has_permission(request.user, perms.PLAN, collaboration),
            "can_manage": policy.user_has_permission(request.user, perms.RENEW_CALENDAR, collaboration),
            "feed": feed,
            "feed_url": feed_url if feed_url and feed else None,
        },
    )


@login_required
@require_POST
@collaboration_required(perms.RENEW_CALENDAR)
def calendar_renew(request, collaboration):
    """Create the secret feed address, or renew it (the old one stops working). Shown once."""
    renewing = CalendarFeed.objects.filter(collaboration=collaboration).exists()
    token = rules.renew_calendar_token(collaboration, user=request.user)
    request.session[FEED_URL_KEY] = request.build_absolute_uri(
        reverse("projects:calendar_feed", args=[collaboration.pk, token])
    )
    if renewing:
        messages.success(request, _("Kalenderlänken är förnyad. Den gamla länken fungerar inte längre."))
    else:
        messages.success(request, _("Kalenderlänken är skapad."))
    return redirect(reverse("projects:meetings", args=[collaboration.pk]) + "#calendar")


@require_GET
def calendar_feed(request, pk, token):
    """The subscribable feed of every meeting and every deadline of the collaboration: no login,
    the secret address is the credential."""
    collaboration = rules.feed_collaboration(pk, token)
    if collaboration is None:
        raise Http404
    meetings = list(rules.calendar_meetings(collaboration))
    body = rules.icalendar(
        meetings,
        name=collaboration.title,
        url_for=lambda m: request.build_absolute_uri(reverse("projects:meeting_detail", args=[pk, m.pk])),
        deadlines=rules.calendar_deadlines(collaboration, meetings),
        deadline_url=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_slug(collaboration.title)}.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


def _slug(text):
    return slugify(text)[:60] or "samverkan"


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def meeting_ics(request, collaboration, meeting_pk):
    meeting = _meeting(collaboration, meeting_pk)
    body = rules.icalendar(
        [meeting],
        name=collaboration.title,
        url_for=lambda m: request.build_absolute_uri(reverse("projects:meeting_detail", args=[collaboration.pk, m.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_slug(meeting.title)}.ics"'
    return response


# Creating and changing a meeting --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.PLAN)
def meeting_create(request, collaboration):
    return _meeting_form(request, collaboration, Meeting(collaboration=collaboration))


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.PLAN)
def meeting_edit(request, collaboration, meeting_pk):
    meeting = _meeting(collaboration, meeting_pk)
    if meeting.minutes_locked_at:
        messages.error(request, _("Protokollet är justerat av alla och låst, så mötet kan inte ändras."))
        return redirect("projects:meeting_detail", collaboration.pk, meeting.pk)
    return _meeting_form(request, collaboration, meeting)


def _meeting_form(request, collaboration, meeting):
    parties = _parties(collaboration)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        instance=meeting,
        collaboration=collaboration,
        parties=parties,
    )
    if request.method == "POST":
        if form.is_valid():
            created = meeting.pk is None
            try:
                meeting = rules.save_meeting(
                    form.instance,
                    user=request.user,
                    memberships=list(form.cleaned_data["members"]),
                    guests=form.cleaned_data["guests"],
                )
            except rules.MinutesLocked:
                messages.error(request, _("Protokollet är justerat av alla och låst, så mötet kan inte ändras."))
                return redirect("projects:meeting_detail", collaboration.pk, meeting.pk)
            messages.success(request, _("Mötet är skapat.") if created else _("Mötet är ändrat."))
            return redirect("projects:meeting_detail", collaboration.pk, meeting.pk)
        messages.error(request, _("Mötet sparades inte. Rätta det som står vid fälten; det du skrev finns kvar."))
    return render(
        request,
        "projects/meetings/meeting_form.html",
        {"collaboration": collaboration, "form": form, "meeting": meeting},
        status=400 if form.is_bound else 200,
    )


# The meeting page: minutes, approval, decisions -----------------------------------------------


def _detail_context(request, collaboration, meeting, **extra):
    member_ids = set(Membership.objects.filter(collaboration=collaboration).values_list("user_id", flat=True))
    approval = rules.approval_state(meeting, member_ids)
    can_edit = policy.user_has_permission(request.user, perms.WRITE_MINUTES, collaboration)
    mine = next((p for p in rules.approvers(meeting, member_ids) if p.user_id == request.user.pk), None)
    context = {
        "collaboration": collaboration,
        "meeting": meeting,
        "groups": rules.participants_by_party(meeting),
        "approval": approval,
        "me": mine,
        "i_approved": mine is not None and mine in approval.approved,
        "can_approve": mine is not None
        and approval.can_approve
        and policy.user_has_permission(request.user, perms.APPROVE_MINUTES, collaboration),
        "can_edit": can_edit,
        "can_write": can_edit and not approval.locked,
        "minutes_text": meeting.minutes,
        "minutes_version": meeting.minutes_version,
        "decision_form": DecisionForm(delegated=False, meeting=meeting) if can_edit else None,
        "minutes_due_form": (
            MinutesDueForm(meeting=meeting)
            if not approval.locked and policy.user_has_permission(request.user, perms.SET_MINUTES_DUE, collaboration)
            else None
        ),
        "agenda_items": meeting.agenda_items(),
    }
    return context | extra


def _respond(request, context, part, status=200):
    """HTMX: the part that changed (always 200, so that it is swapped in); else the whole page."""
    if request.htmx:
        return render(request, f"projects/meetings/meeting_detail.html#{part}", context)
    return render(request, "projects/meetings/meeting_detail.html", context, status=status)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def meeting_detail(request, collaboration, meeting_pk):
    meeting = _meeting(collaboration, meeting_pk)
    return render(request, "projects/meetings/meeting_detail.html", _detail_context(request, collaboration, meeting))


@login_required
@require_POST
@collaboration_required(perms.WRITE_MINUTES)
def meeting_minutes(request, collaboration, meeting_pk):
    meeting = _meeting(collaboration, meeting_pk)
    form = MinutesForm(request.POST)
    posted = request.POST.get("minutes", "")
    if not form.is_valid():
        context = _detail_context(request, collaboration, meeting, minutes_text=posted, minutes_error=form_errors(form))
        return _respond(request, context, "minutes", status=400)
    try:
        result = rules.save_minutes(
            meeting, user=request.user, text=form.cleaned_data["minutes"], base_version=form.cleaned_data["version"]
        )
    except rules.MinutesLocked:
        context = _detail_context(
            request,
            collaboration,
            meeting,
            minutes_error=_("Protokollet är justerat av alla och låst. Din text är inte sparad."),
            locked_text=posted,
        )
        return _respond(request, context, "minutes", status=409)
    meeting = _meeting(collaboration, meeting_pk)
    if result.conflict:
        # Their text is shown; the person's own stays in the field, based on the version they
        # have now seen: saving again keeps theirs (an explicit choice).
        context = _detail_context(request, collaboration, meeting, minutes_text=result.mine, conflict=result)
        return _respond(request, context, "minutes", status=409)
    notice = _("Protokollet är sparat.") if result.saved else _("Inget var ändrat.")
    if result.withdrawn:
        notice += " " + _("Protokollet ändrades, så justeringarna är återkallade: %(names)s.") % {
            "names": ", ".join(result.withdrawn)
        }
    if not request.htmx:
        messages.success(request, notice)
        return redirect(reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]) + "#minutes")
    return _respond(request, _detail_context(request, collaboration, meeting, minutes_notice=notice), "minutes")


@login_required
@require_POST
@collaboration_required(perms.APPROVE_MINUTES)
def meeting_approve(request, collaboration, meeting_pk):
    """A participant approves the minutes (justerar). Participants approve whatever their role:
    confirming what was said is theirs to do; an archived collaboration changes nothing."""
    meeting = _meeting(collaboration, meeting_pk)
    form = ApproveForm(request.POST)
    error, notice = None, None
    if not form.is_valid():
        error = form_errors(form)
    else:
        try:
            locked = rules.approve_minutes(meeting, user=request.user, version=form.cleaned_data["version"])
        except rules.ApprovalRefused as refused:
            error = refused.message
        else:
            notice = (
                _("Du har justerat protokollet. Alla deltagare har justerat det, så det är nu låst.")
                if locked
                else _("Du har justerat protokollet.")
            )
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]) + "#minutes")
    meeting = _meeting(collaboration, meeting_pk)
    context = _detail_context(request, collaboration, meeting, minutes_notice=notice, minutes_error=error)
    return _respond(request, context, "minutes")


@login_required
@require_POST
@collaboration_required(perms.SET_MINUTES_DUE)
def meeting_minutes_due(request, collaboration, meeting_pk):
    """Set, change or clear the date by which the minutes are to be approved. An error shows the
    page again with the date typed kept in the field."""
    meeting = _meeting(collaboration, meeting_pk)
    page = reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk])
    form = MinutesDueForm(request.POST, meeting=meeting)
    if not form.is_valid():
        context = _detail_context(request, collaboration, meeting, minutes_due_form=form)
        return render(request, "projects/meetings/meeting_detail.html", context, status=400)
    minutes_due = form.cleaned_data["date"]
    try:
        changed = rules.set_minutes_due(meeting, minutes_due, user=request.user)
    except rules.MinutesLocked:
        messages.error(request, _("Protokollet är redan justerat av alla och låst, så datumet behövs inte."))
        return redirect(page + "#minutes")
    if changed and minutes_due:
        messages.success(
            request,
            _("Protokollet ska vara justerat senast %(date)s.") % {"date": date_format(minutes_due, "j F Y")},
        )
    elif changed:
        messages.success(request, _("Protokollet har inget datum för justeringen längre."))
    return redirect(page + "#minutes-due")


@login_required
@require_POST
@collaboration_required(perms.WRITE_MINUTES)
def meeting_decision_add(request, collaboration, meeting_pk):
    meeting = _meeting(collaboration, meeting_pk)
    form = DecisionForm(request.POST, delegated=False, meeting=meeting)
    if not form.is_valid():
        context = _detail_context(request, collaboration, meeting, decision_form=form)
        return _respond(request, context, "decisions", status=400)
    try:
        rules.record_decision(collaboration, user=request.user, meeting=meeting, **form.cleaned_data)
    except rules.MinutesLocked:
        context = _detail_context(
            request,
            collaboration,
            meeting,
            decision_form=form,
            decision_error=_("Protokollet är justerat av alla och låst, så mötets beslut kan inte ändras."),
        )
        return _respond(request, context, "decisions", status=409)
    if not request.htmx:
        messages.success(request, _("Beslutet är registrerat."))
        return redirect(reverse("projects:meeting_detail", args=[collaboration.pk, meeting.pk]) + "#decisions")
    meeting = _meeting(collaboration, meeting_pk)
    context = _detail_context(request, collaboration, meeting, decision_notice=_("Beslutet är registrerat."))
    return _respond(request, context, "decisions")


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def meeting_pdf(request, collaboration, meeting_pk):
    """The meeting's protocol as a PDF: agenda, participants, decisions, minutes and whether it is
    approved by everyone."""
    meeting = _meeting(collaboration, meeting_pk)
    html = render_meeting_html(collaboration, meeting)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{day}-{_slug(meeting.title)}.pdf"'
    return response


def render_meeting_html(collaboration, meeting, static_base=pdf.STATIC_BASE):
    member_ids = set(Membership.objects.filter(collaboration=collaboration).values_list("user_id", flat=True))
    return render_to_string(
        "projects/meetings/meeting_pdf.html",
        {
            "collaboration": collaboration,
            "meeting": meeting,
            "groups": rules.participants_by_party(meeting),
            "approval": rules.approval_state(meeting, member_ids),
            "agenda_items": meeting.agenda_items(),
            "static_base": static_base,
            "generated_at": timezone.now(),
        },
    )


# The decision log ---------------------------------------------------------------------------


def _decisions_context(request, collaboration, form=None, **extra):
    kind = request.GET.get("typ", "")
    kind = kind if kind in DECISION_KINDS else ""
    can_edit = policy.user_has_permission(request.user, perms.RECORD_DECISION, collaboration)
    if form is None and can_edit:
        form = DecisionForm(delegated=True)
    return {
        "collaboration": collaboration,
        "page": _page(request, rules.decisions_in_log(collaboration, kind)),
        "kind": kind,
        "kinds": [("", _("Alla")), ("mote", _("Vid möten")), ("delegation", _("Beslut med kort varsel"))],
        "can_edit": can_edit,
        "form": form,
    } | extra


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def decisions(request, collaboration):
    context = _decisions_context(request, collaboration)
    if request.htmx and request.htmx.target == "decision-list":
        return render(request, "projects/meetings/decisions.html#decision-list", context | {"filtering": True})
    return render(request, "projects/meetings/decisions.html", context)


@login_required
@require_POST
@collaboration_required(perms.RECORD_DECISION)
def decision_add(request, collaboration):
    """A decision by delegation between meetings ("beslut med kort varsel")."""
    form = DecisionForm(request.POST, delegated=True)
    if not form.is_valid():
        context = _decisions_context(request, collaboration, form)
        if request.htmx:
            return render(request, "projects/meetings/decisions.html#decision-log", context)
        return render(request, "projects/meetings/decisions.html", context, status=400)
    rules.record_decision(collaboration, user=request.user, **form.cleaned_data)
    if not request.htmx:
        messages.success(request, _("Beslutet är registrerat i beslutsloggen."))
        return redirect("projects:decisions", collaboration.pk)
    context = _decisions_context(request, collaboration, notice=_("Beslutet är registrerat i beslutsloggen."))
    return render(request, "projects/meetings/decisions.html#decision-log", context)
