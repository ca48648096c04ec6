from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .permissions import Action, collaboration_required


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def meetings(request, collaboration):
    return render(request, "projects/meetings.html", {"collaboration": collaboration})


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def decisions(request, collaboration):
    return render(request, "projects/decisions.html", {"collaboration": collaboration})
