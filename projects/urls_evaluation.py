"""URLs for the evaluation, and a whole collaboration's export and import (names in the projects namespace).
Mounted at the site root of projects.urls: paths are written out in full."""

from django.urls import path

from . import evaluation_views as views

urlpatterns = [
    path("samverkan/<int:pk>/utvardering/", views.evaluation, name="evaluation"),
]
