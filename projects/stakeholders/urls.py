"""URLs under samverkan/<pk>/ for stakeholders and risks (names in the projects namespace)."""

from django.urls import path

from projects.stakeholders import views

urlpatterns = [
    path("intressenter/", views.stakeholders, name="stakeholders"),
    path("intressenter/ny/", views.stakeholder_add, name="stakeholder_add"),
    path("intressenter/csv/", views.stakeholder_csv, name="stakeholder_csv"),
    path("intressenter/<int:stakeholder_pk>/andra/", views.stakeholder_edit, name="stakeholder_edit"),
    path("intressenter/<int:stakeholder_pk>/flytta/", views.stakeholder_move, name="stakeholder_move"),
    path("intressenter/<int:stakeholder_pk>/ta-bort/", views.stakeholder_delete, name="stakeholder_delete"),
    path("risker/", views.risks, name="risks"),
    path("risker/ny/", views.risk_add, name="risk_add"),
    path("risker/csv/", views.risk_csv, name="risk_csv"),
    path("risker/<int:risk_pk>/andra/", views.risk_edit, name="risk_edit"),
    path("risker/<int:risk_pk>/stang/", views.risk_close, name="risk_close"),
]
