"""URLs under samverkan/<int:pk>/overenskommelse/: the agreement, its sections, versions, decisions."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.agreement_detail, name="agreement"),
    path("starta/", views.agreement_start, name="agreement_start"),
    path(
        "avsnitt/<int:section_pk>/",
        views.agreement_section_save,
        name="agreement_section_save",
    ),
    path(
        "avsnitt/<int:section_pk>/utelamna/",
        views.agreement_section_omit,
        name="agreement_section_omit",
    ),
    path("frys/", views.agreement_freeze, name="agreement_freeze"),
    path("nytt-utkast/", views.agreement_redraft, name="agreement_redraft"),
    path("beslut/", views.agreement_decide, name="agreement_decide"),
    path("beslut-senast/", views.agreement_decide_by, name="agreement_decide_by"),
    path("uppgifter/", views.agreement_record, name="agreement_record"),
    path("pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("word/", views.agreement_docx, name="agreement_docx"),
    path("utskrift/", views.agreement_print, name="agreement_print"),
    path("export/<int:export_pk>/", views.agreement_export, name="agreement_export"),
    path("jamfor/", views.agreement_compare, name="agreement_compare"),
    path("avsnitten/", views.agreement_sections, name="agreement_sections"),
    path("skrivgrupp/", views.agreement_writers, name="agreement_writers"),
    path(
        "avsnitt/<int:section_pk>/kommentarer/",
        views.agreement_section_comments,
        name="agreement_section_comments",
    ),
    path(
        "avsnitt/<int:section_pk>/historik/",
        views.agreement_section_history,
        name="agreement_section_history",
    ),
    path(
        "avsnitt/<int:section_pk>/historik/<int:revision_pk>/aterstall/",
        views.agreement_section_restore,
        name="agreement_section_restore",
    ),
]
