"""Texts that the fixtures give in Swedish and English (``{"sv": …, "en": …}``)."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def _in_language(texts):
    return texts.get((get_language() or "").split("-")[0]) or texts["sv"]


# Like gettext_lazy: the language is the one active when the text is shown.
localised = lazy(_in_language, str)
