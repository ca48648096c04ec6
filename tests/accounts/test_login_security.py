"""Login lockout (django-axes with allauth's e-mail login) and log out everywhere (allauth.usersessions)."""

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

IP_A, IP_B = "203.0.113.10", "198.51.100.20"


@pytest.fixture(autouse=True)
def _clean_limits(db):
    """allauth's rate limits live in the (local-memory) cache, axes' attempts in the database, which
    pytest-django rolls back after each test."""
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    cache.clear()
    yield
    cache.clear()


def login(client, email, password, ip=IP_A, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, email, times, ip=IP_A):
    return [login(client, email, "fel-losenord-123", ip=ip) for _ in range(times)]


def test_the_fifth_failure_locks_that_email_from_that_address_with_a_swedish_page(client):
    anna = make_user("Anna Andersson")
    responses = fail(client, anna.email, settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "För många misslyckade inloggningar" in page and "Vänta 15 minuter" in page
    assert "återställa ditt lösenord" in page and reverse("account_reset_password") in page
    # The right password from the same address does not get in either.
    assert login(client, anna.email, PASSWORD).status_code == 429
    assert not logged_in(client)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (anna.email, IP_A)


def test_a_lockout_is_for_the_combination_of_email_and_address(client):
    anna, bo = make_user("Anna Andersson"), make_user("Bo Berg")
    fail(client, anna.email, settings.AXES_FAILURE_LIMIT)
    other_address = Client()
    assert login(other_address, anna.email, PASSWORD, ip=IP_B).status_code == 302
    assert logged_in(other_address)
    colleague_behind_same_nat = Client()
    assert login(colleague_behind_same_nat, bo.email, PASSWORD, ip=IP_A).status_code == 302
    assert logged_in(colleague_behind_same_nat)


def test_the_email_counts_whatever_its_case(client):
    anna = make_user("Anna Andersson", email="anna@example.se")
    fail(client, "ANNA@example.se", 2)
    fail(client, " Anna@Example.se ", settings.AXES_FAILURE_LIMIT - 2)
    assert login(client, anna.email, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client):
    anna = make_user("Anna Andersson")
    fail(client, anna.email, settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, anna.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    Client().logout()
    again = Client()
    assert [r.status_code for r in fail(again, anna.email, settings.AXES_FAILURE_LIMIT - 1)] == [200] * 4
    assert login(again, anna.email, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    anna = make_user("Anna Andersson")
    fail(client, anna.email, settings.AXES_FAILURE_LIMIT)
    assert login(client, anna.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert login(client, anna.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_htmx_request_gets_the_same_lockout_page(client):
    anna = make_user("Anna Andersson")
    fail(client, anna.email, settings.AXES_FAILURE_LIMIT)
    response = login(client, anna.email, PASSWORD, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()


def test_a_password_reset_lifts_the_lockout(client, mailoutbox):
    anna = make_user("Anna Andersson")
    fail(client, anna.email, settings.AXES_FAILURE_LIMIT)
    client.post(reverse("account_reset_password"), {"email": anna.email}, REMOTE_ADDR=IP_A)
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/key/" in line).strip()
    form_url = client.get(link, REMOTE_ADDR=IP_A)["Location"]
    new = "ett-helt-nytt-losenord-42"
    response = client.post(form_url, {"password1": new, "password2": new}, REMOTE_ADDR=IP_A)
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert login(client, anna.email, new).status_code == 302


def test_failed_logins_are_not_limited_per_account_by_allauth():
    """allauth's per-e-mail limit would lock the account from everywhere: only per-IP limits remain."""
    limits = settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert all(part.endswith("/ip") for part in limits.split(","))


def test_many_failures_for_one_account_from_many_addresses_do_not_lock_it_out_elsewhere():
    anna = make_user("Anna Andersson")
    for n in range(3):  # an attacker rotating addresses: each combination below the limit and apart
        fail(Client(), anna.email, settings.AXES_FAILURE_LIMIT - 1, ip=f"192.0.2.{n + 1}")
    fail(Client(), anna.email, settings.AXES_FAILURE_LIMIT, ip="192.0.2.99")
    office = Client()
    assert login(office, anna.email, PASSWORD, ip=IP_B).status_code == 302


@pytest.mark.parametrize("count,forwarded,expected", [(0, "198.51.100.7", IP_A), (1, "198.51.100.7", "198.51.100.7")])
def test_the_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(
    client, settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    anna = make_user("Anna Andersson")
    login(client, anna.email, "fel-losenord-123", HTTP_X_FORWARDED_FOR=forwarded)
    assert AccessAttempt.objects.get().ip_address == expected


# Log out everywhere ---------------------------------------------------------------------------------


def two_devices():
    anna = make_user("Anna Andersson")
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Telefon")
    assert login(laptop, anna.email, PASSWORD).status_code == 302
    assert login(phone, anna.email, PASSWORD, ip=IP_B).status_code == 302
    return anna, laptop, phone


def can_see_profile(client):
    return client.get(reverse("accounts:profile")).status_code == 200


def test_the_device_list_is_swedish_and_shows_both_devices():
    _anna, laptop, _phone = two_devices()
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "Inloggade enheter" in page and "Logga ut på alla andra enheter" in page and "Logga ut överallt" in page
    assert IP_A in page and IP_B in page and "Laptop" in page and "Telefon" in page
    assert page.count("Okänd webbläsare") == 2  # user agents the parser does not know: raw only in the details
    assert "Den här enheten" in page and "Senast använd" in page


def test_log_out_on_other_devices_keeps_this_one():
    anna, laptop, phone = two_devices()
    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert can_see_profile(laptop)
    assert not can_see_profile(phone)
    assert UserSession.objects.filter(user=anna).count() == 1


def test_log_out_everywhere_ends_this_session_too():
    anna, laptop, phone = two_devices()
    response = laptop.post(reverse("account_logout"), {"everywhere": "1"})
    assert response.status_code == 302
    assert not can_see_profile(laptop)
    assert not can_see_profile(phone)
    assert not UserSession.objects.filter(user=anna).exists()


def test_plain_log_out_ends_only_this_session():
    _anna, laptop, phone = two_devices()
    laptop.post(reverse("account_logout"))
    assert not can_see_profile(laptop)
    assert can_see_profile(phone)


def test_log_out_everywhere_needs_a_post():
    _anna, laptop, phone = two_devices()
    laptop.get(reverse("account_logout"), {"everywhere": "1"})
    assert can_see_profile(laptop) and can_see_profile(phone)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    _anna, laptop, phone = two_devices()
    new = "ett-helt-nytt-losenord-42"
    response = laptop.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert can_see_profile(laptop)
    assert not can_see_profile(phone)


@pytest.mark.parametrize(
    "login_value",
    ["a" * 300 + "@example.se", "anna@example.se\x00", "<script>alert(1)</script>@example.se", "ÅÄÖ@exempel.se", ""],
)
def test_hostile_login_input_is_refused_calmly(client, login_value):
    response = client.post(
        reverse("account_login"), {"login": login_value, "password": "x" * 5000}, HTTP_USER_AGENT="U" * 2000
    )
    assert response.status_code in (200, 429)
    assert "<script>alert(1)</script>" not in response.content.decode()
