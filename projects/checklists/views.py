"""The shared checklists: the stepper (one guide section per page), autosave of answers with
version conflicts, confirmations, comments, history, and the light poll for others' changes.

Every view works without JavaScript (plain forms that post and redirect); with HTMX the same
endpoints return the fragment that changed."""

import re
from datetime import UTC, timedelta
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guides import cache as guide_cache
from guides.models import Item
from projects.checklists import permissions as perms
from projects.checklists import services as checklists
from projects.checklists.forms import AnswerForm, AnswerModeForm, ChecklistAddForm, DueDateForm
from projects.checklists.models import Answer, AnswerRevision, AnswerStatus, ChecklistSection, Comment, Confirmation
from projects.common import versioned
from projects.common.comments import thread
from projects.common.forms import CommentForm, form_errors
from projects.core.permissions import collaboration_required, policy
from projects.principles import services as principle_rules

POLL_OVERLAP = timedelta(seconds=5)
PENDING_KEY = "pending_answers"  # texts posted after the session expired, kept across the login


def _checklist_section(collaboration, cs_pk):
    return get_object_or_404(
        ChecklistSection.objects.select_related("section__guide", "section__decision_phase"),
        pk=cs_pk,
        collaboration=collaboration,
        active=True,
        section__retired=False,
    )


def _question(checklist_section, item_pk):
    return get_object_or_404(
        Item.objects.current(), pk=item_pk, section_id=checklist_section.section_id, kind=Item.Kind.QUESTION
    )


def _party(collaboration, checklist_section, value, parties=None):
    """The party of a per-party answer (from ?part= or the form), None for a joint answer.
    ``parties``: the collaboration's parties with their organisations, when they are read already."""
    if not checklist_section.per_party:
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if parties is None:
        parties = list(collaboration.parties.select_related("organisation"))
    party = next((p for p in parties if p.pk == pk), None)
    if party is None or party not in checklists.answering_parties(checklist_section, parties):
        raise Http404  # not a party of the collaboration, or the section is not meant for that party
    return party


def _key(item, party):
    return f"{item.pk}-{party.pk if party else 'j'}"


class AnswerView:
    """Everything the answer partial needs for one answer."""

    def __init__(self, item, party, answer, confirmations, parties, can_edit, my_party):
        self.item = item
        self.party = party
        self.answer = answer
        self.key = _key(item, party)
        self.version = answer.version if answer else 0
        self.text = answer.text if answer else ""
        self.status = answer.status if answer else AnswerStatus.NOT_STARTED
        self.can_edit = can_edit
        self.joint = party is None
        confirmed = {c.party_id: c for c in confirmations if answer and c.version == answer.version}
        self.confirmed = [p for p in parties if p.pk in confirmed] if self.joint else []
        self.unconfirmed = [p for p in parties if p.pk not in confirmed] if self.joint else []
        self.my_party_confirmed = my_party is not None and my_party.pk in confirmed
        self.can_confirm = self.joint and can_edit and answer is not None and bool(answer.text.strip())
        self.shown_text = self.text
        self.restored = False
        self.saved_by_me = False  # set by the save and the poll: the page shows "Sparat" for my own save

    def restore(self, pending):
        """Show text the person wrote but that is not saved (after a login, or refused), with the
        version it was based on: saving it is then checked against what was saved since."""
        self.shown_text = pending.get("text", "")
        self.version = pending.get("version", self.version)
        self.restored = True

    def get_status_display(self):
        return AnswerStatus(self.status).label

    @property
    def status_options(self):
        """A joint answer becomes "överens" by confirmations, so it is offered only when it is."""
        if self.joint and self.status != AnswerStatus.AGREED:
            return [c for c in AnswerStatus.choices if c[0] != AnswerStatus.AGREED]
        return AnswerStatus.choices


def _answer_views(request, collaboration, cs, questions, parties, pending=None):
    membership = request.membership
    pending = pending or {}
    confirming = checklists.confirming_parties(collaboration)
    answers = {
        (a.item_id, a.party_id): a
        for a in Answer.objects.filter(collaboration=collaboration, item__in=questions).select_related("updated_by")
    }
    confirmations = {}
    for confirmation in Confirmation.objects.filter(answer__in=answers.values()):
        confirmations.setdefault(confirmation.answer_id, []).append(confirmation)
    can_edit_joint = policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration)
    answering = checklists.answering_parties(cs, parties) if cs.per_party else [None]
    rows = []
    for item in questions:
        views = []
        for party in answering:
            answer = answers.get((item.pk, party.pk if party else None))
            can_edit = can_edit_joint and (party is None or party.pk == membership.party_id)
            view = AnswerView(
                item,
                party,
                answer,
                confirmations.get(answer.pk, []) if answer else [],
                confirming,
                can_edit,
                membership.party,
            )
            if can_edit and isinstance(pending.get(view.key), dict):
                view.restore(pending[view.key])
            views.append(view)
        rows.append((item, views))
    return rows


def _comment_counts(collaboration, questions):
    from django.db.models import Count

    return dict(
        Comment.objects.filter(collaboration=collaboration, item__in=questions)
        .values_list("item_id")
        .annotate(n=Count("pk"))
    )


# The checklists a person sees: the ones meant for their party (a joint section, or one their party
# answers), or every one with ?visa=alla. The choice is kept in the URL, so it works without JavaScript.
SHOW = "visa"
SHOW_ALL = "alla"


def _shows_all(request):
    return request.GET.get(SHOW) == SHOW_ALL


def _scope(request, collaboration, sections, parties, everyone):
    """(progress, the sections in scope) for the person: everyone's, or their party's."""
    progress = checklists.progress(collaboration, sections, parties, None if everyone else request.membership.party)
    return progress, checklists.in_scope(sections, progress, everyone)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def checklists_overview(request, collaboration):
    parties = list(collaboration.parties.select_related("organisation"))
    sections = list(checklists.ordered_sections(collaboration))
    everyone = _shows_all(request)
    progress, shown = _scope(request, collaboration, sections, parties, everyone)
    guides = []
    for guide, in_guide in groupby(shown, key=lambda cs: cs.section.guide):
        phases = []
        for phase, group in groupby(in_guide, key=_root_title):
            rows = [(cs, progress[cs.pk]) for cs in group]
            phases.append(
                {
                    "name": phase,
                    "rows": rows,
                    "left": sum(p["left"] for _cs, p in rows),
                    "of": sum(p["of"] for _cs, p in rows),
                }
            )
        guides.append((guide, phases))
    can_manage = policy.user_has_permission(request.user, perms.MANAGE_SECTIONS, collaboration)
    return render(
        request,
        "projects/checklists/checklists.html",
        {
            "collaboration": collaboration,
            "guides": guides,
            "everyone": everyone,
            "scope_query": _scope_query(everyone),
            "my_party": request.membership.party,
            "next_open": checklists.next_open_question(shown, progress),
            "left": sum(progress[cs.pk]["left"] for cs in shown),
            "of": sum(progress[cs.pk]["of"] for cs in shown),
            "can_manage": can_manage,
            "all_sections": sections if can_manage else [],
            "add_form": ChecklistAddForm(collaboration=collaboration) if can_manage else None,
            "removed": checklists.ordered_sections(collaboration, active=False) if can_manage else [],
            "mode_choices": ChecklistSection._meta.get_field("answer_mode").choices,
        },
    )


def _scope_query(everyone):
    """The query string that keeps the choice of "Alla" in a link."""
    return f"?{SHOW}={SHOW_ALL}" if everyone else ""


def _root_title(cs):
    return cs.section.decision_phase.label if cs.section.decision_phase else ""


def _progress_context(request, collaboration, cs, parties=None):
    """The section's progress and the next question not done, in the person's scope (their
    party's, or everyone's with ?visa=alla or when the section is not meant for their party)."""
    parties = list(collaboration.parties.select_related("organisation")) if parties is None else parties
    sections = list(checklists.ordered_sections(collaboration))
    # A section not meant for the person's party (opened from "Alla", or by a link) is seen among all.
    everyone = _shows_all(request) or not checklists.meant_for(cs, parties, request.membership.party)
    progress, shown = _scope(request, collaboration, sections, parties, everyone)
    index = next((i for i, s in enumerate(shown) if s.pk == cs.pk), 0)
    return {
        "progress": progress,
        "shown": shown,
        "p": progress.get(cs.pk),
        "everyone": everyone,
        "scope_query": _scope_query(everyone),
        "previous": shown[index - 1] if index > 0 else None,
        "next": shown[index + 1] if index < len(shown) - 1 else None,
        "next_open": checklists.next_open_question(shown, progress, start=cs),
    }


def _stepper_context(request, collaboration, cs, pending=None):
    parties = list(collaboration.parties.select_related("organisation"))
    items = guide_cache.cached(
        "section-items", lambda: list(cs.section.items.current().select_related("principle")), cs.section_id
    )
    questions = [item for item in items if item.kind == Item.Kind.QUESTION]
    scope = _progress_context(request, collaboration, cs, parties)
    phase_principles = []
    if cs.section.parent_id:
        phase_principles = guide_cache.cached(
            "section-principles",
            lambda: list(
                Item.objects.current()
                .filter(section_id=cs.section.parent_id, kind=Item.Kind.PRINCIPLE)
                .select_related("principle")
            ),
            cs.section.parent_id,
        )
    principles = [i for i in items if i.kind == Item.Kind.PRINCIPLE] + phase_principles
    # The collaboration's own formulation of each principle (one query, only when there are any).
    ids = {i.principle_id for i in principles if i.principle_id}
    formulations = principle_rules.formulations(collaboration, ids) if ids else {}
    return scope | {
        "collaboration": collaboration,
        "cs": cs,
        "section": cs.section,
        "rows": _answer_views(request, collaboration, cs, questions, parties, pending),
        "comment_counts": _comment_counts(collaboration, questions),
        "tips": [i for i in items if i.kind == Item.Kind.TIP],
        "next_steps": [i for i in items if i.kind == Item.Kind.NEXT_STEP],
        "principles": [(i, formulations.get(i.principle_id, "")) for i in principles],
        "sections": [(s, scope["progress"][s.pk]) for s in scope["shown"]],
        "since": timezone.now().isoformat(),
        "poll_seconds": settings.CHECKLIST_POLL_SECONDS,
        "parties": parties,
        "my_party": request.membership.party,
        "can_edit": policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration),
        "cs_done": scope["p"]["complete"] if scope["p"] else False,
        "due_form": (
            DueDateForm(checklist_section=cs)
            if policy.user_has_permission(request.user, perms.SET_DUE_DATE, collaboration)
            else None
        ),
    }


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def checklist_section(request, collaboration, cs_pk):
    cs = _checklist_section(collaboration, cs_pk)
    pending = _take_stash(request, cs)
    context = _stepper_context(request, collaboration, cs, pending)
    if any(view.restored for _item, views in context["rows"] for view in views):
        messages.info(
            request, _("Text du skrev innan du loggades ut är återställd i fälten nedan. Den är inte sparad än.")
        )
    return render(request, "projects/checklists/checklist_section.html", context)


_STASH_FIELD = re.compile(r"^(\d+-(?:j|\d+))-text$")
STASH_MAX_ENTRIES = 20
STASH_MAX_CHARS = 100_000
STASH_MAX_AGE = 2 * 60 * 60  # seconds: text left on a shared computer is not shown to the next person


def _stash(request, cs_pk):
    """Keep the posted answers, each with the version it was based on, within bounds."""
    stored = request.session.get(PENDING_KEY, {})
    section = stored.setdefault(str(cs_pk), {})
    now = int(timezone.now().timestamp())
    for name, value in request.POST.items():
        match = _STASH_FIELD.match(name)
        if not match or not value:
            continue
        try:
            version = max(int(request.POST.get(f"{match[1]}-version", 0)), 0)
        except ValueError:
            version = 0
        section[match[1]] = {"text": value[: Answer.MAX_LENGTH], "version": version, "at": now}
    entries = [(cs, key) for cs, answers in stored.items() for key in answers]
    while entries and (
        len(entries) > STASH_MAX_ENTRIES or sum(len(stored[cs][key]["text"]) for cs, key in entries) > STASH_MAX_CHARS
    ):
        cs, key = entries.pop(0)  # the oldest goes first
        stored[cs].pop(key, None)
    request.session[PENDING_KEY] = {cs: answers for cs, answers in stored.items() if answers}


def _take_stash(request, cs):
    """The kept answers of this section (removed from the session), if they are recent."""
    stored = request.session.get(PENDING_KEY, {})
    section = stored.pop(str(cs.pk), None)
    if section is None:
        return {}
    request.session[PENDING_KEY] = stored
    oldest = int(timezone.now().timestamp()) - STASH_MAX_AGE
    return {key: entry for key, entry in section.items() if isinstance(entry, dict) and entry.get("at", 0) >= oldest}


def _stash_if_logged_out(view):
    """An answer posted after the session expired is kept in the (anonymous) session, which
    survives the login, and shown again in its field afterwards."""

    def wrapper(request, pk, cs_pk, *args, **kwargs):
        if not request.user.is_authenticated:
            if ChecklistSection.objects.filter(pk=cs_pk, collaboration_id=pk, active=True).exists():
                _stash(request, cs_pk)
            next_url = reverse("projects:checklist_section", args=[pk, cs_pk])
            return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        return view(request, pk, cs_pk, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_POST
@_stash_if_logged_out
@collaboration_required(perms.EDIT_ANSWER)
def answer_save(request, collaboration, cs_pk, item_pk):
    # The checklist section, the question and the parties in one query (_checklist_section and
    # _question check the same, and 404 the same).
    target = checklists.save_target(collaboration, cs_pk, item_pk)
    if target is None:
        raise Http404
    cs, item, parties = target
    party = _party(collaboration, cs, request.POST.get("part"), parties)
    confirming = [p for p in parties if p.may_confirm]
    if not policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration, party):
        raise PermissionDenied
    data = request.POST.copy()
    key = _key(item, party)
    if data.get("use_merged") and "merged" in data:  # "edit a merge" from the conflict panel
        data[f"{key}-text"] = data["merged"]
    form = AnswerForm(data, joint=party is None, prefix=key)
    result, error = None, None
    if form.is_valid():
        result = _save(request, collaboration, item, party, form)
    else:
        error = form_errors(form)
    if not request.htmx:
        if error:  # the whole page again, the text kept in its field
            cs = _checklist_section(collaboration, cs.pk)  # all of it, for the page
            context = _stepper_context(
                request, collaboration, cs, {key: {"text": data.get(f"{key}-text", ""), "version": _int(data, key)}}
            )
            context["row_errors"] = {key: error}
            return render(request, "projects/checklists/checklist_section.html", context, status=400)
        if result.conflict:
            return _render_conflict(request, collaboration, cs, item, party, result, status=409, confirming=confirming)
        messages.success(request, _("Svaret är sparat."))
        return redirect(_question_url(request, collaboration, cs, item))
    if result and result.conflict:
        response = _render_conflict(request, collaboration, cs, item, party, result, confirming=confirming)
        return versioned.with_state(response, result)
    submitted = request.POST.get(f"{key}-status")
    oob = bool(result and result.saved and submitted != result.obj.status)
    response = _render_answer(
        request,
        collaboration,
        cs,
        item,
        party,
        part="answer-meta",
        error=error,
        result=result,
        oob=oob,
        confirming=confirming,
        progress=bool(result and result.progress_changed),
        parties=parties,
    )
    return versioned.with_state(response, result, error)


def _question_url(request, collaboration, cs, item):
    url = reverse("projects:checklist_section", args=[collaboration.pk, cs.pk])
    return f"{url}{_scope_query(_shows_all(request))}#q-{item.pk}"


def _int(data, key):
    try:
        return max(int(data.get(f"{key}-version", 0)), 0)
    except ValueError:
        return 0


def _save(request, collaboration, item, party, form):
    return checklists.save_answer(
        collaboration=collaboration,
        item=item,
        party=party,
        user=request.user,
        text=form.cleaned_data["text"],
        status=form.cleaned_data["status"],  # None: keep the current status
        base_version=form.cleaned_data["version"],
    )


def _single_answer_view(request, collaboration, cs, item, party, result=None, confirming=None):
    """``result``: of the save just made (its answer, and its confirmations when it knows them);
    ``confirming``: checklists.confirming_parties when they are read already."""
    if party is None:
        parties = checklists.confirming_parties(collaboration) if confirming is None else confirming
    else:
        parties = []
    answer = result.obj if result else None
    if answer is None:
        answer = (
            Answer.objects.filter(collaboration=collaboration, item=item, party=party)
            .select_related("updated_by")
            .first()
        )
    if not answer or party is not None:
        confirmations = []
    elif result and result.confirmations is not None:
        confirmations = result.confirmations
    else:
        confirmations = list(answer.confirmations.all())
    can_edit = policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration, party)
    return AnswerView(item, party, answer, confirmations, parties, can_edit, request.membership.party)


def _render_answer(
    request,
    collaboration,
    cs,
    item,
    party,
    part,
    error=None,
    result=None,
    status=200,
    oob=False,
    confirming=None,
    progress=False,
    parties=None,
):
    """The answer's fragment; with ``progress`` (a question went from open to done or back) also
    the section's progress and its next open question, out of band."""
    view = _single_answer_view(request, collaboration, cs, item, party, result, confirming)
    context = {
        "collaboration": collaboration,
        "cs": cs,
        "view": view,
        "error": error,
        "oob": oob,
        "withdrawn": result.withdrawn if result else None,
        "scope_query": _scope_query(_shows_all(request)),
    }
    # "Sparat" also when nothing changed (leaving a field that already autosaved): it is saved.
    view.saved_by_me = bool(result and not result.conflict)
    response = render(request, f"projects/checklists/checklist_section.html#{part}", context, status=status)
    if progress:
        context |= _progress_context(request, collaboration, cs, parties)
        response.content += render_to_string(
            "projects/checklists/checklist_section.html#progress-oob", context, request=request
        ).encode()
    return response


def _render_conflict(request, collaboration, cs, item, party, result, status=200, confirming=None):
    view = _single_answer_view(request, collaboration, cs, item, party, confirming=confirming)
    context = {
        "collaboration": collaboration,
        "cs": cs,
        "view": view,
        "result": result,
    }
    template = (
        "projects/checklists/checklist_section.html#conflict"
        if request.htmx
        else "projects/checklists/answer_conflict.html"
    )
    return render(request, template, context, status=status)


@require_POST
@_stash_if_logged_out
@collaboration_required(perms.EDIT_ANSWER)
def checklist_save(request, collaboration, cs_pk):
    """Without JavaScript: the whole section is one form with one save button."""
    cs = _checklist_section(collaboration, cs_pk)
    questions = list(cs.section.items.current().filter(kind=Item.Kind.QUESTION))
    parties = list(collaboration.parties.select_related("organisation"))
    answering = checklists.answering_parties(cs, parties) if cs.per_party else [None]
    saved = 0
    pending, row_errors, row_conflicts = {}, {}, {}
    for item in questions:
        for party in answering:
            key = _key(item, party)
            if f"{key}-text" not in request.POST or not policy.user_has_permission(
                request.user, perms.EDIT_ANSWER, collaboration, party
            ):
                continue
            form = AnswerForm(request.POST, joint=party is None, prefix=key)
            if not form.is_valid():
                # Shown again with the version it was based on: saving it is checked again.
                pending[key] = {"text": request.POST.get(f"{key}-text", ""), "version": _int(request.POST, key)}
                row_errors[key] = form_errors(form)
                continue
            result = _save(request, collaboration, item, party, form)
            if result.conflict:
                # The person changed a text that someone else changed too: both are shown, and the
                # message says that saving again keeps theirs (their explicit choice).
                pending[key] = {"text": result.mine, "version": result.version}
                row_conflicts[key] = result
            elif result.saved:
                saved += 1
    if row_errors or row_conflicts:
        context = _stepper_context(request, collaboration, cs, pending)
        context["row_errors"] = row_errors
        context["row_conflicts"] = row_conflicts
        messages.error(
            request,
            _("Några svar sparades inte. Din text finns kvar i fälten; se meddelandena vid frågorna."),
        )
        return render(request, "projects/checklists/checklist_section.html", context, status=400 if row_errors else 409)
    messages.success(request, _("%(n)d svar sparade.") % {"n": saved} if saved else _("Inget var ändrat."))
    url = reverse("projects:checklist_section", args=[collaboration.pk, cs.pk])
    return redirect(url + _scope_query(_shows_all(request)))


@login_required
@require_POST
@collaboration_required(perms.CONFIRM_ANSWER)
def answer_confirm(request, collaboration, cs_pk, item_pk):
    cs = _checklist_section(collaboration, cs_pk)
    item = _question(cs, item_pk)
    if cs.per_party:
        raise Http404
    answer = get_object_or_404(Answer, collaboration=collaboration, item=item, party=None)
    party = request.membership.party
    if request.POST.get("withdraw"):
        checklists.withdraw_confirmation(answer, party=party, user=request.user)
        ok = True
    else:
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        ok = checklists.confirm_answer(answer, party=party, user=request.user, version=version)
    if not ok:
        messages.error(request, _("Svaret har ändrats sedan du läste det. Läs det nya svaret och bekräfta igen."))
    if request.htmx:
        return _render_answer(
            request,
            collaboration,
            cs,
            item,
            None,
            part="answer-meta",
            error=None if ok else _("Svaret har ändrats sedan du läste det. Läs det och bekräfta igen."),
            oob=True,  # the status select: the answer may now be agreed
            progress=True,
        )
    return redirect(_question_url(request, collaboration, cs, item))


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def answer_history(request, collaboration, cs_pk, item_pk):
    cs = _checklist_section(collaboration, cs_pk)
    item = _question(cs, item_pk)
    party = _party(collaboration, cs, request.GET.get("part"))
    answer = Answer.objects.filter(collaboration=collaboration, item=item, party=party).first()
    revisions = answer.revisions.select_related("author") if answer else []
    return render(
        request,
        "projects/checklists/answer_history.html",
        {
            "collaboration": collaboration,
            "cs": cs,
            "item": item,
            "party": party,
            "answer": answer,
            "revisions": revisions,
            "can_edit": policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration, party),
        },
    )


@login_required
@require_POST
@collaboration_required(perms.EDIT_ANSWER)
def answer_restore(request, collaboration, cs_pk, item_pk, revision_pk):
    cs = _checklist_section(collaboration, cs_pk)
    item = _question(cs, item_pk)
    party = _party(collaboration, cs, request.POST.get("part"))
    if not policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration, party):
        raise PermissionDenied
    revision = get_object_or_404(
        AnswerRevision, pk=revision_pk, answer__collaboration=collaboration, answer__item=item, answer__party=party
    )
    result = versioned.restore(
        revision.answer,
        revision,
        checklists.save_answer,
        collaboration=collaboration,
        item=item,
        party=party,
        user=request.user,
        # A joint answer is agreed by the parties' confirmations, not by restoring.
        status=revision.status if party or revision.status != AnswerStatus.AGREED else AnswerStatus.DISCUSSED,
    )
    if result.saved:
        messages.success(request, _("Version %(v)d är återställd som en ny version.") % {"v": revision.version})
    else:
        messages.info(request, _("Svaret har redan den texten."))
    url = reverse("projects:answer_history", args=[collaboration.pk, cs.pk, item.pk])
    return redirect(f"{url}?part={party.pk}" if party else url)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.VIEW)
def comments(request, collaboration, cs_pk, item_pk):
    cs = _checklist_section(collaboration, cs_pk)
    item = _question(cs, item_pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not policy.user_has_permission(request.user, perms.COMMENT, collaboration):
            raise PermissionDenied
        if form.is_valid():
            checklists.add_comment(
                collaboration=collaboration, item=item, membership=request.membership, text=form.cleaned_data["text"]
            )
            if not request.htmx:
                messages.success(request, _("Kommentaren är publicerad."))
                return redirect("projects:comments", collaboration.pk, cs.pk, item.pk)
            form = CommentForm()
    context = {
        "collaboration": collaboration,
        "cs": cs,
        "item": item,
        "form": form,
        "comments": thread(Comment, collaboration=collaboration, item=item),
        "can_comment": policy.user_has_permission(request.user, perms.COMMENT, collaboration),
    }
    context["live"] = True  # the thread is posted with HTMX and swapped in place
    template = "projects/common/comments.html#thread" if request.htmx else "projects/checklists/comments.html"
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def checklist_changes(request, collaboration, cs_pk):
    """The light poll: 204 when nothing changed since ``since``; otherwise the changed answers as
    out-of-band fragments. It looks a little further back than ``since`` (a save stamped just
    before the last poll may commit just after it); the page's script skips what it already has."""
    cs = _checklist_section(collaboration, cs_pk)
    try:
        since = parse_datetime(request.GET.get("since", "") or "")
    except ValueError:
        since = None
    if since is None:
        return HttpResponse(status=204)
    if timezone.is_naive(since):
        since = timezone.make_aware(since, UTC)
    changed = list(
        Answer.objects.filter(
            collaboration=collaboration, item__section_id=cs.section_id, updated_at__gt=since - POLL_OVERLAP
        ).select_related("updated_by", "item", "party")
    )
    if not changed:
        return HttpResponse(status=204)
    confirming = checklists.confirming_parties(collaboration)
    confirmations = {}
    for confirmation in Confirmation.objects.filter(answer__in=changed):
        confirmations.setdefault(confirmation.answer_id, []).append(confirmation)
    views = [
        AnswerView(
            a.item,
            a.party,
            a,
            confirmations.get(a.pk, []),
            confirming if a.party is None else [],
            policy.user_has_permission(request.user, perms.EDIT_ANSWER, collaboration, a.party),
            request.membership.party,
        )
        for a in changed
    ]
    for view in views:
        view.saved_by_me = view.answer.updated_by_id == request.user.pk
    newest = max(max(a.updated_at for a in changed), since)
    return render(
        request,
        "projects/checklists/checklist_section.html#changes",
        {
            "collaboration": collaboration,
            "cs": cs,
            "views": views,
            "since": newest.isoformat(),
            "poll_seconds": settings.CHECKLIST_POLL_SECONDS,
        },
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def checklist_print(request, collaboration, cs_pk):
    cs = _checklist_section(collaboration, cs_pk)
    context = _stepper_context(request, collaboration, cs)
    context["comments"] = {}
    for comment in Comment.objects.filter(collaboration=collaboration, item__section_id=cs.section_id).select_related(
        "author", "party__organisation"
    ):
        context["comments"].setdefault(comment.item_id, []).append(comment)
    return render(request, "projects/checklists/checklist_print.html", context)


@login_required
@require_POST
@collaboration_required(perms.MANAGE_SECTIONS)
def checklist_add(request, collaboration):
    form = ChecklistAddForm(request.POST, collaboration=collaboration)
    if form.is_valid():
        section = form.cleaned_data["section"]
        checklists.add_section(collaboration, section, user=request.user)
        messages.success(request, _("%(title)s är tillagd.") % {"title": section.title})
    else:
        messages.error(request, form_errors(form))
    return redirect("projects:checklists", collaboration.pk)


@login_required
@require_POST
@collaboration_required(perms.MANAGE_SECTIONS)
def checklist_remove(request, collaboration, cs_pk):
    cs = _checklist_section(collaboration, cs_pk)
    checklists.remove_section(cs, user=request.user)
    messages.success(
        request,
        _("%(title)s är borttagen. Svaren finns kvar om avsnittet läggs till igen.") % {"title": cs.section.title},
    )
    return redirect("projects:checklists", collaboration.pk)


@login_required
@require_POST
@collaboration_required(perms.MANAGE_SECTIONS)
def checklist_mode(request, collaboration, cs_pk):
    cs = _checklist_section(collaboration, cs_pk)
    form = AnswerModeForm(request.POST)
    if form.is_valid() and checklists.set_answer_mode(cs, form.cleaned_data["answer_mode"], user=request.user):
        messages.success(
            request,
            _("%(title)s besvaras nu: %(mode)s.")
            % {"title": cs.section.title, "mode": cs.get_answer_mode_display().lower()},
        )
    elif not form.is_valid():
        messages.error(request, _("Välj ett av alternativen."))
    return redirect("projects:checklists", collaboration.pk)


@login_required
@require_POST
@collaboration_required(perms.SET_DUE_DATE)
def checklist_due_date(request, collaboration, cs_pk):
    """Set, change or clear the date by which the section is to be done. An error shows the page
    again with the date typed kept in the field."""
    cs = _checklist_section(collaboration, cs_pk)
    form = DueDateForm(request.POST, checklist_section=cs)
    if not form.is_valid():
        context = _stepper_context(request, collaboration, cs) | {"due_form": form}
        return render(request, "projects/checklists/checklist_section.html", context, status=400)
    due_date = form.cleaned_data["date"]
    if checklists.set_due_date(cs, due_date, user=request.user):
        if due_date:
            notice = _("Avsnittet ”%(title)s” ska vara klart senast %(date)s.") % {
                "title": cs.section.title,
                "date": date_format(due_date, "j F Y"),
            }
        else:
            notice = _("Avsnittet ”%(title)s” har inget datum längre.") % {"title": cs.section.title}
        messages.success(request, notice)
    return redirect(reverse("projects:checklist_section", args=[collaboration.pk, cs.pk]) + "#due")
