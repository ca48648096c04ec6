"""URLs under samverkan/<pk>/ for goals, indicators and measurements (names in the projects namespace)."""

from django.urls import path

from . import goal_views as views

urlpatterns = [
    path("mal/", views.goals, name="goals"),
]
