import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in skip} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SAMVERKAN_ENV="production",
        SECRET_KEY="x" * 60 + "-not-a-real-key-but-long-and-random-enough-9f8e7d",
        ALLOWED_HOSTS="samverkan.example.se",
        DEBUG="",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", SAMVERKAN_ENV="production", ALLOWED_HOSTS="samverkan.example.se", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_unknown_page_is_a_swedish_404(client):
    client.force_login(make_user())
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


@pytest.mark.django_db
def test_500_page_is_swedish_and_shows_no_trace(client, settings):
    from samverkan import errors

    response = errors.server_error(None)
    body = response.content.decode()
    assert response.status_code == 500 and "Något gick fel" in body and "Traceback" not in body


@pytest.mark.django_db
def test_403_page_is_swedish(client, people):
    collaboration, users = people
    client.force_login(users["reader"])
    response = client.get(reverse("projects:collaboration_edit", args=[collaboration.pk]))
    assert response.status_code == 403 and "Du har inte behörighet" in response.content.decode()


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_english_switch_translates_the_interface(client):
    client.force_login(make_user())
    swedish = client.get(reverse("projects:dashboard")).content.decode()
    assert 'lang="sv"' in swedish and "Mina samverkan" in swedish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("projects:dashboard")).content.decode()
    assert 'lang="en"' in english
    assert "My collaborations" in english and "Mina samverkan" not in english


def test_every_interface_string_has_an_english_translation():
    import polib

    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} strings lack an English translation: {untranslated[:10]}"
    assert len(po.translated_entries()) > 100


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_translation_file_is_up_to_date_with_the_code(tmp_path):
    """makemessages, run on a copy of the project, finds no string that locale/en lacks."""
    import polib

    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "node_modules", "*.pyc"))
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    current = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in current}
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known]
    assert not missing, f"Run makemessages -l en and translate: {missing[:10]}"


def test_javascript_strings_are_in_the_catalog_in_english(tmp_path):
    """makemessages -d djangojs, run on a copy, finds no string of static/js that locale/en lacks."""
    import polib

    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "node_modules", "*.pyc"))
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-d", "djangojs", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"))
    current = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"))
    translated = {e.msgid for e in current if e.translated()}
    assert len(fresh) >= 5
    missing = [e.msgid for e in fresh if e.msgid not in translated]
    assert not missing, f"Run makemessages -d djangojs -l en and translate: {missing[:10]}"


def test_the_javascript_catalog_speaks_the_persons_language(client):
    url = reverse("javascript-catalog")
    swedish = client.get(url, {"sprak": "sv"}, headers={"accept-language": "sv"}).content.decode()
    assert "Not saved: no contact with the server" not in swedish
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"sprak": "en"}).content.decode()
    assert "Not saved: no contact with the server" in english and "gettext" in english


@pytest.mark.django_db
def test_htmx_request_with_expired_session_navigates_to_login(client):
    response = client.get(reverse("projects:organisation_list"), {"q": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
