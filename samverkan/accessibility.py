"""The accessibility statement (tillgänglighetsredogörelse) that lag (2018:1937) om tillgänglighet till
digital offentlig service requires, with the contents Digg prescribes, and its feedback form: a barrier
reported there is e-mailed to the service owner (``SERVICE_OWNER_EMAIL``).

- ``/tillganglighet/`` (``accessibility``): the statement, public. Who is responsible, how accessible the
  service is, the known shortcomings, how to report a barrier, how to contact Digg, how the service was
  tested and when, the date of the statement.
- ``/tillganglighet/synpunkter/`` (``accessibility_feedback``): the form (also on the statement page),
  public, without JavaScript. A honeypot field and a limit per client address (``FEEDBACK_PER_HOUR``)
  keep spam out; the message goes out with Django's mail API in the request, so a failure is shown and
  nothing typed is lost.
"""

from datetime import date
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from projects.common import ratelimit

# When the service was last assessed and the statement last updated (Digg asks for both). Change them
# with the statement's text (templates/accessibility/statement.html) after a new assessment.
ASSESSED = date(2026, 12, 3)
UPDATED = date(2026, 12, 3)

FEEDBACK_PER_HOUR = 5  # per client address, then the form asks to wait (and names the e-mail address)
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


def owner():
    return {
        "name": settings.SERVICE_OWNER_NAME,
        "email": settings.SERVICE_OWNER_EMAIL,
        "phone": settings.SERVICE_OWNER_PHONE,
    }


class FeedbackForm(forms.Form):
    page = forms.CharField(
        label=gettext_lazy("Sidan där du hittade bristen"),
        help_text=gettext_lazy("Sidans namn eller webbadress, till exempel ”Överenskommelsen” eller en länk."),
        max_length=500,
        error_messages={
            "required": gettext_lazy("Skriv på vilken sida du hittade bristen, med sidans namn eller webbadress"),
            "max_length": gettext_lazy("Skriv sidans namn eller webbadress kortare, högst 500 tecken"),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Vad fungerade inte?"),
        help_text=gettext_lazy(
            "Beskriv vad du försökte göra och vad som hände. Skriv gärna vilken webbläsare eller vilket "
            "hjälpmedel du använder, till exempel en skärmläsare."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Beskriv vad som inte fungerade för dig"),
            "max_length": gettext_lazy("Skriv kortare, högst 5 000 tecken"),
        },
    )
    email = forms.EmailField(
        label=gettext_lazy("Din e-postadress (om du vill ha svar)"),
        help_text=gettext_lazy("Frivilligt. Vi använder den bara för att svara dig."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": gettext_lazy("Skriv en e-postadress som namn@exempel.se, eller lämna fältet tomt"),
        },
    )
    # The honeypot: hidden from people (and from screen readers: the wrapper is display:none), filled in
    # by robots. A form with it filled in is thanked and not sent.
    website = forms.CharField(required=False, label=gettext_lazy("Lämna det här fältet tomt"))

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.is_spam() and not _within_limit(self.request):
            raise forms.ValidationError(
                _(
                    "Du har skickat många synpunkter på kort tid. Vänta en stund och försök igen, "
                    "eller skriv till %(email)s."
                )
                % {"email": settings.SERVICE_OWNER_EMAIL}
            )
        return cleaned


def _within_limit(request):
    """Counts one message from the client's address; False past FEEDBACK_PER_HOUR in the hour."""
    return ratelimit.within_limit(request, "accessibility-feedback", FEEDBACK_PER_HOUR)


def send_feedback(data, request):
    """The barrier as an e-mail to the service owner, in Swedish, answerable to the reporter's address."""
    reply = data.get("email") or ""
    lines = [
        "Någon har rapporterat en brist i tillgängligheten i Samverkan.",
        "",
        f"Sida: {data['page']}",
        "",
        "Vad fungerade inte:",
        data["description"],
        "",
        f"Svara till: {reply}" if reply else "Personen har inte lämnat någon e-postadress.",
        "",
        f"Skickat från tillgänglighetsredogörelsen: {request.build_absolute_uri(reverse('accessibility'))}",
        f"Webbläsare: {request.headers.get('User-Agent', '')[:300]}",
    ]
    subject = f"[Samverkan] Brist i tillgängligheten: {data['page']}"
    EmailMessage(
        subject=" ".join(subject.split())[:150],
        body="\n".join(lines),
        to=[settings.SERVICE_OWNER_EMAIL],
        reply_to=[reply] if reply else None,
    ).send()


def _initial_page(request):
    """The page the person came from: ``?sida=`` (a link can pass it) or this site's Referer."""
    page = request.GET.get("sida", "").strip()
    if page:
        return page[:500]
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path not in (
        reverse("accessibility"),
        reverse("accessibility_feedback"),
    ):
        return referer.path[:500]
    return ""


def _context(form):
    return {
        "form": form,
        "owner": owner(),
        "assessed": ASSESSED,
        "updated": UPDATED,
        "digg_url": DIGG_REPORT_URL,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "max_hours": settings.SESSION_MAX_HOURS,
    }


@require_safe
def statement(request):
    form = FeedbackForm(initial={"page": _initial_page(request)})
    return render(request, "accessibility/statement.html", _context(form))


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request):
    if request.method == "POST":
        form = FeedbackForm(request.POST, request=request)
        if form.is_valid():
            if not form.is_spam():
                try:
                    send_feedback(form.cleaned_data, request)
                except OSError:  # smtplib's errors are OSErrors: the server is down or refused
                    form.add_error(
                        None,
                        _("Det gick inte att skicka just nu. Försök igen om en stund, eller skriv till %(email)s.")
                        % {"email": settings.SERVICE_OWNER_EMAIL},
                    )
                    return render(request, "accessibility/feedback.html", _context(form))
            messages.success(
                request,
                _("Tack! Din synpunkt är skickad till %(owner)s. Har du lämnat din e-postadress svarar vi dig där.")
                % {"owner": settings.SERVICE_OWNER_NAME},
            )
            return redirect("accessibility_feedback")
    else:
        form = FeedbackForm(initial={"page": _initial_page(request)})
    return render(request, "accessibility/feedback.html", _context(form))
