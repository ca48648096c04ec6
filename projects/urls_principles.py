"""URLs under samverkan/<pk>/ for principles (included by projects.urls, names in the projects namespace)."""

from django.urls import path

from . import principle_views as views

urlpatterns = [
    path("", views.principles, name="principles"),
]
