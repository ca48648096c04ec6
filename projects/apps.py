from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"

    def ready(self):
        from . import security  # noqa: F401  (connects the receiver that records a TOTP set up in this session)
