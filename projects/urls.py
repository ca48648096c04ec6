"""The app's URLs: each feature's urls.py, included under its prefix (every name in the projects namespace)."""

from django.urls import include, path

app_name = "projects"

urlpatterns = [
    path("", include("projects.core.urls")),
    path("samverkan/<int:pk>/checklistor/", include("projects.checklists.urls")),
    path("samverkan/<int:pk>/overenskommelse/", include("projects.agreements.urls")),
    path("samverkan/<int:pk>/samverkansform/", include("projects.form_choice.urls")),
    path("samverkan/<int:pk>/rattslig-genomgang/", include("projects.screening.urls")),
    path("samverkan/<int:pk>/principer/", include("projects.principles.urls")),
    path("samverkan/<int:pk>/faser/", include("projects.phases.urls")),
    path("samverkan/<int:pk>/", include("projects.stakeholders.urls")),
    path("samverkan/<int:pk>/", include("projects.goals.urls")),
    path("samverkan/<int:pk>/", include("projects.meetings.urls")),
    path("samverkan/<int:pk>/", include("projects.security.urls")),
    path("samverkan/<int:pk>/", include("projects.evaluation.urls")),
    path("samverkan/<int:pk>/", include("projects.reports.urls")),
    path("samverkan/<int:pk>/", include("projects.budget.urls")),
    path("samverkan/<int:pk>/tjansteskrivelse/", include("projects.memo.urls")),
    path("samverkan/<int:pk>/", include("projects.archive.urls")),
    path("", include("projects.transfer.urls")),
    path("", include("projects.organisations.urls")),
    path("", include("projects.notifications.urls")),
    path("", include("projects.state_aid.urls")),
    path("", include("projects.publication.urls")),
    path("", include("projects.records.urls")),
]
