"""URLs under samverkan/<pk>/ for two-factor login (names in the projects namespace)."""

from django.urls import path

from projects.security import views

urlpatterns = [
    path("sakerhet/", views.security_page, name="security"),
    path("sakerhet/krav/", views.security_require, name="security_require"),
    path("sakerhet/ta-bort-krav/", views.security_release, name="security_release"),
    path("tvastegsinloggning-kravs/", views.mfa_required, name="mfa_required"),
]
