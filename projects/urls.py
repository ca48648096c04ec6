from django.urls import include, path

from . import agreement_views as av
from . import checklist_views as cv
from . import views

app_name = "projects"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("samverkan/ny/", views.collaboration_create, name="collaboration_create"),
    path("samverkan/<int:pk>/", views.overview, name="overview"),
    path("samverkan/<int:pk>/installningar/", views.collaboration_edit, name="collaboration_edit"),
    path("samverkan/<int:pk>/handelser/", views.events, name="events"),
    path("samverkan/<int:pk>/parter/", views.parties, name="parties"),
    path("samverkan/<int:pk>/parter/lagg-till/", views.party_add, name="party_add"),
    path("samverkan/<int:pk>/parter/<int:party_pk>/", views.party_edit, name="party_edit"),
    path("samverkan/<int:pk>/parter/<int:party_pk>/ta-bort/", views.party_remove, name="party_remove"),
    path("samverkan/<int:pk>/personer/", views.people, name="people"),
    path("samverkan/<int:pk>/personer/<int:membership_pk>/roll/", views.member_role, name="member_role"),
    path("samverkan/<int:pk>/personer/<int:membership_pk>/ta-bort/", views.member_remove, name="member_remove"),
    path("samverkan/<int:pk>/inbjudningar/ny/", views.invitation_create, name="invitation_create"),
    path(
        "samverkan/<int:pk>/inbjudningar/<int:invitation_pk>/skicka-igen/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "samverkan/<int:pk>/inbjudningar/<int:invitation_pk>/aterkalla/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("samverkan/<int:pk>/checklistor/", cv.checklists_overview, name="checklists"),
    path("samverkan/<int:pk>/checklistor/lagg-till/", cv.checklist_add, name="checklist_add"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/", cv.checklist_section, name="checklist_section"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/spara/", cv.checklist_save, name="checklist_save"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/andringar/", cv.checklist_changes, name="checklist_changes"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/utskrift/", cv.checklist_print, name="checklist_print"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/ta-bort/", cv.checklist_remove, name="checklist_remove"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/svarsform/", cv.checklist_mode, name="checklist_mode"),
    path("samverkan/<int:pk>/checklistor/<int:cs_pk>/fragor/<int:item_pk>/svar/", cv.answer_save, name="answer_save"),
    path(
        "samverkan/<int:pk>/checklistor/<int:cs_pk>/fragor/<int:item_pk>/bekrafta/",
        cv.answer_confirm,
        name="answer_confirm",
    ),
    path(
        "samverkan/<int:pk>/checklistor/<int:cs_pk>/fragor/<int:item_pk>/historik/",
        cv.answer_history,
        name="answer_history",
    ),
    path(
        "samverkan/<int:pk>/checklistor/<int:cs_pk>/fragor/<int:item_pk>/historik/<int:revision_pk>/aterstall/",
        cv.answer_restore,
        name="answer_restore",
    ),
    path(
        "samverkan/<int:pk>/checklistor/<int:cs_pk>/fragor/<int:item_pk>/kommentarer/",
        cv.comments,
        name="comments",
    ),
    path("samverkan/<int:pk>/overenskommelse/", av.agreement_detail, name="agreement"),
    path("samverkan/<int:pk>/overenskommelse/starta/", av.agreement_start, name="agreement_start"),
    path(
        "samverkan/<int:pk>/overenskommelse/avsnitt/<int:section_pk>/",
        av.agreement_section_save,
        name="agreement_section_save",
    ),
    path(
        "samverkan/<int:pk>/overenskommelse/avsnitt/<int:section_pk>/utelamna/",
        av.agreement_section_omit,
        name="agreement_section_omit",
    ),
    path("samverkan/<int:pk>/overenskommelse/frys/", av.agreement_freeze, name="agreement_freeze"),
    path("samverkan/<int:pk>/overenskommelse/nytt-utkast/", av.agreement_redraft, name="agreement_redraft"),
    path("samverkan/<int:pk>/overenskommelse/beslut/", av.agreement_decide, name="agreement_decide"),
    path("samverkan/<int:pk>/overenskommelse/uppgifter/", av.agreement_record, name="agreement_record"),
    path("samverkan/<int:pk>/overenskommelse/pdf/", av.agreement_pdf, name="agreement_pdf"),
    path("samverkan/<int:pk>/overenskommelse/utskrift/", av.agreement_print, name="agreement_print"),
    path("samverkan/<int:pk>/overenskommelse/export/<int:export_pk>/", av.agreement_export, name="agreement_export"),
    path("samverkan/<int:pk>/overenskommelse/jamfor/", av.agreement_compare, name="agreement_compare"),
    path("samverkan/<int:pk>/overenskommelse/avsnitten/", av.agreement_sections, name="agreement_sections"),
    path("samverkan/<int:pk>/overenskommelse/skrivgrupp/", av.agreement_writers, name="agreement_writers"),
    path(
        "samverkan/<int:pk>/overenskommelse/avsnitt/<int:section_pk>/kommentarer/",
        av.agreement_section_comments,
        name="agreement_section_comments",
    ),
    path(
        "samverkan/<int:pk>/overenskommelse/avsnitt/<int:section_pk>/historik/",
        av.agreement_section_history,
        name="agreement_section_history",
    ),
    path(
        "samverkan/<int:pk>/overenskommelse/avsnitt/<int:section_pk>/historik/<int:revision_pk>/aterstall/",
        av.agreement_section_restore,
        name="agreement_section_restore",
    ),
    path("samverkan/<int:pk>/samverkansform/", include("projects.urls_form_choice")),
    path("samverkan/<int:pk>/principer/", include("projects.urls_principles")),
    path("samverkan/<int:pk>/faser/", include("projects.urls_phases")),
    path("samverkan/<int:pk>/", include("projects.urls_stakeholders")),
    path("samverkan/<int:pk>/", include("projects.urls_goals")),
    path("samverkan/<int:pk>/", include("projects.urls_meetings")),
    path("samverkan/<int:pk>/", include("projects.urls_security")),
    path("", include("projects.urls_evaluation")),
    path("inbjudan/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("", include("projects.organisations.urls")),
]
