"""The account pages of issue 8 in a real browser, under the Content Security Policy, with axe at both
widths: the login page, the privacy page (logged out), the list of logged-in devices, the download page,
the delete page with a wrong address (nothing typed is lost), and the lockout page."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.browser.conftest import VIEWPORTS, check_page
from tests.factories import PASSWORD, collaboration_with_people

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_account_pages(live, new_page, viewport):
    _collaboration, users = collaboration_with_people()
    page = new_page(viewport)
    page.goto(live.url + reverse("personal_data:privacy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Så behandlar vi dina personuppgifter")
    check_page(page, f"privacy-{viewport}")
    page.goto(live.url + reverse("account_login"))
    check_page(page, f"login-{viewport}")
    page.fill("#id_login", users["editor"].email)  # the real form: the device list records real logins
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live.url + reverse("usersessions_list"))
    expect(page.get_by_text("Den här enheten")).to_be_visible()
    check_page(page, f"devices-{viewport}")
    page.goto(live.url + reverse("personal_data:download"))
    check_page(page, f"download-{viewport}")

    page.goto(live.url + reverse("personal_data:delete"))
    page.get_by_label("Skriv din e-postadress för att bekräfta").fill("fel@example.se")
    page.get_by_role("button", name="Radera mitt konto").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    expect(page.get_by_label("Skriv din e-postadress för att bekräfta")).to_have_value("fel@example.se")
    check_page(page, f"delete-wrong-address-{viewport}")
    users["editor"].refresh_from_db()
    assert users["editor"].is_active


def test_the_lockout_page(live, new_page):
    _collaboration, users = collaboration_with_people()
    page = new_page("phone")
    for _attempt in range(5):
        page.goto(live.url + reverse("account_login"))
        page.fill("#id_login", users["editor"].email)
        page.fill("#id_password", "fel-lösenord")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
    page.goto(live.url + reverse("account_login"))
    page.fill("#id_login", users["editor"].email)
    page.fill("#id_password", "fel-lösenord")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "minut" in page.content()
    check_page(page, "lockout-phone")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_e_mail_page_and_the_delete_page_of_a_coordinator(live, new_page, viewport):
    """The e-mail addresses page (allauth's, in the app's words), and the delete page as the only
    coordinator sees it: the warning with links to the collaborations (its link colour was too weak)."""
    _collaboration, users = collaboration_with_people()
    page = new_page(viewport)
    page.goto(live.url + reverse("account_login"))
    page.fill("#id_login", users["coordinator"].email)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live.url + reverse("accounts:profile"))
    page.get_by_role("link", name="E-postadresser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-postadresser")
    check_page(page, f"email-addresses-{viewport}")
    page.goto(live.url + reverse("personal_data:delete"))
    expect(page.get_by_text("Lämna över rollen som samordnare först")).to_be_visible()
    check_page(page, f"delete-coordinator-{viewport}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_accessibility_statement_and_a_barrier_reported_without_logging_in(live, new_page, viewport, mailoutbox):
    page = new_page(viewport)
    page.goto(live.url + reverse("about"))
    page.goto(live.url + reverse("accessibility"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighet för Samverkan")
    check_page(page, f"accessibility-{viewport}")
    page.get_by_role("button", name="Skicka").click()
    expect(page.locator("#error-summary")).to_be_visible()
    page.get_by_label("Vad fungerade inte?").fill("Fokus syns inte på knapparna.")
    check_page(page, f"accessibility-feedback-errors-{viewport}")
    page.get_by_label("Sidan där du hittade bristen").fill("Om tjänsten")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Tack! Din synpunkt är skickad")).to_be_visible()
    check_page(page, f"accessibility-feedback-sent-{viewport}")
    assert [m.to for m in mailoutbox] == [[django_settings.SERVICE_OWNER_EMAIL]]
