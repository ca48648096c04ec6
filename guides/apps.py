from django.apps import AppConfig


class GuidesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "guides"

    def ready(self):
        from .cache import connect

        connect(self)  # a change to guide content (the admin) moves the cache's generation on
