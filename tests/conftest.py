import pytest

from tests.factories import collaboration_with_people


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The guide content, loaded once into the test database: every test that uses the database
    sees it (pytest-django runs transactional tests, which flush it, after the others)."""
    from guides.loader import load

    with django_db_blocker.unblock():
        load()


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
