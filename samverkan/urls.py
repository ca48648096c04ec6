from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from samverkan import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("halsa/", health.health, name="health"),
    path("konto/profil/", include("accounts.urls")),
    path("", include("accounts.urls_personal_data")),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("guider/", include("guides.urls")),
    path("om/", TemplateView.as_view(template_name="about.html"), name="about"),
    path("", include("projects.urls")),
]

handler400 = "samverkan.errors.bad_request"
handler403 = "samverkan.errors.permission_denied"
handler404 = "samverkan.errors.page_not_found"
handler500 = "samverkan.errors.server_error"
