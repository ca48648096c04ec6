"""URLs under samverkan/<pk>/ for stakeholders and risks (names in the projects namespace)."""

from django.urls import path

from . import stakeholder_views as views

urlpatterns = [
    path("intressenter/", views.stakeholders, name="stakeholders"),
    path("risker/", views.risks, name="risks"),
]
