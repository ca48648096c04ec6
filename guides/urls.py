from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("", views.library, name="library"),
    path("sok/", views.search, name="search"),
    path("principer/", views.principles, name="principles"),
    path("samverkansformer/", views.forms, name="forms"),
    path("nivaer-och-faser/", views.levels, name="levels"),
    path("verktyg/", views.tools, name="tools"),
    path("mallar/", views.templates, name="templates"),
    path("<slug:guide_slug>/", views.guide, name="guide"),
    path("<slug:guide_slug>/<slug:section_slug>/", views.section, name="section"),
]
