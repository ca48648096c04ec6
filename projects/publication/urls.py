"""The publication's URLs (included at the root by projects/urls.py; names in the ``projects``
namespace): the collaboration's page under samverkan/<pk>/overenskommelse/publicering/, and the
public pages, which need no login."""

from django.urls import path

from . import views

urlpatterns = [
    path("samverkan/<int:pk>/overenskommelse/publicering/", views.publication_page, name="publication"),
    path(
        "samverkan/<int:pk>/overenskommelse/publicering/samtycke/",
        views.publication_consent,
        name="publication_consent",
    ),
    path(
        "samverkan/<int:pk>/overenskommelse/publicering/publicera/",
        views.publication_publish,
        name="publication_publish",
    ),
    path(
        "samverkan/<int:pk>/overenskommelse/publicering/aterkalla/",
        views.publication_withdraw,
        name="publication_withdraw",
    ),
    path("insyn/", views.public_agreements, name="public_agreements"),
    path("insyn/<str:slug>/", views.public_agreement, name="public_agreement"),
    path("insyn/<str:slug>/overenskommelse.pdf", views.public_agreement_pdf, name="public_agreement_pdf"),
    path("organisationer/<int:org_pk>/publicerade/", views.public_org_agreements, name="public_agreements_of"),
]
