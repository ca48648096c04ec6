"""URLs under samverkan/<int:pk>/tjansteskrivelse/: the official's decision memo."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.memo, name="memo"),
    path("word/", views.memo_docx, name="memo_docx"),
    path("pdf/", views.memo_pdf, name="memo_pdf"),
]
