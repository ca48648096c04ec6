"""A whole collaboration exported as JSON and imported into a new one. The rules are in
projects.transfer.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from projects.core.permissions import collaboration_required
from projects.transfer import services as transfer
from projects.transfer.forms import ImportForm
from projects.transfer.permissions import EXPORT


@login_required
@require_GET
@collaboration_required(EXPORT)
def collaboration_export(request, collaboration):
    """The whole collaboration as JSON. It names the people and their e-mail addresses: for
    coordinators only (also of an archived period: exporting changes nothing)."""
    response = HttpResponse(transfer.export_json(collaboration), content_type="application/json; charset=utf-8")
    name = f"{slugify(collaboration.title)[:60] or 'samverkan'}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_import(request):
    """Upload an export; a valid one becomes a new collaboration with the person importing as its
    coordinator. An invalid one is reported with every problem, and nothing is created."""
    errors = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = transfer.import_collaboration(upload.read(), user=request.user)
            except transfer.InvalidImport as problem:
                errors = problem.errors
            else:
                messages.success(request, _import_message(result))
                target = "projects:people" if result.to_invite else "projects:overview"
                return redirect(target, result.collaboration.pk)
    else:
        form = ImportForm()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "projects/transfer/collaboration_import.html",
        {"form": form, "errors": errors, "max_errors": transfer.MAX_ERRORS},
        status=status,
    )


def _import_message(result):
    message = _("%(title)s är importerad. Du är samordnare för %(party)s.") % {
        "title": result.collaboration.title,
        "party": result.collaboration.parties.order_by("pk").first().organisation.name,
    }
    if result.to_invite:
        names = ", ".join(f"{p['name']} ({p['email']})" for p in result.to_invite[:10])
        more = len(result.to_invite) - 10
        message += " " + ngettext(
            "Filen nämner %(n)d person till; hen blir inte medlem förrän ni bjuder in hen under Personer: %(names)s.",
            "Filen nämner %(n)d personer till; de blir inte medlemmar förrän ni bjuder in dem under Personer: "
            "%(names)s.",
            len(result.to_invite),
        ) % {"n": len(result.to_invite), "names": names + (f" … (+{more})" if more > 0 else "")}
    return message
