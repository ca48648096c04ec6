"""The accessibility statement (/tillganglighet/) and its feedback form (samverkan/accessibility.py), and the
favicon: the statement has the parts Digg's model asks for and names the service owner from the settings; a
barrier reported without logging in reaches the service owner by e-mail through a real SMTP server; an
invalid form keeps what was typed; the honeypot and the limit per address keep spam out; the form needs
its CSRF token; /favicon.ico is no 404."""

import pytest
from django.test import Client
from django.urls import reverse

from samverkan import accessibility

pytestmark = pytest.mark.django_db

OWNER = {
    "SERVICE_OWNER_NAME": "Testkommun, kommunstyrelsen",
    "SERVICE_OWNER_EMAIL": "tillganglighet@testkommun.se",
    "SERVICE_OWNER_PHONE": "0123-45 67 89",
}


@pytest.fixture
def owner(settings):
    for name, value in OWNER.items():
        setattr(settings, name, value)
    return OWNER


def test_the_statement_is_public_and_has_what_digg_asks_for(client, owner):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1" in body and "Tillgänglighet för Samverkan" in body
    # who is responsible, with how to reach them (from the settings)
    assert "Testkommun, kommunstyrelsen står bakom Samverkan" in body
    assert 'href="mailto:tillganglighet@testkommun.se"' in body and "0123-45 67 89" in body
    # how far it meets the law, and what is not accessible
    assert "<strong>delvis förenlig</strong>" in body and "WCAG 2.1 på nivå AA" in body
    assert "Det här är inte tillgängligt" in body and "WCAG 2.2.1" in body
    # how to report a barrier: the form, posting to the feedback URL with its CSRF token
    assert f'action="{reverse("accessibility_feedback")}"' in body and "csrfmiddlewaretoken" in body
    # the supervisory authority
    assert 'href="https://www.digg.se/tdosanmalan"' in body and "Myndigheten för digital förvaltning (Digg)" in body
    # how and when it was assessed, when the statement was updated ("3 december 2026" in text)
    assert "axe" in body and "1280" in body and "390" in body
    assert "Den senaste bedömningen gjordes den 3 december 2026." in body
    assert "Redogörelsen uppdaterades senast den 3 december 2026." in body


def test_the_form_remembers_the_page_the_person_came_from(client):
    response = client.get(reverse("accessibility_feedback"), HTTP_REFERER="http://testserver/guider/")
    assert 'value="/guider/"' in response.content.decode()
    response = client.get(reverse("accessibility_feedback") + "?sida=Överenskommelsen")
    assert 'value="Överenskommelsen"' in response.content.decode()
    # another site's address is not taken
    response = client.get(reverse("accessibility_feedback"), HTTP_REFERER="https://annan.example/sida/")
    assert "annan.example" not in response.content.decode()


def test_a_barrier_reaches_the_service_owner_by_e_mail(smtp, owner):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("accessibility"))
    token = page.cookies["csrftoken"].value
    response = browser.post(
        reverse("accessibility_feedback"),
        {
            "page": "/samverkan/1/checklistor/",
            "description": "Jag kommer inte till knappen Spara med tangentbordet.",
            "email": "berit@example.se",
            "website": "",
            "csrfmiddlewaretoken": token,
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("accessibility_feedback"), 302)]
    body = response.content.decode()
    assert "Tack! Din synpunkt är skickad till Testkommun, kommunstyrelsen." in body
    (message,) = smtp.messages
    assert message["To"] == "tillganglighet@testkommun.se"
    assert message["Reply-To"] == "berit@example.se"
    assert message["Subject"].strip() == "[Samverkan] Brist i tillgängligheten: /samverkan/1/checklistor/"
    text = message.get_content()
    assert "Sida: /samverkan/1/checklistor/" in text
    assert "Jag kommer inte till knappen Spara med tangentbordet." in text
    assert "Svara till: berit@example.se" in text


def test_without_a_reply_address_the_mail_says_so(smtp, owner, client):
    client.post(reverse("accessibility_feedback"), {"page": "Startsidan", "description": "Texten är för liten."})
    (message,) = smtp.messages
    assert message["Reply-To"] is None
    assert "Personen har inte lämnat någon e-postadress." in message.get_content()


def test_an_empty_or_wrong_form_says_what_to_do_and_keeps_what_was_typed(client, mailoutbox, owner):
    response = client.post(
        reverse("accessibility_feedback"), {"page": "", "description": "Bilden saknar text.", "email": "berit@"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="error-summary"' in body  # the summary at the top, with links to the fields
    assert 'href="#id_page"' in body and 'href="#id_email"' in body
    assert "Skriv på vilken sida du hittade bristen, med sidans namn eller webbadress" in body
    assert "Skriv en e-postadress som namn@exempel.se, eller lämna fältet tomt" in body
    assert "Bilden saknar text.</textarea>" in body and 'value="berit@"' in body
    assert mailoutbox == []


def test_the_form_needs_its_csrf_token(owner, mailoutbox):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accessibility_feedback"), {"page": "Startsidan", "description": "Något."})
    assert response.status_code == 403 and mailoutbox == []


def test_a_robot_filling_in_the_hidden_field_is_thanked_and_nothing_is_sent(client, mailoutbox, owner):
    response = client.post(
        reverse("accessibility_feedback"),
        {"page": "Startsidan", "description": "Köp billiga klockor", "website": "https://spam.example"},
    )
    assert response.status_code == 302 and mailoutbox == []


def test_past_the_limit_the_form_asks_to_wait_and_keeps_the_text(client, mailoutbox, owner):
    data = {"page": "Startsidan", "description": "Kontrasten är för låg."}
    for _ in range(accessibility.FEEDBACK_PER_HOUR):
        assert client.post(reverse("accessibility_feedback"), data).status_code == 302
    response = client.post(reverse("accessibility_feedback"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Vänta en stund och försök igen" in body
    assert "tillganglighet@testkommun.se" in body and "Kontrasten är för låg.</textarea>" in body
    assert len(mailoutbox) == accessibility.FEEDBACK_PER_HOUR


def test_a_mail_server_that_is_down_is_said_and_nothing_typed_is_lost(client, smtp, settings, owner):
    from tests.notifications.smtp import free_port

    settings.EMAIL_PORT = free_port()  # nobody listens there
    response = client.post(
        reverse("accessibility_feedback"), {"page": "Startsidan", "description": "Länken går inte att se."}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Det gick inte att skicka just nu" in body
    assert "Länken går inte att se.</textarea>" in body and smtp.messages == []


def test_the_favicon_is_no_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    from pathlib import Path

    from django.contrib.staticfiles import finders

    mark = finders.find("favicon.svg")
    assert mark and "#0b3d63" in Path(mark).read_text(encoding="utf-8")
