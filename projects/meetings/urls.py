"""URLs under samverkan/<pk>/ for meetings, minutes, the decision log and calendars (projects namespace)."""

from django.urls import path

from projects.meetings import views

urlpatterns = [
    path("moten/", views.meetings, name="meetings"),
    path("moten/nytt/", views.meeting_create, name="meeting_create"),
    path("moten/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:meeting_pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("moten/<int:meeting_pk>/protokoll/", views.meeting_minutes, name="meeting_minutes"),
    path("moten/<int:meeting_pk>/justera/", views.meeting_approve, name="meeting_approve"),
    path("moten/<int:meeting_pk>/justeras-senast/", views.meeting_minutes_due, name="meeting_minutes_due"),
    path("moten/<int:meeting_pk>/beslut/", views.meeting_decision_add, name="meeting_decision_add"),
    path("moten/<int:meeting_pk>/protokoll.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("moten/<int:meeting_pk>/mote.ics", views.meeting_ics, name="meeting_ics"),
    path("moten/kalender/fornya/", views.calendar_renew, name="calendar_renew"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("beslutslogg/", views.decisions, name="decisions"),
    path("beslutslogg/nytt/", views.decision_add, name="decision_add"),
]
