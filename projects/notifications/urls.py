from django.urls import path

from projects.notifications import views

urlpatterns = [
    path("aviseringar/", views.notice_settings, name="notice_settings"),
    path("aviseringar/avsluta/<str:token>/", views.notice_unsubscribe, name="notice_unsubscribe"),
]
