"""The activity list ("Händelser") as a reader of a language sees it (the tests of the events shown in
the reader's language, one per feature)."""

from django.conf import settings
from django.urls import reverse


def events_page(client, collaboration, language):
    """The events page's HTML for the logged-in client, read in ``language`` ("sv" or "en")."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
