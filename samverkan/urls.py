from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified, require_safe
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog

from samverkan import accessibility, health

# The strings of static/js/app.js in the person's language (Django's JavaScript catalog; the
# translations are in locale/*/LC_MESSAGES/djangojs.po). They change only with a deployment.
STARTED = timezone.now()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG mark."""
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("halsa/", health.health, name="health"),
    path("konto/profil/", include("accounts.urls")),
    path("", include("accounts.urls_personal_data")),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "i18n/js/",
        last_modified(lambda request, **kwargs: STARTED)(JavaScriptCatalog.as_view(domain="djangojs")),
        name="javascript-catalog",
    ),
    path("guider/", include("guides.urls")),
    path("om/", TemplateView.as_view(template_name="about.html"), name="about"),
    path("tillganglighet/", accessibility.statement, name="accessibility"),
    path("tillganglighet/synpunkter/", accessibility.feedback, name="accessibility_feedback"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("projects.urls")),
]

handler400 = "samverkan.errors.bad_request"
handler403 = "samverkan.errors.permission_denied"
handler404 = "samverkan.errors.page_not_found"
handler500 = "samverkan.errors.server_error"
