"""Choosing a form of collaboration: the questionnaire one question per page, the ranked result
with the guides' reasons, and the recorded choice.

Every view works without JavaScript (plain forms that post and redirect); with HTMX the question
card is swapped in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.common.forms import form_errors
from projects.core.permissions import collaboration_required, policy
from projects.form_choice import permissions as perms
from projects.form_choice import services as form_choice
from projects.form_choice.forms import AnswerForm, ChooseForm
from projects.form_choice.models import FormChoice

MAX_ID = 2**63 - 1


def _question_or_404(number):
    question = form_choice.question(number)
    if question is None:
        raise Http404
    return question


def _can(request, collaboration, perm):
    return policy.user_has_permission(request.user, perm, collaboration)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def form_choice_page(request, collaboration):
    answers = form_choice.answers_of(collaboration)
    choices = list(
        FormChoice.objects.filter(collaboration=collaboration)
        .select_related("form", "chosen_by")
        .order_by("-chosen_at", "-pk")
    )
    # The latest choice is the current one, unless the form has been set some other way since.
    current = choices[0] if choices and choices[0].form_id == collaboration.form_id else None
    context = {
        "collaboration": collaboration,
        "state": form_choice.state(collaboration, answers),
        "questionnaire": form_choice.questionnaire(collaboration),
        "answer_rows": form_choice.answer_rows(answers),
        "current": current,
        "current_result": form_choice.recorded_result(current) if current else None,
        "earlier": choices[1:] if current else choices,
        "can_edit": _can(request, collaboration, perms.ANSWER),
        "can_manage": _can(request, collaboration, perms.CHOOSE),
    }
    context |= _consequences(collaboration, collaboration.form)
    return render(request, "projects/form_choice/form_choice.html", context)


def _consequences(collaboration, form):
    if form is None:
        return {}
    return {
        "template": form_choice.agreement_template(form),
        "suggested": form_choice.suggested_checklists(collaboration, form),
        "reading": form_choice.reading_for(form),
    }


def _question_context(request, collaboration, question, form=None, answers=None):
    answers = form_choice.answers_of(collaboration) if answers is None else answers
    can_edit = _can(request, collaboration, perms.ANSWER)
    if form is None and can_edit:
        form = AnswerForm(initial={"answer": answers.get(question.key)}, question=question)
    total = len(form_choice.QUESTIONS)
    return {
        "collaboration": collaboration,
        "question": question,
        "form": form,
        "answer": question.option(answers.get(question.key, "")),
        "state": form_choice.state(collaboration, answers),
        "previous": question.number - 1 if question.number > 1 else None,
        "next": question.number + 1 if question.number < total else None,
        "total": total,
        "can_edit": can_edit,
        "questions": form_choice.answer_rows(answers),
    }


def _render_question(request, context, status=200):
    template = "projects/form_choice/form_choice_question.html"
    if request.htmx:
        template += "#question-card"
    return render(request, template, context | {"swapped": bool(request.htmx)}, status=status)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def form_question(request, collaboration, number):
    question = _question_or_404(number)
    response = _render_question(request, _question_context(request, collaboration, question))
    return response


@login_required
@require_POST
@collaboration_required(perms.ANSWER)
def form_answer(request, collaboration, number):
    question = _question_or_404(number)
    form = AnswerForm(request.POST, question=question)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, form_errors(form))
        return _render_question(request, _question_context(request, collaboration, question, form=form))
    found = form_choice.save_answer(collaboration, question, form.cleaned_data["answer"], request.user)
    answers = form_choice.clean_answers(found.answers)
    following = form_choice.next_unanswered(answers, after=question.number)
    if following is None:
        url = reverse("projects:form_result", args=[collaboration.pk])
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            messages.success(request, _("Svaret är sparat. Här är rekommendationen."))
            return response
        messages.success(request, _("Svaret är sparat. Här är rekommendationen."))
        return redirect(url)
    url = reverse("projects:form_question", args=[collaboration.pk, following])
    if request.htmx:
        following_question = form_choice.question(following)
        context = _question_context(request, collaboration, following_question, answers=answers)
        response = _render_question(request, context | {"saved": question})
        response["HX-Push-Url"] = url
        return response
    messages.success(request, _("Svaret på fråga %(n)s är sparat.") % {"n": question.number})
    return redirect(url)


@login_required
@require_POST
@collaboration_required(perms.ANSWER)
def form_restart(request, collaboration):
    form_choice.restart(collaboration, request.user)
    messages.success(request, _("Svaren är borttagna. Ni kan börja om från första frågan."))
    return redirect("projects:form_question", collaboration.pk, 1)


def _result_context(request, collaboration, choose_form=None):
    answers = form_choice.answers_of(collaboration)
    ranking = form_choice.describe(form_choice.rank(answers))
    can_manage = _can(request, collaboration, perms.CHOOSE)
    forms_available = form_choice.choosable_forms()
    if choose_form is None and can_manage:
        initial = collaboration.form.slug if collaboration.form_id else (ranking[0]["slug"] if ranking else None)
        choose_form = ChooseForm(initial={"form": initial}, forms_available=forms_available)
    fits = {result["slug"]: result for result in ranking}
    available = {f.slug: f for f in forms_available}
    return {
        "collaboration": collaboration,
        "ranking": ranking,
        "state": form_choice.state(collaboration, answers),
        "hints": form_choice.hints(answers),
        "answer_rows": form_choice.answer_rows(answers),
        "financing": form_choice.financing_table(),
        "can_manage": can_manage,
        "choose_form": choose_form,
        "ranked_options": [(available[r["slug"]], r) for r in ranking if r["slug"] in available],
        "other_options": [f for f in forms_available if f.slug not in fits],
        "selected": str(choose_form["form"].value() or "") if choose_form else "",
    }


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def form_result(request, collaboration):
    return render(request, "projects/form_choice/form_choice_result.html", _result_context(request, collaboration))


@login_required
@require_POST
@collaboration_required(perms.CHOOSE)
def form_choose(request, collaboration):
    choose_form = ChooseForm(request.POST)
    if not choose_form.is_valid():
        messages.error(request, form_errors(choose_form))
        context = _result_context(request, collaboration, choose_form=choose_form)
        return render(request, "projects/form_choice/form_choice_result.html", context, status=400)
    form = choose_form.cleaned_data["form"]
    choice = form_choice.choose(collaboration, form, user=request.user, note=choose_form.cleaned_data["note"])
    state = form_choice.state(collaboration, choice.answers)
    if state["unanswered"]:
        messages.warning(
            request,
            _(
                "%(form)s är vald. Observera att %(n)s av frågorna inte är besvarade: rekommendationen bygger "
                "bara på en del av svaren."
            )
            % {"form": form.name, "n": len(state["unanswered"])},
        )
    else:
        messages.success(request, _("%(form)s är vald som samverkansform.") % {"form": form.name})
    return redirect("projects:form_choice", collaboration.pk)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def form_record(request, collaboration, choice_pk):
    if choice_pk > MAX_ID:
        raise Http404
    choice = get_object_or_404(
        FormChoice.objects.select_related("form", "chosen_by"), pk=choice_pk, collaboration=collaboration
    )
    return render(
        request,
        "projects/form_choice/form_choice_record.html",
        {
            "collaboration": collaboration,
            "choice": choice,
            "ranking": form_choice.describe(choice.recommendation),
            "answer_rows": form_choice.answer_rows(choice.answers),
            "is_current": bool(collaboration.form_id)
            and FormChoice.objects.filter(collaboration=collaboration).values_list("pk", flat=True).first()
            == choice.pk,
        },
    )
