"""The app's URLs plus the baseline views the benchmarks compare against. Being in the same
project, the baseline views pass through the same middleware as every other view."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path
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


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-session/", bare_session, name="bench_bare_session"),
    path("", include(app_urls)),
]

handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
