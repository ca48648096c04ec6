"""The health check at ``/halsa/``, for load balancers and monitoring (docs/deployment.md).

``GET /halsa/`` asks the database one cheap question (``SELECT 1``) and answers
``200 {"status": "ok", "checks": {"database": "ok"}}`` or ``503`` naming the check that failed,
never the exception. No login, no session, no cookie, no template: a load balancer asks every few
seconds. ``?full=1`` also looks at the background-task queue (django-tasks-db): a task that has been
ready for longer than ``QUEUE_MAX_AGE_MINUTES`` means no worker is taking tasks, and the answer is
``200 {"status": "degraded", ...}``; so is a shared cache (``CACHE_URL``) that does not answer, which
makes logins fail. Neither is a reason to take one app server out of a load balancer (every server
shares them), so the code stays 200 and monitoring should alert on the status field.

Behind ``SECURE_SSL_REDIRECT`` the URL must be exempt (``SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]``),
since probes speak plain HTTP to the instance.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A ready task older than this (minutes) means the worker is not taking tasks.
QUEUE_MAX_AGE_MINUTES = 10
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_queue(now=None):
    """Return "ok", "stale" (a ready task waits longer than QUEUE_MAX_AGE_MINUTES) or "not-used"
    (tasks run inside the request: the immediate backend)."""
    if settings.TASKS.get("default", {}).get("BACKEND") != DATABASE_BACKEND:
        return "not-used"
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = (now or timezone.now()) - timedelta(minutes=QUEUE_MAX_AGE_MINUTES)
    # A task without run_after waits since it was enqueued; a scheduled one since its run_after.
    waiting = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
    )
    return "stale" if waiting.exists() else "ok"


def check_cache():
    """Return "ok", "failed" (the shared cache does not answer: logins fail) or "local" (per process)."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return "local"
    try:
        cache.set("samverkan-health", "ok", 30)
        return "ok" if cache.get("samverkan-health") == "ok" else "failed"
    except Exception as exc:  # whatever the cache server's client raises
        logger.warning("Health check: the cache did not answer: %s", exc)
        return "failed"


def _response(status, checks, code):
    response = JsonResponse({"status": status, "checks": checks}, status=code)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # nothing is accepted: a POST gets 405, not the CSRF page
@require_safe
def health(request):
    checks = {}
    try:
        checks["database"] = check_database()
    except DatabaseError as exc:
        logger.warning("Health check: the database did not answer: %s", exc)
        checks["database"] = "failed"
        return _response("failed", checks, 503)
    if request.GET.get("full") == "1":
        try:
            checks["queue"] = check_queue()
        except DatabaseError as exc:
            logger.warning("Health check: the task queue could not be read: %s", exc)
            checks["queue"] = "failed"
            return _response("failed", checks, 503)
        checks["cache"] = check_cache()
        if checks["queue"] == "stale" or checks["cache"] == "failed":
            return _response("degraded", checks, 200)
    return _response("ok", checks, 200)
