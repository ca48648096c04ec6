"""URLs under samverkan/<pk>/rattslig-genomgang/ for the legal screening (names in the projects namespace)."""

from django.urls import path

from projects.screening import views

urlpatterns = [
    path("", views.screening_page, name="screening"),
    path("svar/<str:question>/", views.screening_answer, name="screening_answer"),
    path("registrering/<int:party_pk>/", views.screening_registration, name="screening_registration"),
    path("version/<int:version_pk>/", views.screening_version, name="screening_version"),
]
