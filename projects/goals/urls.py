"""URLs under samverkan/<pk>/ for goals, indicators and measurements (names in the projects namespace)."""

from django.urls import path

from projects.goals import views

urlpatterns = [
    path("mal/", views.goals_page, name="goals"),
    path("mal/nytt/", views.goal_create, name="goal_create"),
    path("mal/<int:goal_pk>/andra/", views.goal_edit, name="goal_edit"),
    path("mal/<int:goal_pk>/ta-bort/", views.goal_delete, name="goal_delete"),
    path("mal/<int:goal_pk>/acceptera/", views.goal_accept, name="goal_accept"),
    path("mal/<int:goal_pk>/mat-senast/", views.goal_measure_by, name="goal_measure_by"),
    path("mal/<int:goal_pk>/indikatorer/ny/", views.indicator_create, name="indicator_create"),
    path("mal/indikatorer/<int:indicator_pk>/andra/", views.indicator_edit, name="indicator_edit"),
    path("mal/indikatorer/<int:indicator_pk>/ta-bort/", views.indicator_delete, name="indicator_delete"),
    path("mal/indikatorer/<int:indicator_pk>/matvarden/", views.measurement_create, name="measurement_create"),
    path("mal/matvarden/<int:measurement_pk>/ta-bort/", views.measurement_delete, name="measurement_delete"),
    path("mal/indikatorer.csv", views.indicator_csv, name="indicator_csv"),
    path("mal/matvarden.csv", views.measurement_csv, name="measurement_csv"),
]
