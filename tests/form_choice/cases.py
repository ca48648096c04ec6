"""Permission-matrix cases for the form choice URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, agreement, …);
a case that needs its own objects creates them in its ``kwargs``/``data`` callables.
"""

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def question(ctx):
    return pk(ctx) | {"number": 2}


def recorded_choice(ctx):
    """A choice recorded by the coordinator, to look at again."""
    from guides.models import CollaborationForm
    from projects.form_choice import services as form_choice

    form = CollaborationForm.objects.get(slug="iop")
    choice = form_choice.choose(ctx["collaboration"], form, user=ctx["users"]["coordinator"], note="Vi valde IOP.")
    return pk(ctx) | {"choice_pk": choice.pk}


def _answered(ctx):
    """Starting over needs answers to clear: question 2 is answered."""
    from projects.form_choice import services as form_choice

    form_choice.save_answer(ctx["collaboration"], form_choice.question(2), "nej", ctx["users"]["coordinator"])
    return pk(ctx)


def _questionnaire(ctx):
    from projects.form_choice.models import FormQuestionnaire

    return list(FormQuestionnaire.objects.filter(collaboration=ctx["collaboration"]).values_list("answers", flat=True))


def _choice(ctx):
    from projects.core.models import Collaboration
    from projects.form_choice.models import FormChoice

    chosen = FormChoice.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    form = Collaboration.objects.filter(pk=ctx["collaboration"].pk).values_list("form_id", flat=True)
    return list(form), list(chosen.values_list("form_id", "note"))


CASES = {
    "projects:form_choice": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="form_choice.view"),
    "projects:form_question": Case(kwargs=question, expect=MEMBERS_VIEW, perm="form_choice.view"),
    "projects:form_answer": Case(
        kwargs=question,
        method="post",
        data=lambda ctx: {"answer": "nej"},
        expect=EDIT,
        effect=_questionnaire,
        perm="form_choice.answer",
    ),
    # On answers to clear: without any, starting over changed nothing.
    "projects:form_restart": Case(
        kwargs=_answered, method="post", expect=EDIT, effect=_questionnaire, perm="form_choice.answer"
    ),
    "projects:form_result": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="form_choice.view"),
    "projects:form_choose": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"form": "iop", "note": "Både marknad och tillit saknas."},
        expect=MANAGE,
        effect=_choice,
        perm="form_choice.choose",
    ),
    "projects:form_record": Case(kwargs=recorded_choice, expect=MEMBERS_VIEW, perm="form_choice.view"),
}
