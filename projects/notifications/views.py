from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from projects.core.models import Collaboration
from projects.notifications import services as notices
from projects.notifications.forms import SettingsForm
from projects.notifications.models import Kind


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request):
    """Aviseringar: the person's choices and the last 50 notices sent to them."""
    profile = notices.profile_for(request.user, create=request.method == "POST")  # a GET writes nothing
    collaborations = Collaboration.objects.filter(memberships__user=request.user).order_by("title")
    initial = {"language": profile.language, "muted": profile.muted.all() if profile.pk else []} | {
        f"kind_{kind}": value for kind, value in notices.frequencies_of(profile).items()
    }
    form = SettingsForm(request.POST or None, initial=initial, collaborations=collaborations)
    if request.method == "POST" and form.is_valid():
        notices.save_settings(
            request.user,
            language=form.cleaned_data["language"],
            frequencies=form.frequencies(),
            muted=form.cleaned_data["muted"],
        )
        messages.success(request, _("Dina val för aviseringar är sparade."))
        return redirect("projects:notice_settings")
    return render(
        request,
        "projects/notifications/settings.html",
        {"form": form, "profile": profile, "notices": notices.recent(request.user)},
        status=400 if form.is_bound else 200,
    )


@csrf_exempt  # RFC 8058: a mail provider posts "List-Unsubscribe=One-Click" without a session or token
@require_http_methods(["GET", "POST"])
def notice_unsubscribe(request, token):
    """An e-mail's unsubscribe link. GET asks (a link checker opening it changes nothing); POST,
    from the page's button or a mail provider's one-click request, turns the kind off. No login: the
    signed link is the permission."""
    try:
        user_id, kind = notices.read_token(token)
    except notices.BadToken as error:
        return render(
            request, "projects/notifications/unsubscribe_invalid.html", {"expired": error.expired}, status=400
        )
    label = Kind(kind).label if kind in Kind.values else None
    if request.method == "POST":
        try:
            notices.unsubscribe(token)
        except notices.BadToken as error:
            return render(
                request, "projects/notifications/unsubscribe_invalid.html", {"expired": error.expired}, status=400
            )
        return render(request, "projects/notifications/unsubscribe.html", {"done": True, "label": label, "kind": kind})
    return render(request, "projects/notifications/unsubscribe.html", {"done": False, "label": label, "kind": kind})
