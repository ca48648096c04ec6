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
    from projects import form_choice

    form = CollaborationForm.objects.get(slug="iop")
    choice = form_choice.choose(ctx["collaboration"], form, user=ctx["users"]["coordinator"], note="Vi valde IOP.")
    return pk(ctx) | {"choice_pk": choice.pk}


CASES = {
    "projects:form_choice": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:form_question": Case(kwargs=question, expect=MEMBERS_VIEW),
    "projects:form_answer": Case(kwargs=question, method="post", data=lambda ctx: {"answer": "nej"}, expect=EDIT),
    "projects:form_restart": Case(kwargs=pk, method="post", expect=EDIT),
    "projects:form_result": Case(kwargs=pk, expect=MEMBERS_VIEW),
    "projects:form_choose": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"form": "iop", "note": "Både marknad och tillit saknas."},
        expect=MANAGE,
    ),
    "projects:form_record": Case(kwargs=recorded_choice, expect=MEMBERS_VIEW),
}
