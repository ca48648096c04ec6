"""Personal data (issue 8): the privacy page, "download everything about me", delete my account.
The rules are in accounts.personal_data."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import personal_data
from .personal_data_forms import DeleteAccountForm


def stored_data(periods):
    """The privacy page's table: (what, why, legal basis suggested, how long)."""
    return [
        (
            _("Ditt namn och din e-postadress"),
            _("För att du ska kunna logga in och för att de du samverkar med ska veta vem som skrivit vad."),
            _("Allmänt intresse eller avtal"),
            _("Tills du raderar ditt konto."),
        ),
        (
            _("Lösenord och tvåstegsinloggning"),
            _("För att skydda ditt konto. Lösenordet sparas krypterat och kan inte läsas av någon."),
            _("Berättigat intresse (säkerhet)"),
            _("Tills du ändrar det eller raderar ditt konto."),
        ),
        (
            _("Medlemskap i en samverkan: part och roll"),
            _("För att bestämma vad du får se och göra."),
            _("Allmänt intresse eller avtal"),
            _("Tills du tas bort ur samverkan eller raderar ditt konto."),
        ),
        (
            _("Det du skriver: svar, kommentarer, överenskommelsens text, mål, risker, möten och protokoll"),
            _("Samverkan planeras tillsammans, och alla ska kunna se vem som skrev vad."),
            _("Allmänt intresse"),
            _(
                "Så länge samverkan finns. Raderar du ditt konto står texten kvar "
                "men ditt namn byts mot ”Borttagen användare”."
            ),
        ),
        (
            _("Beslut och beslutade överenskommelser"),
            _("De är allmänna handlingar hos de parter som är myndigheter (se nedan)."),
            _("Rättslig förpliktelse (arkivlagen) eller allmänt intresse"),
            _(
                "Enligt den ansvariga organisationens regler för arkiv och "
                "gallring. De ändras inte när du raderar ditt konto."
            ),
        ),
        (
            _("Händelser (vad som hänt i en samverkan och vem som gjorde det)"),
            _("För att alla ska kunna följa arbetet."),
            _("Berättigat intresse"),
            _(
                "Så länge samverkan finns. Raderar du ditt konto tas ditt namn bort "
                "ur händelserna, utom ur händelser som gäller beslut."
            ),
        ),
        (
            _("Inbjudningar: e-postadressen till den som bjuds in"),
            _("För att skicka inbjudan och veta vem som ska få gå med."),
            _("Berättigat intresse"),
            _(
                "En inbjudan gäller i %(valid)d dagar. En inbjudan som inte har använts tas "
                "bort %(days)d dagar efter att den gått ut eller återkallats."
            )
            % {"valid": periods["invitation_valid_days"], "days": periods["ended_invitations_days"]},
        ),
        (
            _("Inloggningsförsök: e-postadress, IP-adress, webbläsare och tid"),
            _(
                "För att stoppa den som försöker gissa lösenord (kontot spärras "
                "en stund efter för många misslyckade försök)."
            ),
            _("Berättigat intresse (säkerhet)"),
            _("%(days)d dagar.") % {"days": periods["login_records_days"]},
        ),
        (
            _("Inloggade enheter: IP-adress, webbläsare och när du senast var aktiv"),
            _("Så att du kan se var du är inloggad och logga ut överallt."),
            _("Berättigat intresse (säkerhet)"),
            _("Tills inloggningen upphör, som längst %(hours)d timmar efter att du loggade in.")
            % {"hours": periods["session_hours"]},
        ),
        (
            _("Svar som du sparade när du hade blivit utloggad"),
            _("Så att det du skrev inte försvinner: det visas igen när du har loggat in."),
            _("Berättigat intresse"),
            _("Visas inte efter %(hours)d timmar och tas bort med inloggningen.") % {"hours": periods["stash_hours"]},
        ),
    ]


def privacy(request):
    periods = personal_data.retention()
    return render(
        request,
        "accounts/privacy.html",
        {
            "controller": settings.PRIVACY_CONTROLLER,
            "stored": stored_data(periods),
            "cookies": {
                "session": settings.SESSION_COOKIE_NAME,
                "csrf": settings.CSRF_COOKIE_NAME,
                "language": settings.LANGUAGE_COOKIE_NAME,
            },
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def download(request):
    """GET explains what the file holds; POST returns it (nothing is recorded)."""
    if request.method == "GET":
        return render(request, "accounts/download.html")
    data = personal_data.collect(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="samverkan-mina-uppgifter-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, request=request)
    blocking = personal_data.blocking_collaborations(request.user)
    if request.method == "POST" and not blocking and form.is_valid():
        try:
            personal_data.delete_account(request.user, confirm_email=form.cleaned_data["email"])
        except personal_data.AccountDeletionRefused as refused:
            form.add_error(None, refused.message)
            blocking = refused.collaborations
        else:
            logout(request)
            messages.success(request, _("Ditt konto är raderat."))
            return redirect("projects:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/delete_account.html",
        {
            "form": form,
            "blocking": blocking,
            "refusal": personal_data.refusal_message(blocking) if blocking else "",
            "periods": personal_data.retention(),
        },
        status=status,
    )
