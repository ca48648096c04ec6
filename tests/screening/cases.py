"""Permission-matrix cases for the legal screening's URLs (merged into tests/test_permission_matrix.py).

Every member reads the screening and the screening a locked version carries. The questions are
answered by coordinators and the public parties' writers: the matrix's editor writes for the
civil-society party, so they are refused (403) although their role level is EDIT (``role_check=False``).
A civil-society party's registration may be recorded by its own writers (the editor), a public
party's writers and any coordinator.
"""

from tests.matrix import EDIT, LOGIN, MEMBERS_VIEW, OK, Case, pk

ANSWER_ONLY_PUBLIC = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


def _answer_kwargs(ctx):
    return pk(ctx) | {"question": "competence"}


def _answer_data(ctx):
    return {
        "competence-answer": "ja",
        "competence-reason": "Ett allmänt intresse för kommunens invånare.",
        "competence-version": "0",
    }


def _answers(ctx):
    from projects.screening.models import ScreeningAnswer

    rows = ScreeningAnswer.objects.filter(collaboration=ctx["collaboration"]).order_by("question")
    return list(rows.values_list("question", "answer", "reason", "version"))


def _registration_kwargs(ctx):
    return pk(ctx) | {"party_pk": ctx["civil_party"].pk}


def _registration_data(ctx):
    prefix = f"party-{ctx['civil_party'].pk}"
    return {f"{prefix}-status": "registrerad", f"{prefix}-checked_on": "2025-01-15", f"{prefix}-version": "0"}


def _registrations(ctx):
    from projects.screening.models import ScreeningRegistration

    rows = ScreeningRegistration.objects.filter(collaboration=ctx["collaboration"]).order_by("party_id")
    return list(rows.values_list("party_id", "status", "checked_on", "version"))


def _version_kwargs(ctx):
    """A version locked for decision (it carries the screening as it was)."""
    from projects.agreements import services as agreements
    from projects.agreements.models import AgreementSection

    if "screening_version" not in ctx:
        AgreementSection.objects.filter(agreement=ctx["agreement"], required=True, text="", omitted_reason="").update(
            omitted_reason="Inte aktuellt i den här samverkan."
        )
        ctx["screening_version"] = agreements.freeze(ctx["agreement"], user=ctx["users"]["coordinator"])
    return pk(ctx) | {"version_pk": ctx["screening_version"].pk}


CASES = {
    "projects:screening": Case(kwargs=pk, expect=MEMBERS_VIEW, perm="screening.view"),
    # The coordinator (of the municipality) answers; the editor writes for the association: refused.
    "projects:screening_answer": Case(
        kwargs=_answer_kwargs,
        method="post",
        data=_answer_data,
        expect=ANSWER_ONLY_PUBLIC,
        effect=_answers,
        perm="screening.answer",
        role_check=False,
    ),
    # The editor records their own party's registration, the coordinator any party's.
    "projects:screening_registration": Case(
        kwargs=_registration_kwargs,
        method="post",
        data=_registration_data,
        expect=EDIT,
        effect=_registrations,
        perm="screening.record_registration",
    ),
    "projects:screening_version": Case(kwargs=_version_kwargs, expect=MEMBERS_VIEW, perm="screening.view"),
}
