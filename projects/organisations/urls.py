"""The organisations feature's URLs (included at the root by projects/urls.py; names in the
``projects`` namespace)."""

from django.urls import path

from . import register_views, views

urlpatterns = [
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("organisationer/<int:org_pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisationer/<int:org_pk>/redigera/", views.organisation_edit, name="organisation_edit"),
    path("organisationer/<int:org_pk>/historik/", views.organisation_history, name="org_history"),
    path("organisationer/<int:org_pk>/ansprak/", views.organisation_claim, name="org_claim"),
    path("organisationer/<int:org_pk>/ga-med/", views.join_request_create, name="org_join"),
    path(
        "organisationer/<int:org_pk>/forfragningar/<int:request_pk>/",
        views.join_request_answer,
        name="org_join_answer",
    ),
    path("organisationer/<int:org_pk>/medlemmar/", views.members, name="org_members"),
    path("organisationer/<int:org_pk>/medlemmar/bjud-in/", views.member_invite, name="org_invite"),
    path("organisationer/<int:org_pk>/medlemmar/<int:member_pk>/roll/", views.member_role, name="org_member_role"),
    path(
        "organisationer/<int:org_pk>/medlemmar/<int:member_pk>/ta-bort/",
        views.member_remove,
        name="org_member_remove",
    ),
    path(
        "organisationer/<int:org_pk>/inbjudningar/<int:invitation_pk>/aterkalla/",
        views.invitation_revoke,
        name="org_invitation_revoke",
    ),
    path("organisationer/<int:org_pk>/domaner/", views.domain_add, name="org_domain_add"),
    path(
        "organisationer/<int:org_pk>/domaner/<int:domain_pk>/ta-bort/",
        views.domain_remove,
        name="org_domain_remove",
    ),
    path(
        "organisationer/<int:org_pk>/parter/<int:party_pk>/svara/",
        views.party_request_answer,
        name="org_party_answer",
    ),
    path("organisationer/<int:org_pk>/samverkan/", register_views.register, name="org_register"),
    path("organisationer/<int:org_pk>/samverkan/kalkylark/", register_views.register_csv, name="org_register_csv"),
    path(
        "organisationer/<int:org_pk>/samverkan/<int:pk>/overenskommelse/",
        register_views.decided_agreement,
        name="org_decided_agreement",
    ),
    path("organisationsinbjudan/<str:token>/", views.invitation_accept, name="org_invitation_accept"),
]
