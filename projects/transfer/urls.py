"""URLs for a whole collaboration's export and import (names in the projects namespace).
Mounted at the site root: paths are written out in full."""

from django.urls import path

from projects.transfer import views

urlpatterns = [
    path("samverkan/<int:pk>/export.json", views.collaboration_export, name="collaboration_export"),
    path("samverkan/importera/", views.collaboration_import, name="collaboration_import"),
]
