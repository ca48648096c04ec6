"""URLs for the evaluation, and a whole collaboration's export and import (names in the projects namespace).
Mounted at the site root of projects.urls: paths are written out in full."""

from django.urls import path

from . import evaluation_views as views

urlpatterns = [
    path("samverkan/<int:pk>/utvardering/", views.evaluation_page, name="evaluation"),
    path("samverkan/<int:pk>/utvardering/bilaga.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("samverkan/<int:pk>/export.json", views.collaboration_export, name="collaboration_export"),
    path("samverkan/importera/", views.collaboration_import, name="collaboration_import"),
]
