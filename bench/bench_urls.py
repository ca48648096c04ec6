"""The app's URLs plus the baseline views the benchmarks compare against. Being in the same
project, the baseline views pass through the same middleware as every other view."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan import urls as app_urls


def bare(request):
    """The floor: Django's request/response cycle and the middleware, no database."""
    return HttpResponse("ok")


@login_required
@require_POST
def bare_session(request):
    """What every autosave pays before the view's own work: a CSRF-checked POST, the session read
    from the database and the logged-in user loaded (``login_required`` reads ``request.user``)."""
    return HttpResponse("ok")


@login_required
@require_POST
def minimal_save(request, collaboration_pk, item_pk):
    """The floor of a correct versioned save, 7 statements: the session and the user, then in one
    transaction (BEGIN … COMMIT) the joint answer's row locked, its version compared with the posted
    one, the row updated and a revision inserted. The same form fields as the autosave
    (``<item>-j-text``, ``-version``); answers with the new version as the autosave's fragment
    does, 409 when the version has moved. No membership, question or status checks, no
    confirmations, no fragment: what a save cannot do without, not what this app's save must do."""
    from projects.checklists.models import Answer, AnswerRevision

    key = f"{item_pk}-j"
    text = request.POST.get(f"{key}-text", "")
    try:
        version = int(request.POST.get(f"{key}-version", ""))
    except ValueError:
        return HttpResponse("bad version", status=400)
    now = timezone.now()
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(
            collaboration_id=collaboration_pk, item_id=item_pk, party__isnull=True
        )
        if answer.version != version:
            return HttpResponse(f'<input name="{key}-version" value="{answer.version}">', status=409)
        Answer.objects.filter(pk=answer.pk).update(
            text=text, version=F("version") + 1, updated_by=request.user, updated_at=now
        )
        AnswerRevision.objects.create(
            answer=answer, version=version + 1, text=text, status=answer.status, author=request.user, created_at=now
        )
    return HttpResponse(f'<input type="hidden" name="{key}-version" value="{version + 1}">')


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-session/", bare_session, name="bench_bare_session"),
    path("bench/minimal-save/<int:collaboration_pk>/<int:item_pk>/", minimal_save, name="bench_minimal_save"),
    path("", include(app_urls)),
]

handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
