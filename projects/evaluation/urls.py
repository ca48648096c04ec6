"""URLs for the evaluation (names in the projects namespace)."""

from django.urls import path

from projects.evaluation import views

urlpatterns = [
    path("utvardering/", views.evaluation_page, name="evaluation"),
    path("utvardering/bilaga.pdf", views.evaluation_pdf, name="evaluation_pdf"),
]
