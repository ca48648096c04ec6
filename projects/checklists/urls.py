"""URLs under samverkan/<int:pk>/checklistor/: the checklists, answers and their comments."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.checklists_overview, name="checklists"),
    path("lagg-till/", views.checklist_add, name="checklist_add"),
    path("<int:cs_pk>/", views.checklist_section, name="checklist_section"),
    path("<int:cs_pk>/spara/", views.checklist_save, name="checklist_save"),
    path("<int:cs_pk>/andringar/", views.checklist_changes, name="checklist_changes"),
    path("<int:cs_pk>/utskrift/", views.checklist_print, name="checklist_print"),
    path("<int:cs_pk>/ta-bort/", views.checklist_remove, name="checklist_remove"),
    path("<int:cs_pk>/svarsform/", views.checklist_mode, name="checklist_mode"),
    path("<int:cs_pk>/klart-senast/", views.checklist_due_date, name="checklist_due_date"),
    path("<int:cs_pk>/fragor/<int:item_pk>/svar/", views.answer_save, name="answer_save"),
    path(
        "<int:cs_pk>/fragor/<int:item_pk>/bekrafta/",
        views.answer_confirm,
        name="answer_confirm",
    ),
    path(
        "<int:cs_pk>/fragor/<int:item_pk>/historik/",
        views.answer_history,
        name="answer_history",
    ),
    path(
        "<int:cs_pk>/fragor/<int:item_pk>/historik/<int:revision_pk>/aterstall/",
        views.answer_restore,
        name="answer_restore",
    ),
    path(
        "<int:cs_pk>/fragor/<int:item_pk>/kommentarer/",
        views.comments,
        name="comments",
    ),
]
