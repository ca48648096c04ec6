"""URLs under samverkan/<pk>/samverkansform/ for form_choice (included by projects.urls, names in the
projects namespace)."""

from django.urls import path

from projects.form_choice import views

urlpatterns = [
    path("", views.form_choice_page, name="form_choice"),
    path("fragor/<int:number>/", views.form_question, name="form_question"),
    path("fragor/<int:number>/svara/", views.form_answer, name="form_answer"),
    path("borja-om/", views.form_restart, name="form_restart"),
    path("resultat/", views.form_result, name="form_result"),
    path("valj/", views.form_choose, name="form_choose"),
    path("val/<int:choice_pk>/", views.form_record, name="form_record"),
]
