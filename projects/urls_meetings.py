"""URLs under samverkan/<pk>/ for meetings, minutes, the decision log and calendars (projects namespace)."""

from django.urls import path

from . import meeting_views as views

urlpatterns = [
    path("moten/", views.meetings, name="meetings"),
    path("beslutslogg/", views.decisions, name="decisions"),
]
