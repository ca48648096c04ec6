"""The page behind an invitation link, shared by invitations to a collaboration's party
(projects.core.views.invitation_accept) and to an organisation (projects.organisations.views).

The link is the credential. It works for a new person (name and password, the address counts as
verified), for a logged-in person with the invited address, and says clearly when it cannot be used:
unknown (404), used, revoked or expired (410), another account logged in (403)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, login
from django.db import IntegrityError, transaction
from django.shortcuts import render

from projects.core.forms import AcceptInvitationSignupForm
from projects.core.models import hash_token


def find(model, token, *related):
    return model.objects.select_related(*related).filter(token_hash=hash_token(token)).first()


@transaction.atomic
def create_invited_account(*, email, password, full_name):
    """A new account for an invited address; the invitation reached it, which verifies it."""
    from projects.organisations.services import join_by_verified_domains

    user = get_user_model().objects.create_user(email=email, password=password, full_name=full_name.strip())
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    join_by_verified_domains(user)
    return user


@transaction.atomic
def confirm_address(user, email):
    """Opening the link proves that the person reads ``email``: the address counts as verified."""
    from projects.organisations.services import join_by_verified_domains

    EmailAddress.objects.update_or_create(user=user, email__iexact=email, defaults={"email": email, "verified": True})
    join_by_verified_domains(user)


def invitation_page(request, token, invitation, *, template, problem_template, accept, context=None):
    """Render the invitation page or its problem page; ``accept(request, invitation, user)`` returns
    the response once the person is known (logged in with the invited address, or just signed up)."""
    context = {"invitation": invitation, "token": token, **(context or {})}
    if invitation is None:
        return render(request, problem_template, {**context, "problem": "unknown"}, status=404)
    if not invitation.is_pending:
        return render(request, problem_template, {**context, "problem": invitation.status}, status=410)
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(request, problem_template, {**context, "problem": "wrong_account"}, status=403)
        if request.method == "POST":
            confirm_address(request.user, invitation.email)
            return accept(request, invitation, request.user)
        return render(request, template, context)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return render(request, template, {**context, "existing": True})
    form = AcceptInvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_invited_account(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except IntegrityError:  # the form was sent twice: the account exists now
            return render(request, template, {**context, "existing": True})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return accept(request, invitation, user)
    return render(request, template, {**context, "form": form})
