"""Personal data: the privacy page, "download everything about me", delete my account (issue 8)."""

from django.urls import path

from . import personal_data_views as views

app_name = "personal_data"

urlpatterns = [
    path("integritet/", views.privacy, name="privacy"),
    path("konto/mina-uppgifter/", views.download, name="download"),
    path("konto/radera/", views.delete_account, name="delete"),
]
