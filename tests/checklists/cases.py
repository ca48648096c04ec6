"""Permission-matrix cases for the checklists URLs (merged into tests/test_permission_matrix.py).

Each case gets ``ctx`` from test_permission_matrix._context (collaboration, users, the checklist
section ``cs`` with its question ``item`` and a joint answer with two revisions, …).

Members read; editors and coordinators write the joint answers and confirm them for their own party;
coordinators choose the sections and how they are answered.
"""

from datetime import timedelta

from tests.matrix import EDIT, MANAGE, MEMBERS_VIEW, Case, pk


def cs_kwargs(ctx):
    return pk(ctx) | {"cs_pk": ctx["cs"].pk}


def item_kwargs(ctx):
    return cs_kwargs(ctx) | {"item_pk": ctx["item"].pk}


def answer_data(ctx):
    key = f"{ctx['item'].pk}-j"
    return {f"{key}-text": "Ny text", f"{key}-version": 2, f"{key}-status": "discussed"}


def _section_not_taken(ctx):
    from projects.checklists.services import sections_with_questions

    taken = ctx["collaboration"].checklist_sections.values_list("section_id")
    return sections_with_questions().exclude(pk__in=taken).first().pk


# -- effects: what each POST changes when it is allowed (tests/matrix.py ``Case.effect``) ---------------


def _checklist_sections(ctx):
    from projects.checklists.models import ChecklistSection

    rows = ChecklistSection.objects.filter(collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("section_id", "active", "answer_mode"))


def _due_date(ctx):
    from projects.checklists.models import ChecklistSection

    return list(ChecklistSection.objects.filter(pk=ctx["cs"].pk).values_list("due_date", flat=True))


def _a_future_date(ctx):
    from django.utils import timezone

    return {"date": (timezone.localdate() + timedelta(days=30)).isoformat()}


def _joint_answer(ctx):
    from projects.checklists.models import Answer

    answer = Answer.objects.filter(collaboration=ctx["collaboration"], item=ctx["item"], party=None)
    return list(answer.values_list("text", "version", "status"))


def _confirmations(ctx):
    from projects.checklists.models import Confirmation

    rows = Confirmation.objects.filter(answer__collaboration=ctx["collaboration"], answer__item=ctx["item"])
    return list(rows.order_by("party_id").values_list("party_id", "version"))


CASES = {
    "projects:checklists": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="checklists.view"),
    "projects:checklist_add": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"section": _section_not_taken(ctx)},
        expect=MANAGE,
        effect=_checklist_sections,
        perm="checklists.manage_sections",
    ),
    "projects:checklist_section": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW, perm="checklists.view"),
    # The joint answers (a party's own answer: only that party's people).
    "projects:checklist_save": Case(
        kwargs=cs_kwargs,
        method="post",
        data=lambda ctx: answer_data(ctx),
        expect=EDIT,
        effect=_joint_answer,
        perm="checklists.edit_answer",
    ),
    "projects:checklist_changes": Case(
        kwargs=cs_kwargs,
        data=lambda ctx: {"since": "2000-01-01T00:00:00+00:00"},
        expect=MEMBERS_VIEW,
        perm="checklists.view",
    ),
    "projects:checklist_print": Case(kwargs=cs_kwargs, expect=MEMBERS_VIEW, perm="checklists.view"),
    "projects:checklist_remove": Case(
        kwargs=cs_kwargs,
        method="post",
        expect=MANAGE,
        effect=_checklist_sections,
        perm="checklists.manage_sections",
    ),
    "projects:checklist_mode": Case(
        kwargs=cs_kwargs,
        method="post",
        data=lambda ctx: {"answer_mode": "per_party"},
        expect=MANAGE,
        effect=_checklist_sections,
        perm="checklists.manage_sections",
    ),
    # Coordinators give a section the date by which it is to be done.
    "projects:checklist_due_date": Case(
        kwargs=cs_kwargs,
        method="post",
        data=_a_future_date,
        expect=MANAGE,
        effect=_due_date,
        perm="checklists.set_due_date",
    ),
    # A save posted without a session is kept for after the login: a redirect, like the others.
    # The joint answer.
    "projects:answer_save": Case(
        kwargs=item_kwargs,
        method="post",
        data=lambda ctx: answer_data(ctx),
        expect=EDIT,
        effect=_joint_answer,
        perm="checklists.edit_answer",
    ),
    # Each writer confirms for their own party.
    "projects:answer_confirm": Case(
        kwargs=item_kwargs,
        method="post",
        data=lambda ctx: {"version": 2},
        expect=EDIT,
        effect=_confirmations,
        perm="checklists.confirm_answer",
    ),
    "projects:answer_history": Case(kwargs=item_kwargs, expect=MEMBERS_VIEW, perm="checklists.view"),
    "projects:answer_restore": Case(
        kwargs=lambda ctx: item_kwargs(ctx) | {"revision_pk": ctx["revision"].pk},
        method="post",
        expect=EDIT,
        effect=_joint_answer,
        perm="checklists.edit_answer",
    ),
    # GET: the thread (commenting, checklists.comment, is tests/checklists/test_checklists.py's).
    "projects:comments": Case(kwargs=item_kwargs, expect=MEMBERS_VIEW, perm="checklists.view"),
}
