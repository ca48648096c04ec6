"""Two-factor login (allauth.mfa with TOTP) and a collaboration that requires it.

Codes are real: computed with allauth's own HOTP function from the secret. Only the clock is pinned
(the TOTP time step), so that a code never crosses a 30-second boundary between computing and posting.
"""

import time
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.checklists.models import Answer, ChecklistSection
from projects.core.models import Event, Role
from projects.security import services as security
from tests.core.reader import events_page
from tests.factories import PASSWORD, add_member, make_user

pytestmark = pytest.mark.django_db

STEP = int(time.time()) // 30  # the pinned TOTP time step


@pytest.fixture(autouse=True)
def _pinned_clock_and_fresh_cache():
    cache.clear()  # allauth keeps used codes and rate limits in the cache
    with mock.patch("allauth.mfa.totp.internal.auth.yield_hotp_counters_from_time", lambda: iter([STEP])):
        yield
    cache.clear()


def code_for(secret, step=STEP):
    return format_hotp_value(hotp_value(secret, step))


def give_totp(user):
    """An active authenticator app (and recovery codes), as after setting it up; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def log_in(client, user, secret=None):
    """Log in through allauth's pages: the password, then the code when the account has the app."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response
    if secret is not None:
        assert response.url == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
        assert response.status_code == 302, response
    return response


def _cs(collaboration):
    from projects.checklists import services as checklists

    checklists.ensure_default_sections(collaboration)
    return ChecklistSection.objects.filter(collaboration=collaboration, active=True).first()


def _question(cs):
    return cs.section.items.current().filter(kind="question").order_by("order").first()


def _require(collaboration):
    collaboration.require_mfa = True
    collaboration.save(update_fields=["require_mfa"])


# Setting up and logging in ---------------------------------------------------------------------


def test_totp_set_up_with_a_real_code_then_login_asks_for_the_code(client):
    user = make_user("Bo Berg")
    log_in(client, user)
    activate = reverse("mfa_activate_totp")
    # Adding the app asks for the password again first (allauth's reauthentication).
    response = client.get(activate)
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "next": activate})
    assert response.status_code == 302

    page = client.get(activate)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ställ in tvåstegsinloggning" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code as a data: URI (CSP img-src data:)
    secret = client.session["mfa.totp.secret"]
    assert secret[:4] in html and secret[28:] in html  # the key as text, for typing in

    wrong = client.post(activate, {"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Felaktig kod" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    done = client.post(activate, {"code": code_for(secret)})
    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes = client.get(done.url).content.decode()
    assert "Reservkoder" in codes
    # (allauth's success messages come on commit: tests/browser/test_mfa.py sees them)

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret, STEP)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_app_shows_samverkan_as_the_issuer(rf):
    from allauth.mfa.adapter import get_adapter

    url = get_adapter().build_totp_url(make_user("Bo Berg", email="bo@gemenskap.se"), "JBSWY3DPEHPK3PXP")
    assert url.startswith("otpauth://totp/bo%40gemenskap.se?")
    assert "issuer=Samverkan" in url and "digits" not in url and "period" not in url  # 6 digits, 30 s


def test_a_wrong_code_at_login_is_refused_in_swedish(client):
    user = make_user("Bo Berg")
    secret = give_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    wrong = "123456" if code_for(secret) != "123456" else "654321"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Felaktig kod." in html
    assert 'aria-invalid="true"' in html
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_limited_per_account_from_any_address(client):
    user, other = make_user("Bo Berg"), make_user("Cecilia Carlsson")
    secret, other_secret = give_totp(user), give_totp(other)
    wrong = "123456" if code_for(secret) != "123456" else "654321"
    for n in range(6):  # from ever new addresses: the per-IP limits never apply
        client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR=f"10.0.0.{n + 1}"
        )
        client.post(reverse("mfa_authenticate"), {"code": wrong}, REMOTE_ADDR=f"10.0.0.{n + 1}")
        client.cookies.clear()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)}, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 200  # even the right code is not checked now
    assert "För många felaktiga koder för det här kontot" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client.cookies.clear()
    log_in(client, other, other_secret)  # another account is not affected
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_recovery_code_logs_in_once(client):
    user = make_user("Bo Berg")
    give_totp(user)
    rc = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap()
    code = rc.get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "Felaktig kod." in again.content.decode()


def test_the_mfa_pages_are_swedish(client):
    user = make_user("Bo Berg")
    give_totp(user)
    client.force_login(user)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Tvåstegsinloggning" in html and "Reservkoder" in html
    assert "Stäng av tvåstegsinloggning" in html
    assert "10 av 10 reservkoder är oanvända" in html


# The coordinator's requirement -----------------------------------------------------------------


def test_a_coordinator_without_two_factor_login_cannot_require_it(client, people):
    collaboration, users = people
    log_in(client, users["coordinator"])
    url = reverse("projects:security_require", args=[collaboration.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "annars stänger du ute dig själv" in page.content.decode()
    response = client.post(url, {"confirm": "True"})
    assert response.status_code == 400
    assert "annars stänger du ute dig själv" in response.content.decode()
    collaboration.refresh_from_db()
    assert not collaboration.require_mfa


def test_a_coordinator_with_the_app_but_a_password_only_session_cannot_require_it(client, people):
    collaboration, users = people
    give_totp(users["coordinator"])
    client.force_login(users["coordinator"])  # a session from before the app: no code given
    response = client.post(reverse("projects:security_require", args=[collaboration.pk]), {"confirm": "True"})
    assert response.status_code == 400
    assert reverse("mfa_reauthenticate") in response.content.decode()
    collaboration.refresh_from_db()
    assert not collaboration.require_mfa


def test_requiring_lists_who_lacks_it_and_records_an_event(client, people):
    collaboration, users = people
    secret = give_totp(users["coordinator"])
    give_totp(users["editor"])
    log_in(client, users["coordinator"], secret)
    url = reverse("projects:security_require", args=[collaboration.pk])
    page = client.get(url).content.decode()
    assert "Cecilia Carlsson" in page  # the reader has no app
    assert "Bo Berg" not in page
    response = client.post(url, {"confirm": "True"})
    assert response.status_code == 302 and response.url == reverse("projects:security", args=[collaboration.pk])
    collaboration.refresh_from_db()
    assert collaboration.require_mfa
    event = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.COLLABORATION_CHANGED).latest("pk")
    assert "Tvåstegsinloggning krävs nu" in event.detail and "1 medlem har" in event.detail
    assert event.actor == users["coordinator"]
    # The coordinator is not shut out by their own requirement.
    assert client.get(reverse("projects:overview", args=[collaboration.pk])).status_code == 200


def test_an_empty_post_does_not_switch_it_on(client, people):
    collaboration, users = people
    secret = give_totp(users["coordinator"])
    log_in(client, users["coordinator"], secret)
    response = client.post(reverse("projects:security_require", args=[collaboration.pk]), {"confirm": ""})
    assert response.status_code == 400
    assert "Bekräfta med knappen" in response.content.decode()
    collaboration.refresh_from_db()
    assert not collaboration.require_mfa


def test_switching_it_off_is_one_post_and_records_an_event(client, people):
    collaboration, users = people
    secret = give_totp(users["coordinator"])
    _require(collaboration)
    log_in(client, users["coordinator"], secret)
    response = client.post(reverse("projects:security_release", args=[collaboration.pk]))
    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert not collaboration.require_mfa
    event = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.COLLABORATION_CHANGED).latest("pk")
    assert event.detail == "Tvåstegsinloggning krävs inte längre"


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_readers_and_editors_see_the_security_page_but_cannot_change_it(client, people, role):
    collaboration, users = people
    client.force_login(users[role])
    page = client.get(reverse("projects:security", args=[collaboration.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Krävs inte" in html
    assert "Du använder inte tvåstegsinloggning" in html
    assert "Anna Andersson" not in html.split("<main", 1)[1]  # who uses it is shown to coordinators only
    assert reverse("projects:security_require", args=[collaboration.pk]) not in html
    for name in ("projects:security_require", "projects:security_release"):
        assert client.post(reverse(name, args=[collaboration.pk]), {"confirm": "True"}).status_code == 403
    collaboration.refresh_from_db()
    assert not collaboration.require_mfa


def test_the_coordinator_sees_who_uses_it(client, people):
    collaboration, users = people
    give_totp(users["editor"])
    client.force_login(users["coordinator"])
    html = client.get(reverse("projects:security", args=[collaboration.pk])).content.decode()
    assert "2 av 3 medlemmar har inte ställt in tvåstegsinloggning" in html
    assert "Bo Berg" in html and "Cecilia Carlsson" in html


def test_the_settings_page_links_to_the_security_page(client, people):
    collaboration, users = people
    client.force_login(users["coordinator"])
    html = client.get(reverse("projects:collaboration_edit", args=[collaboration.pk])).content.decode()
    assert reverse("projects:security", args=[collaboration.pk]) in html


# Enforcement -----------------------------------------------------------------------------------


def _mfa_required_url(collaboration):
    return reverse("projects:mfa_required", args=[collaboration.pk])


def test_a_member_without_two_factor_login_is_sent_to_the_explanation(client, people):
    collaboration, users = people
    _require(collaboration)
    client.force_login(users["editor"])
    overview = reverse("projects:overview", args=[collaboration.pk])
    response = client.get(overview)
    assert response.status_code == 302
    assert response.url == f"{_mfa_required_url(collaboration)}?next=%2Fsamverkan%2F{collaboration.pk}%2F"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tvåstegsinloggning krävs" in html
    assert collaboration.title in html
    assert "Föreningen Gemenskap" not in html and "Exempelkommun" not in html  # nothing but the title
    assert reverse("mfa_activate_totp") in html


@pytest.mark.parametrize(
    "name", ["projects:overview", "projects:people", "projects:agreement", "projects:security", "projects:events"]
)
def test_every_kind_of_page_is_withheld(client, people, name):
    collaboration, users = people
    _require(collaboration)
    client.force_login(users["reader"])
    response = client.get(reverse(name, args=[collaboration.pk]))
    assert response.status_code == 302 and response.url.startswith(_mfa_required_url(collaboration))


def test_the_export_with_names_and_email_is_withheld(client, people):
    collaboration, users = people
    _require(collaboration)
    client.force_login(users["coordinator"])
    response = client.get(reverse("projects:collaboration_export", args=[collaboration.pk]))
    assert response.status_code == 302 and response.url.startswith(_mfa_required_url(collaboration))


def test_an_htmx_request_navigates_to_the_explanation(client, people):
    collaboration, users = people
    cs = _cs(collaboration)
    _require(collaboration)
    client.force_login(users["editor"])
    page = f"http://testserver{reverse('projects:checklist_section', args=[collaboration.pk, cs.pk])}"
    response = client.get(
        reverse("projects:checklist_changes", args=[collaboration.pk, cs.pk]),
        {"since": "2000-01-01T00:00:00+00:00"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page,
    )
    assert response.status_code == 200
    target = response["HX-Redirect"]
    assert target.startswith(_mfa_required_url(collaboration))
    assert "checklistor" in target and "andringar" not in target  # back to the page, not the fragment


def test_a_refused_save_keeps_the_text_and_shows_it(client, people):
    collaboration, users = people
    cs = _cs(collaboration)
    item = _question(cs)
    _require(collaboration)
    client.force_login(users["editor"])
    key = f"{item.pk}-j"
    text = "Vi delar ansvaret för lokalen mellan föreningen och kommunen."
    response = client.post(
        reverse("projects:answer_save", args=[collaboration.pk, cs.pk, item.pk]),
        {f"{key}-text": text, f"{key}-version": 0, f"{key}-status": "discussed"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith(_mfa_required_url(collaboration))
    assert not Answer.objects.filter(collaboration=collaboration, item=item).exists()  # not saved...
    html = client.get(response["HX-Redirect"]).content.decode()
    assert "Det här sparades inte" in html
    assert text in html  # ...and not lost either
    assert "discussed" not in html  # only what the person wrote


def test_a_refused_plain_post_keeps_the_text(client, people):
    collaboration, users = people
    _require(collaboration)
    client.force_login(users["editor"])
    response = client.post(reverse("projects:goal_create", args=[collaboration.pk]), {"title": "Fler unga i styrelser"})
    assert response.status_code == 302 and response.url.startswith(_mfa_required_url(collaboration))
    assert not collaboration.goals.exists()
    assert "Fler unga i styrelser" in client.get(response.url).content.decode()


def test_kept_text_is_bounded(rf, people):
    from django.contrib.sessions.backends.db import SessionStore

    collaboration, users = people
    request = rf.post("/", {f"f{i}": f"text nummer {i}" for i in range(50)})
    request.session = SessionStore()
    security.keep_unsaved(request, collaboration)
    assert len(security.unsaved_texts(request, collaboration)) == security.UNSAVED_MAX_ENTRIES
    request = rf.post("/", {"a": "x " * 80_000, "b": "y " * 80_000})
    request.session = SessionStore()
    security.keep_unsaved(request, collaboration)
    assert sum(len(t) for t in security.unsaved_texts(request, collaboration)) <= security.UNSAVED_MAX_CHARS


def test_a_member_who_logged_in_with_the_code_passes(client, people):
    collaboration, users = people
    secret = give_totp(users["editor"])
    _require(collaboration)
    log_in(client, users["editor"], secret)
    assert client.get(reverse("projects:overview", args=[collaboration.pk])).status_code == 200


def test_a_member_who_logged_in_with_a_recovery_code_passes(client, people):
    collaboration, users = people
    give_totp(users["editor"])
    _require(collaboration)
    code = Authenticator.objects.get(user=users["editor"], type="recovery_codes").wrap().get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": users["editor"].email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get(reverse("projects:overview", args=[collaboration.pk])).status_code == 200


def test_a_session_from_before_the_app_confirms_with_a_code_and_goes_on(client, people):
    collaboration, users = people
    _require(collaboration)
    log_in(client, users["editor"])  # the password only
    secret = give_totp(users["editor"])  # set up elsewhere, e.g. on another computer
    overview = reverse("projects:overview", args=[collaboration.pk])
    response = client.get(overview)
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "loggade in utan kod" in html
    confirm = reverse("mfa_reauthenticate")
    assert confirm in html
    response = client.post(confirm, {"code": code_for(secret), "next": response.url})
    assert response.status_code == 302
    response = client.get(response.url)  # the explanation page sends the person on
    assert response.status_code == 302 and response.url == overview
    assert client.get(overview).status_code == 200


def test_setting_it_up_in_this_session_passes_at_once(client, people):
    collaboration, users = people
    _require(collaboration)
    log_in(client, users["editor"])
    overview = reverse("projects:overview", args=[collaboration.pk])
    explanation = client.get(overview).url
    client.get(explanation)
    activate = reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "next": activate})
    client.get(activate)
    secret = client.session["mfa.totp.secret"]
    response = client.post(activate, {"code": code_for(secret)})
    assert response.status_code == 302
    codes = client.get(response.url).content.decode()
    assert explanation.replace("&", "&amp;") in codes  # the way back to the collaboration
    assert client.get(overview).status_code == 200


def test_switching_the_app_off_shuts_the_member_out_again(client, people):
    collaboration, users = people
    secret = give_totp(users["editor"])
    _require(collaboration)
    log_in(client, users["editor"], secret)
    overview = reverse("projects:overview", args=[collaboration.pk])
    assert client.get(overview).status_code == 200
    Authenticator.objects.filter(user=users["editor"]).delete()
    assert client.get(overview).status_code == 302


def test_outsiders_still_get_404(client, people):
    collaboration, users = people
    _require(collaboration)
    client.force_login(make_user("Olle Utomstående"))
    assert client.get(reverse("projects:overview", args=[collaboration.pk])).status_code == 404
    assert client.get(_mfa_required_url(collaboration)).status_code == 404
    assert client.get(reverse("projects:mfa_required", args=[collaboration.pk + 1000])).status_code == 404


def test_the_explanation_redirects_only_within_the_collaboration(client, people):
    collaboration, users = people
    client.force_login(users["editor"])
    overview = reverse("projects:overview", args=[collaboration.pk])
    for evil in (
        "https://evil.example/",
        "//evil.example/",
        "/organisationer/",
        f"{overview}../../admin/",
        f"{overview}%2e%2e/%2e%2e/admin/",
        f"http://testserver{overview}",
    ):
        response = client.get(_mfa_required_url(collaboration), {"next": evil})
        assert response.status_code == 302 and response.url == reverse("projects:overview", args=[collaboration.pk])


def test_the_check_costs_one_query_at_most(client, people):
    collaboration, users = people
    secret = give_totp(users["editor"])
    log_in(client, users["editor"], secret)
    url = reverse("projects:events", args=[collaboration.pk])
    client.get(url)  # warm up: sessions, caches
    with CaptureQueriesContext(connection) as plain:
        assert client.get(url).status_code == 200
    _require(collaboration)
    with CaptureQueriesContext(connection) as required:
        assert client.get(url).status_code == 200
    assert len(required) - len(plain) <= 1


def test_the_dashboard_notes_the_requirement(client, people):
    collaboration, users = people
    _require(collaboration)
    client.force_login(users["reader"])
    assert "Kräver tvåstegsinloggning" in client.get(reverse("projects:dashboard")).content.decode()


def test_the_calendar_feed_is_unaffected(client, people):
    from projects.meetings import services as meetings

    collaboration, users = people
    token = meetings.renew_calendar_token(collaboration, user=users["coordinator"])
    _require(collaboration)
    response = client.get(reverse("projects:calendar_feed", args=[collaboration.pk, token]))
    assert response.status_code == 200


def test_a_new_member_of_a_requiring_collaboration_is_asked_too(client, people):
    collaboration, users = people
    _require(collaboration)
    newcomer = add_member(collaboration, role=Role.EDITOR, name="Dora Dahl").user
    client.force_login(newcomer)
    response = client.get(reverse("projects:overview", args=[collaboration.pk]))
    assert response.status_code == 302 and response.url.startswith(_mfa_required_url(collaboration))


def test_the_requirements_events_are_shown_in_the_readers_language(client, people):
    """Kept as msgids and the number (one msgid for one member, one for several: EventText has no
    plural forms) and shown in English to an English reader, in Swedish as recorded to a Swedish one."""
    collaboration, users = people
    secret = give_totp(users["coordinator"])
    log_in(client, users["coordinator"], secret)
    client.post(reverse("projects:security_require", args=[collaboration.pk]), {"confirm": "True"})
    required = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.COLLABORATION_CHANGED).latest("pk")
    assert required.detail == "Tvåstegsinloggning krävs nu (2 medlemmar har inte ställt in den än)"
    assert required.texts["detail"] == {
        "msgid": "Tvåstegsinloggning krävs nu (%(n)d medlemmar har inte ställt in den än)",
        "params": {"n": 2},
    }
    client.post(reverse("projects:security_release", args=[collaboration.pk]))
    page = events_page(client, collaboration, "en")
    assert "(Two-factor login is no longer required)" in page
    assert "(Tvåstegsinloggning krävs inte längre)" not in page
    page = events_page(client, collaboration, "sv")
    assert "(Tvåstegsinloggning krävs inte längre)" in page
    assert "(Tvåstegsinloggning krävs nu (2 medlemmar har inte ställt in den än))" in page
