"""URLs under samverkan/<pk>/ for form_choice (included by projects.urls, names in the projects namespace)."""

from django.urls import path

from . import form_choice_views as views

urlpatterns = [
    path("", views.form_choice, name="form_choice"),
]
