"""The public check page (names in the projects namespace)."""

from django.urls import path

from projects.records import views

urlpatterns = [
    path("kontrollera/", views.document_check, name="document_check"),
]
