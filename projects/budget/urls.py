"""URLs under samverkan/<pk>/ for the budget (names in the projects namespace)."""

from django.urls import path

from projects.budget import views

urlpatterns = [
    path("budget/", views.budget_page, name="budget"),
    path("budget/rader/ny/", views.budget_line_create, name="budget_line_create"),
    path("budget/rader/<int:line_pk>/andra/", views.budget_line_edit, name="budget_line_edit"),
    path("budget/rader/<int:line_pk>/ta-bort/", views.budget_line_delete, name="budget_line_delete"),
    path("budget/budget.csv", views.budget_csv, name="budget_csv"),
]
