"""De minimis aid: a collaboration's page and a public organisation's (names in the projects namespace)."""

from django.urls import path

from projects.state_aid import views

urlpatterns = [
    path("samverkan/<int:pk>/stod-av-mindre-betydelse/", views.collaboration_page, name="state_aid"),
    path(
        "samverkan/<int:pk>/stod-av-mindre-betydelse/registrera/", views.collaboration_record, name="state_aid_record"
    ),
    path("organisationer/<int:org_pk>/stod-av-mindre-betydelse/", views.organisation_page, name="org_state_aid"),
    path(
        "organisationer/<int:org_pk>/stod-av-mindre-betydelse/registrera/",
        views.organisation_record,
        name="org_state_aid_record",
    ),
    path(
        "organisationer/<int:org_pk>/stod-av-mindre-betydelse/centrala-registret.csv",
        views.organisation_csv,
        name="org_state_aid_csv",
    ),
]
