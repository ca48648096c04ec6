"""Two-factor login in a real browser, under the Content Security Policy: setting up the app (the QR
code shows as a data: image, the key as text), the recovery codes, the security page and switching
the requirement on, and the page a member without the app is sent to. axe at both widths."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from django.urls import reverse

from tests.browser.conftest import VIEWPORTS, check_page, log_in
from tests.factories import collaboration_with_people

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
expect = sync_api.expect


def totp_now(secret):
    """The code an authenticator app shows now (RFC 6238, as allauth computes it)."""
    key = base64.b32decode(secret.replace(" ", ""), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def fresh_code(secret):
    # Not in the last seconds of a 30-second step: the code must still be valid when the server checks it.
    while int(time.time()) % 30 > 25:
        time.sleep(1)
    return totp_now(secret)


def confirm_password_recently(page):
    """allauth asks for the password again before the app is added: do it as the person would."""
    from tests.factories import PASSWORD

    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()


@pytest.fixture
def world(live):
    collaboration, users = collaboration_with_people()
    return collaboration, users


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_setting_up_the_app_and_requiring_it(world, live, new_page, viewport):
    collaboration, users = world
    page = new_page(viewport)
    log_in(page, live, users["coordinator"])

    page.goto(live.url + reverse("mfa_index"))
    check_page(page, f"mfa-index-off-{viewport}")
    page.goto(live.url + reverse("mfa_activate_totp"))
    confirm_password_recently(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ställ in tvåstegsinloggning")
    qr = page.get_by_role("img", name="QR-kod att skanna med kodappen")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # drawn under img-src 'self' data:
    check_page(page, f"mfa-activate-{viewport}")

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Kod från appen").fill(fresh_code(secret))
    page.get_by_role("button", name="Slå på").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reservkoder")
    expect(page.get_by_text("Tvåstegsinloggning är påslagen.")).to_be_visible()
    expect(page.get_by_text("Nya reservkoder är skapade.")).to_have_count(0)  # one message, not two
    check_page(page, f"mfa-recovery-codes-{viewport}")

    page.goto(live.url + reverse("projects:security", args=[collaboration.pk]))
    expect(page.get_by_text("Du använder tvåstegsinloggning.")).to_be_visible()
    check_page(page, f"security-{viewport}")
    page.get_by_role("link", name="Kräv tvåstegsinloggning…").click()
    expect(page.get_by_role("listitem").filter(has_text="Bo Berg")).to_be_visible()
    check_page(page, f"security-require-{viewport}")
    page.get_by_role("button", name="Kräv tvåstegsinloggning").click()
    expect(page.get_by_text("Tvåstegsinloggning krävs nu för den här samverkan.")).to_be_visible()
    collaboration.refresh_from_db()
    assert collaboration.require_mfa

    member = new_page(viewport)
    log_in(member, live, users["editor"])
    member.goto(live.url + reverse("projects:overview", args=[collaboration.pk]))
    expect(member.get_by_role("heading", level=1)).to_have_text("Tvåstegsinloggning krävs")
    check_page(member, f"mfa-required-{viewport}")
