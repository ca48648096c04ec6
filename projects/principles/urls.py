"""URLs under samverkan/<pk>/ for principles (included by projects.urls, names in the projects namespace)."""

from django.urls import path

from projects.principles import views

urlpatterns = [
    path("", views.principles, name="principles"),
    path("avsnitt/<int:section_pk>/", views.principle_section_tags, name="principle_section_tags"),
    path("problem/<int:concern_pk>/los/", views.concern_resolve, name="concern_resolve"),
    path("<slug:slug>/spara/", views.principle_save, name="principle_save"),
    path("<slug:slug>/flagga-problem/", views.concern_raise, name="concern_raise"),
]
