from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .services import rename


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        rename(request.user, form.cleaned_data["full_name"])
        messages.success(request, _("Ditt namn är sparat."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
