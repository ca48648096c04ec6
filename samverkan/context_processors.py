"""What every page shows of the service itself: its owner and how to reach them (the footer)."""

from django.conf import settings


def service(request):
    return {
        "service_owner": {
            "name": getattr(settings, "SERVICE_OWNER_NAME", ""),
            "email": getattr(settings, "SERVICE_OWNER_EMAIL", ""),
            "phone": getattr(settings, "SERVICE_OWNER_PHONE", ""),
        }
    }
