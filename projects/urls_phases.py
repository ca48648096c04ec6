"""URLs under samverkan/<pk>/ for phases (included by projects.urls, names in the projects namespace)."""

from django.urls import path

from . import phase_views as views

urlpatterns = [
    path("", views.phases, name="phases"),
]
