import pytest

from tests.factories import collaboration_with_people


@pytest.fixture(autouse=True)
def _fast_and_swedish(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def people(db):
    """(collaboration, {"coordinator": anna, "editor": bo, "reader": cecilia})"""
    return collaboration_with_people()


@pytest.fixture
def collaboration(people):
    return people[0]
