"""allauth's pages in the app's words (issue 16): "e-post"/"e-postadress" everywhere, "bekräfta" and not
"verifiera"/"sänd", one name per page (the link on Mitt konto, the page's title and its heading the same),
dates as "3 december 2026", the device list in words ("Chrome på Windows"), messages that say what to do."""

import re
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NOT_OUR_WORDS = re.compile(r"epost|e-post-|e-mail|\bemail\b|\bmail\b|verifier|sänd|din profil|min profil", re.I)
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def _text(html):
    """What a reader sees in the page's main part (and its title), without the markup."""
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r"<(script|style).*?</\1>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", title + " " + main).split())


def _name(html, tag):
    found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split()).removesuffix(" – Samverkan")


@pytest.fixture
def anna(client):
    user = make_user("Anna Andersson", email="anna@exempelkommun.se")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client.force_login(user)
    return user


def test_every_link_on_my_account_has_the_name_of_its_page(client, anna):
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert _name(profile, "title") == _name(profile, "h1") == "Mitt konto"
    main = re.search(r"<main.*?</main>", profile, re.S).group(0)
    links = dict(re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', main))
    assert len(links) == 7
    for url, label in links.items():
        page = client.get(url).content.decode()
        assert _name(page, "title") == label, url
        assert _name(page, "h1") == label, url
        crumbs = re.search(r'<ol class="breadcrumb">.*?</ol>', page, re.S)
        if crumbs:  # the way back names Mitt konto as it is called
            assert "Mitt konto" in crumbs.group(0)


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_email_verification_sent",
    ],
)
def test_the_pages_before_logging_in_use_our_words(client, name):
    text = _text(client.get(reverse(name)).content.decode())
    assert not NOT_OUR_WORDS.findall(text), text


@pytest.mark.parametrize(
    "name", ["account_email", "account_change_password", "usersessions_list", "mfa_index", "accounts:profile"]
)
def test_the_account_pages_use_our_words(client, anna, name):
    text = _text(client.get(reverse(name)).content.decode())
    assert not NOT_OUR_WORDS.findall(text), text


def test_the_e_mail_page_and_its_messages(client, anna):
    page = _text(client.get(reverse("account_email")).content.decode())
    assert "Skicka bekräftelselänken igen" in page and "Gör till huvudadress" in page
    assert "Huvudadress" in page and "Bekräftad" in page
    added = client.post(reverse("account_email"), {"action_add": "", "email": "anna@gemenskap.se"}, follow=True)
    text = _text(added.content.decode())
    assert "Vi har skickat en bekräftelselänk till anna@gemenskap.se." in text and not NOT_OUR_WORDS.findall(text)
    refused = client.post(reverse("account_email"), {"action_remove": "", "email": anna.email}, follow=True)
    assert "Du kan inte ta bort den e-postadress du loggar in med" in refused.content.decode()


def test_the_confirmation_mail_is_in_our_words(client, mailoutbox, anna):
    client.post(reverse("account_email"), {"action_add": "", "email": "anna@gemenskap.se"})
    (message,) = mailoutbox
    assert message.subject == "[Samverkan] Bekräfta din e-postadress"
    words = re.sub(r"https?://\S+", "", message.body)  # the link's path says confirm-email
    assert "Bekräfta att adressen är din" in words and not NOT_OUR_WORDS.findall(words)


def test_a_wrong_password_says_what_to_do(client):
    make_user("Bo Berg", email="bo@gemenskap.se")
    response = client.post(reverse("account_login"), {"login": "bo@gemenskap.se", "password": "fel"})
    text = _text(response.content.decode())
    assert "E-postadressen eller lösenordet stämmer inte. Skriv dem igen, eller återställ lösenordet." in text


def test_the_device_list_names_the_browser_and_the_date_in_words(client, settings):
    user = make_user("Anna Andersson", email="anna@exempelkommun.se")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, HTTP_USER_AGENT=WINDOWS_CHROME)
    created = timezone.make_aware(datetime(2026, 12, 3, 17, 5))
    UserSession.objects.filter(user=user).update(created_at=created)
    html = client.get(reverse("usersessions_list")).content.decode()
    text = _text(html)
    assert "Chrome på Windows" in text
    # the raw user agent only behind "Tekniska uppgifter"
    assert "Mozilla/5.0" not in re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert "3 december 2026 kl. 17:05" in text
