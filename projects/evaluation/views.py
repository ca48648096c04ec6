"""The evaluation page and its PDF appendix. The rules are in projects.evaluation.services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from projects.core.permissions import COORDINATE, collaboration_required, policy
from projects.evaluation import permissions as perms
from projects.evaluation import services as evaluation
from projects.phases import services as phases
from projects.transfer.permissions import EXPORT


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def evaluation_page(request, collaboration):
    can_manage = policy.user_has_permission(request.user, COORDINATE, collaboration)
    context = evaluation.evaluation_context(collaboration) | {
        "collaboration": collaboration,
        "can_manage": can_manage,
        "can_export": policy.user_has_permission(request.user, EXPORT, collaboration),
        "version": evaluation.decided_version(collaboration),
        "new_period_url": evaluation.new_period_url(collaboration)
        if can_manage and phases.period_due(collaboration)
        else "",
    }
    return render(request, "projects/evaluation/evaluation.html", context)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def evaluation_pdf(request, collaboration):
    data = evaluation.appendix_pdf(collaboration)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"bilaga-utvardering-{slugify(collaboration.title)[:60] or collaboration.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
