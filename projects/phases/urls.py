"""URLs under samverkan/<pk>/faser/ for phases, the map and periods (included by projects.urls,
names in the projects namespace)."""

from django.urls import path

from projects.phases import views

urlpatterns = [
    path("", views.phases, name="phases"),
    path("framat/", views.phase_advance, name="phase_advance"),
    path("bakat/", views.phase_back, name="phase_back"),
    path("karta/", views.map_save, name="map_save"),
    path("ny-period/", views.period_start, name="period_start"),
]
