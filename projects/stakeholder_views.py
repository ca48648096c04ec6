from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .permissions import Action, collaboration_required


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def stakeholders(request, collaboration):
    return render(request, "projects/stakeholders.html", {"collaboration": collaboration})


@login_required
@require_GET
@collaboration_required(Action.VIEW)
def risks(request, collaboration):
    return render(request, "projects/risks.html", {"collaboration": collaboration})
