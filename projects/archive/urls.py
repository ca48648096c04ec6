"""URLs of the e-archive package (names in the projects namespace), under samverkan/<int:pk>/."""

from django.urls import path

from projects.archive import views

urlpatterns = [
    path("e-arkiv/<int:version_pk>/", views.archive_package, name="archive_package"),
]
