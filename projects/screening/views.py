"""The legal screening's pages: thin views over projects.screening.services.

Without JavaScript a save posts and redirects with a message, or shows the page again with what the
person wrote and the error. With HTMX it answers the one card that changed and the warnings beside it
(an out-of-band swap); an invalid form is answered 422 with its card."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.agreements.models import AgreementVersion
from projects.core.permissions import collaboration_required, policy
from projects.screening import permissions as perms
from projects.screening import services as screening
from projects.screening.forms import AnswerForm, RegistrationForm
from projects.screening.models import Question, ScreeningRegistration

PAGE = "projects/screening/screening.html"
CARD = "projects/screening/screening_card.html"


def _url(collaboration, anchor=""):
    url = reverse("projects:screening", args=[collaboration.pk])
    return f"{url}#{anchor}" if anchor else url


def _answer_form(question, answer, data=None):
    initial = {}
    if answer is not None:
        initial = {
            "answer": answer.answer,
            "reason": answer.reason,
            "ground": answer.ground,
            "ground_other": answer.ground_other,
            "version": answer.version,
        }
    return AnswerForm(data, question=question, initial=initial or {"version": 0})


def _registration_form(party, data=None):
    registration = party.registration
    initial = {"version": 0}
    if registration is not None:
        initial = {
            "status": registration.status,
            "checked_on": registration.checked_on,
            "note": registration.note,
            "version": registration.version,
        }
    return RegistrationForm(data, party=party, initial=initial)


def _context(request, collaboration, bound=None):
    """The page's context. ``bound``: {("q", key) or ("p", party pk): a bound form to show}."""
    bound = bound or {}
    answers = screening.answers_of(collaboration)
    parties = screening.civil_parties(collaboration)
    found = screening.current_warnings(collaboration, answers, parties)
    can_answer = policy.user_has_permission(request.user, perms.ANSWER, collaboration, collaboration)
    questions = []
    for question in screening.QUESTIONS:
        answer = answers.get(question.key)
        form = bound.get(("q", question.key)) or (_answer_form(question.key, answer) if can_answer else None)
        questions.append(
            {
                "q": question,
                "answer": answer,
                "form": form,
                "warnings": [w for w in found if w.question == question.key],
            }
        )
    for party in parties:
        party.can_record = policy.user_has_permission(request.user, perms.RECORD_REGISTRATION, collaboration, party)
        party.form = bound.get(("p", party.pk)) or (_registration_form(party) if party.can_record else None)
    versions = screening.versions(collaboration)
    return {
        "collaboration": collaboration,
        "questions": questions,
        "parties": parties,
        "warnings": found,
        "form": screening.chosen_form(collaboration),
        "can_answer": can_answer,
        "ground_help": screening.GROUND_HELP,
        "registration_help": screening.REGISTRATION_HELP,
        "versions": versions,
        # The newest version while it is locked for decision or decided: it carries the answers as they were.
        "locked": versions[0] if versions and versions[0].agreement.state != "draft" else None,
        "history": screening.history(collaboration),
    }


def _card(request, collaboration, key, *, form=None, notice="", status=200):
    """The one card of ``key`` (("q", question) or ("p", party pk)) and the warnings (HTMX)."""
    context = _context(request, collaboration, {key: form} if form else None)
    kind, which = key
    context["item"] = next((i for i in context["questions"] if kind == "q" and i["q"].key == which), None)
    context["party"] = next((p for p in context["parties"] if kind == "p" and p.pk == which), None)
    context["card_notice"] = notice
    return render(request, CARD, context, status=status)


def _post(request, collaboration, form, key, *, save, stored, saved):
    """A save's answer: ``save(cleaned_data)`` returns whether it changed; ``stored()`` the row as
    stored (for a conflict); ``saved`` the notice."""
    if form.is_valid():
        try:
            changed = save(form.cleaned_data)
        except ValidationError as error:
            form = _conflicted(form, error, stored())
        else:
            notice = saved if changed else _("Inget ändrades.")
            if request.htmx:
                return _card(request, collaboration, key, notice=notice)
            (messages.success if changed else messages.info)(request, notice)
            kind, which = key
            return redirect(_url(collaboration, f"q-{which}" if kind == "q" else f"party-{which}"))
    if request.htmx:
        return _card(request, collaboration, key, form=form, status=422)
    return render(request, PAGE, _context(request, collaboration, {key: form}), status=422)


def _conflicted(form, error, stored):
    """The form again with what the person wrote, the stored version as its base (so that saving again
    overwrites knowingly) and the conflict as its error."""
    data = form.data.copy()
    data[form.add_prefix("version")] = stored.version if stored else 0
    again = type(form)(data, **({"question": form.question} if hasattr(form, "question") else {"party": form.party}))
    again.is_valid()
    again.add_error(None, error)
    return again


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def screening_page(request, collaboration):
    return render(request, PAGE, _context(request, collaboration))


@login_required
@require_POST
@collaboration_required(perms.ANSWER)
def screening_answer(request, collaboration, question):
    if question not in Question.values:
        raise Http404
    if not policy.user_has_permission(request.user, perms.ANSWER, collaboration, collaboration):
        raise PermissionDenied

    def save(data):
        return screening.save_answer(
            collaboration,
            question,
            user=request.user,
            answer=data["answer"],
            reason=data.get("reason") or "",
            ground=data.get("ground") or "",
            ground_other=data.get("ground_other") or "",
            base_version=data.get("version") or 0,
        )[1]

    return _post(
        request,
        collaboration,
        AnswerForm(request.POST, question=question),
        ("q", question),
        save=save,
        stored=lambda: screening.answers_of(collaboration).get(question),
        saved=_("Svaret är sparat."),
    )


@login_required
@require_POST
@collaboration_required(perms.RECORD_REGISTRATION)
def screening_registration(request, collaboration, party_pk):
    party = screening.party_of(collaboration, party_pk)
    if party is None or party.organisation.is_public:
        raise Http404
    if not policy.user_has_permission(request.user, perms.RECORD_REGISTRATION, collaboration, party):
        raise PermissionDenied

    def save(data):
        return screening.save_registration(
            collaboration,
            party,
            user=request.user,
            status=data["status"],
            checked_on=data.get("checked_on"),
            note=data.get("note") or "",
            base_version=data.get("version") or 0,
        )[1]

    return _post(
        request,
        collaboration,
        RegistrationForm(request.POST, party=party),
        ("p", party.pk),
        save=save,
        stored=lambda: ScreeningRegistration.objects.filter(party=party).first(),
        saved=_("Registreringen för %(name)s är sparad.") % {"name": party.organisation.name},
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def screening_version(request, collaboration, version_pk):
    """The screening as a locked version of the agreement carries it (from the version's content:
    it does not change when the live screening does)."""
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement", "frozen_by"),
        pk=version_pk,
        agreement__collaboration=collaboration,
    )
    return render(
        request,
        "projects/screening/screening_version.html",
        {
            "collaboration": collaboration,
            "version": version,
            "screening": screening.version_screening(version),
        },
    )
