"""URLs of the core: collaborations, parties, people and invitations (names in the projects namespace)."""

from django.urls import path

from . import views

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
    path(
        "samverkan/<int:pk>/personer/<int:membership_pk>/beslut/",
        views.member_records_decisions,
        name="member_records_decisions",
    ),
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
    path("inbjudan/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
