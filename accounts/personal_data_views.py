"""Stubs: filled in by the personal-data work (issue 8)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


def privacy(request):
    return HttpResponse("")


@login_required
def download(request):
    return HttpResponse("")


@login_required
def delete_account(request):
    return HttpResponse("")
