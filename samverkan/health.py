"""Stub: the health check, filled in by the deployment work (issue 8)."""

from django.http import HttpResponse


def health(request):
    return HttpResponse("ok")
