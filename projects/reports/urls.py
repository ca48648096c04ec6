"""URLs under samverkan/<pk>/ for the yearly follow-up (names in the projects namespace)."""

from django.urls import path

from projects.reports import views

urlpatterns = [
    path("arlig-uppfoljning/", views.reports_page, name="reports"),
    path("arlig-uppfoljning/uppdatera-aren/", views.report_refresh, name="report_refresh"),
    path("arlig-uppfoljning/dokument/", views.report_documents, name="report_documents"),
    path("arlig-uppfoljning/<int:year>/", views.report_detail, name="report_detail"),
    path("arlig-uppfoljning/<int:year>/ladda-upp/", views.report_upload, name="report_upload"),
    path(
        "arlig-uppfoljning/<int:year>/dokument/<int:document_pk>/",
        views.report_document_download,
        name="report_document_download",
    ),
    path(
        "arlig-uppfoljning/<int:year>/dokument/<int:document_pk>/ta-bort/",
        views.report_document_delete,
        name="report_document_delete",
    ),
    path("arlig-uppfoljning/<int:year>/lamna-in/", views.report_submit, name="report_submit"),
    path("arlig-uppfoljning/<int:year>/granska/", views.report_review, name="report_review"),
    path("arlig-uppfoljning/<int:year>/godkann/", views.report_approve, name="report_approve"),
    path("arlig-uppfoljning/<int:year>/skicka-tillbaka/", views.report_send_back, name="report_send_back"),
    path("arlig-uppfoljning/<int:year>/kommentera/", views.report_comment, name="report_comment"),
    path("arlig-uppfoljning/<int:year>/datum/", views.report_due, name="report_due"),
    path("arlig-uppfoljning/<int:year>/mote/", views.report_meeting, name="report_meeting"),
]
