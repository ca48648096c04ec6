"""Personal data (issue 8): the privacy page, downloading everything about oneself, deleting one's
account (names replaced, public records kept), the activity-list rule and the retention command."""

import datetime
import io
import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import personal_data
from accounts.personal_data import AccountDeletionRefused
from guides.models import CollaborationForm, Item
from projects.agreements import services as agreements
from projects.agreements.models import Agreement, AgreementVersion, Decision
from projects.checklists import services as checklists
from projects.checklists.models import Answer, Comment
from projects.core.models import Event, Invitation, Membership, Role
from projects.meetings import services as meetings
from projects.meetings.models import LoggedDecision, MeetingParticipant
from projects.organisations.models import (
    JoinRequest,
    OrganisationClaim,
    OrganisationEvent,
    OrganisationInvitation,
    OrganisationMember,
    OrgRole,
)
from tests.factories import (
    PASSWORD,
    AccessAttemptFactory,
    AccessFailureLogFactory,
    AccessLogFactory,
    AgreementCommentFactory,
    AnswerFactory,
    AnswerRevisionFactory,
    AuthenticatorFactory,
    CommentFactory,
    EmailAddressFactory,
    InvitationFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    OrganisationFactory,
    SocialAccountFactory,
    UserSessionFactory,
    add_member,
    join_organisation,
    make_collaboration,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
DELETED = "Borttagen användare"


def _questions(n):
    return list(Item.objects.filter(kind=Item.Kind.QUESTION).order_by("pk")[:n])


def _write(collaboration, user, items, text="Bos svar"):
    """An answer, a revision and a comment by ``user`` on each item."""
    for i, item in enumerate(items):
        answer = AnswerFactory(collaboration=collaboration, item=item, text=f"{text} {i}", version=1, updated_by=user)
        AnswerRevisionFactory(answer=answer, version=1, text=f"{text} {i}", status="discussed", author=user)
        CommentFactory(collaboration=collaboration, item=item, author=user, text=f"Bos kommentar {i}")


def _login_records(email, old=False):
    common = {"ip_address": "10.0.0.9", "user_agent": "Firefox", "http_accept": "*/*", "path_info": "/konto/"}
    rows = [
        AccessAttemptFactory(username=email, get_data="", post_data="", failures_since_start=1, **common),
        AccessLogFactory(username=email, **common),
        AccessFailureLogFactory(username=email, **common),
    ]
    if old:
        when = timezone.now() - timedelta(days=200)
        for row in rows:
            type(row).objects.filter(pk=row.pk).update(attempt_time=when)
    return rows


@pytest.fixture
def people(people):
    """The shared fixture, with Cecilia an administrator of Föreningen Gemenskap beside Bo: Bo's
    account can then be deleted without leaving the association's members without an administrator
    (that refusal is tested apart, below)."""
    _collaboration, users = people
    OrganisationMember.objects.filter(user=users["reader"]).update(role=OrgRole.ADMIN)
    return people


@pytest.fixture
def bo_wrote(people):
    """Bo (editor) has written answers and comments, has MFA, a linked account, a device, login records."""
    collaboration, users = people
    bo = users["editor"]
    _write(collaboration, bo, _questions(3))
    EmailAddressFactory(user=bo, email=bo.email, verified=True, primary=True)
    AuthenticatorFactory(user=bo, type=Authenticator.Type.TOTP, data={"secret": "HEMLIGTOTPNYCKEL"})
    AuthenticatorFactory(
        user=bo, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "HEMLIGAKODERFRO", "used_mask": 0}
    )
    SocialAccountFactory(user=bo, provider="openid_connect", uid="bo-sub-42", extra_data={"at": "HEMLIGTOKEN"})
    store = SessionStore()
    store.create()
    UserSessionFactory(user=bo, ip="10.1.2.3", session_key=store.session_key, user_agent="BosWebblasare/1.0")
    _login_records(bo.email)
    InvitationFactory(
        collaboration=collaboration,
        party=bo.memberships.get().party,
        email="dora.inbjuden@example.se",
        token_hash="f" * 64,
        invited_by=bo,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return collaboration, users


# Collecting ----------------------------------------------------------------------------------


def test_every_foreign_key_to_the_user_is_collected_or_handled_apart():
    """A new model with a user FK fails here until collect() exports it (the walk picks up the
    project's models by itself) or it is handled apart with a reason."""
    walked = {(m._meta.label, f) for m, fields in personal_data.walked_models().items() for f in fields}
    apart = set(personal_data.HANDLED_APART)
    every = {(m._meta.label, f.name) for m, f in personal_data.user_foreign_keys()}
    assert every - walked - apart == set()
    assert apart <= every, "a reason for a foreign key that no longer exists"
    project = {(m._meta.label, f.name) for m, f in personal_data.user_foreign_keys(personal_data.PROJECT_APPS)}
    assert walked <= project
    assert ("projects.Answer", "updated_by") in walked and ("projects.PrincipleConcern", "resolved_by") in walked
    # Every walked model reaches its collaboration, except the organisation (not in one).
    for model in personal_data.walked_models():
        if model._meta.label != "projects.Organisation":
            assert personal_data._collaboration_path(model), model


def test_collect_has_what_the_person_wrote_and_no_secrets_or_other_peoples_addresses(bo_wrote):
    collaboration, users = bo_wrote
    bo = users["editor"]
    Event.record(collaboration, bo, Event.Kind.INVITATION_SENT, "dora.inbjuden@example.se", "Läsare")
    Event.record(collaboration, bo, Event.Kind.MEMBER_ROLE_CHANGED, "Cecilia Carlsson", "Redaktör")
    data = personal_data.collect(bo)
    text = json.dumps(data, ensure_ascii=False)
    assert {e["kind"] for e in data["activity"]["projects.event"]} == {"invitation.sent", "member.role_changed"}
    assert data["format"] == "samverkan-mina-uppgifter" and data["version"] == 1 and data["exported_at"]
    assert data["account"]["email"] == bo.email and data["account"]["full_name"] == "Bo Berg"
    assert data["memberships"] == [
        {"collaboration": collaboration.title, "party": "Föreningen Gemenskap", "role": "editor", "joined": ANY}
    ]
    answers = data["activity"]["projects.answer"]
    assert {a["text"] for a in answers} == {"Bos svar 0", "Bos svar 1", "Bos svar 2"}
    assert all(a["collaboration"] == collaboration.title and a["as"] == ["updated_by"] for a in answers)
    assert len(data["activity"]["projects.comment"]) == 3 and len(data["activity"]["projects.answerrevision"]) == 3
    assert data["sessions"][0]["ip"] == "10.1.2.3" and data["sessions"][0]["user_agent"] == "BosWebblasare/1.0"
    assert {a["type"] for a in data["mfa_authenticators"]} == {"totp", "recovery_codes"}
    assert data["social_accounts"][0]["uid"] == "bo-sub-42"
    assert len(data["login_records"]["attempts"]) == 1 and len(data["login_records"]["logins"]) == 1
    assert data["invitations_sent"][0]["collaboration"] == collaboration.title
    # Never: secrets, tokens, other people's addresses or names.
    for secret in ("HEMLIGTOTPNYCKEL", "HEMLIGAKODERFRO", "HEMLIGTOKEN", "f" * 64, "session_key", bo.password):
        assert secret not in text
    for other in ("dora.inbjuden@example.se", users["coordinator"].email, users["reader"].email, "Cecilia"):
        assert other not in text
    json.loads(text)  # serialisable as it is


class _Any:
    def __eq__(self, other):
        return True


ANY = _Any()


def test_collect_keeps_a_decided_record_and_what_was_resolved(people):
    collaboration, users = people
    anna = users["coordinator"]
    meetings.record_decision(
        collaboration, user=anna, text="Lokalen hyrs", decided_on=TODAY, decided_by="Styrgruppen", mandate="Avtal"
    )
    data = personal_data.collect(anna)
    logged = data["activity"]["projects.loggeddecision"]
    assert logged[0]["text"] == "Lokalen hyrs" and logged[0]["recorded_by_name"] == "Anna Andersson"
    assert any(e["kind"] == "decision.recorded" for e in data["activity"]["projects.event"])
    assert data["activity"]["projects.collaboration"][0]["title"] == collaboration.title


def test_collect_uses_the_same_number_of_queries_for_3_and_30_items(people):
    collaboration, users = people
    bo = users["editor"]
    items = _questions(33)
    _write(collaboration, bo, items[:3])
    with CaptureQueriesContext(connection) as few:
        personal_data.collect(bo)
    _write(collaboration, bo, items[3:], text="Fler svar")
    with CaptureQueriesContext(connection) as many:
        data = personal_data.collect(bo)
    assert len(data["activity"]["projects.answer"]) == 33
    assert len(few) == len(many)


def test_download_page_then_json_attachment_recording_nothing(client, bo_wrote):
    collaboration, users = bo_wrote
    client.force_login(users["editor"])
    url = reverse("personal_data:download")
    page = client.get(url)
    assert page.status_code == 200 and "application/json" not in page["Content-Type"]
    assert "Ladda ner dina uppgifter som fil" in page.content.decode()
    events = Event.objects.count()
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="samverkan-mina-uppgifter-{day}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == users["editor"].email
    assert Event.objects.count() == events


# Deleting --------------------------------------------------------------------------------------


def _decided_agreement(collaboration, users):
    """An IOP decided by both parties; Bo (the association's only writer) recorded its decision."""
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(
        collaboration, user=users["coordinator"], form=CollaborationForm.objects.get(slug="iop")
    )
    agreement.sections.filter(text="").update(text="Text för avsnittet.")
    version = agreements.freeze(agreement, user=users["coordinator"])
    for user in (users["coordinator"], users["editor"]):
        agreements.record_decision(
            version,
            party=user.memberships.get().party,
            user=user,
            approved=True,
            body="Styrelsen",
            decided_on=TODAY,
            reference=f"§ {user.pk}",
        )
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.DECIDED
    return version


def _pdf_text(version):
    AgreementVersion.objects.filter(pk=version.pk).update(pdf=None)  # rendered again from the snapshot
    version.refresh_from_db()
    data = agreements.version_pdf(version)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", text)  # "Utskriven": the time of rendering


def test_deletion_replaces_the_name_and_keeps_the_public_records(client, people):
    collaboration, users = people
    bo = users["editor"]
    _write(collaboration, bo, _questions(2))
    version = _decided_agreement(collaboration, users)
    section = version.agreement.sections.first()
    AgreementCommentFactory(section=section, author=bo, text="Bos synpunkt")
    Event.record(collaboration, users["coordinator"], Event.Kind.MEMBER_JOINED, "Bo Berg", "Bo Berg (redaktör)")
    Event.record(collaboration, bo, Event.Kind.COMMENT_ADDED, "Boende i området", "Bo Berg skrev")
    logged = meetings.record_decision(
        collaboration, user=bo, text="Vi hyr lokalen", decided_on=TODAY, decided_by="Bo Berg och Anna", mandate="x"
    )
    content_before = version.content
    pdf_before = _pdf_text(version)
    assert "Bo Berg" in pdf_before  # a contact person of the association in the decided text

    personal_data.delete_account(bo, confirm_email=bo.email.upper())

    bo.refresh_from_db()
    assert bo.full_name == DELETED and bo.email == f"borttagen-{bo.pk}@invalid"
    assert not bo.is_active and not bo.has_usable_password()
    # What he wrote keeps its text and shows the replaced name.
    answer = Answer.objects.filter(updated_by=bo).first()
    assert answer.text.startswith("Bos svar") and answer.updated_by.get_full_name() == DELETED
    assert Comment.objects.filter(author=bo).count() == 2
    # Public records: the decided agreement, its PDF and the names on the decisions.
    version.refresh_from_db()
    assert version.content == content_before
    assert _pdf_text(version) == pdf_before
    assert Decision.objects.get(recorded_by=bo).recorded_by_name == "Bo Berg"
    logged.refresh_from_db()
    assert logged.recorded_by_name == "Bo Berg" and logged.decided_by == "Bo Berg och Anna"
    # The activity list: the decision kinds keep the name, the others lose it.
    joined = Event.objects.get(kind=Event.Kind.MEMBER_JOINED, detail__endswith="(redaktör)")
    assert (joined.subject, joined.detail) == (DELETED, f"{DELETED} (redaktör)")
    comment_event = Event.objects.get(kind=Event.Kind.COMMENT_ADDED, actor=bo)
    assert comment_event.actor_name == "" and comment_event.shown_actor_name() == DELETED
    assert comment_event.subject == "Boende i området"  # "Bo" inside a word is left alone
    assert comment_event.detail == f"{DELETED} skrev"
    decision_event = Event.objects.get(kind=Event.Kind.AGREEMENT_DECISION, actor=bo)
    assert decision_event.shown_actor_name() == "Bo Berg"
    # As the pages show it.
    client.force_login(users["coordinator"])
    events_page = client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
    assert DELETED in events_page
    assert f"{DELETED} skrev" in events_page and "Bo Berg skrev" not in events_page
    # "Bo Berg" is left only where a decision event shows it (its actor, or its text).
    kept = Event.objects.filter(kind__in=personal_data.DECISION_KINDS)
    expected = sum(f"{e.shown_actor_name()} {e.subject} {e.detail}".count("Bo Berg") for e in kept)
    assert expected >= 3 and events_page.count("Bo Berg") == expected
    agreement_page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert "registrerat av Bo Berg" in agreement_page


def test_deletion_removes_what_is_only_about_the_person(client, bo_wrote):
    collaboration, users = bo_wrote
    bo = users["editor"]
    email = bo.email
    other = client.__class__()
    other.force_login(bo)
    InvitationFactory(
        collaboration=collaboration,
        party=bo.memberships.get().party,
        email=email,
        token_hash="e" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    _login_records(users["reader"].email)  # someone else's: kept

    personal_data.delete_account(bo, confirm_email=email)

    assert not Membership.objects.filter(user=bo).exists()
    left = Event.objects.get(collaboration=collaboration, kind=Event.Kind.MEMBER_REMOVED)
    assert (left.subject, left.detail, left.shown_actor_name()) == (DELETED, "Kontot raderat", DELETED)
    for model in (EmailAddress, Authenticator, SocialAccount, UserSession):
        assert not model.objects.filter(user=bo).exists(), model
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username__iexact=email).exists(), model
        assert model.objects.filter(username=users["reader"].email).exists()
    assert not Invitation.objects.filter(email__iexact=email).exists()
    assert Invitation.objects.filter(invited_by=bo).count() == 1  # sent by him: the collaboration's
    # His other session is logged out.
    response = other.get(reverse("projects:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_deleted_person_cannot_log_in_and_the_address_can_register_again(client, people):
    collaboration, users = people
    bo = users["editor"]
    email = bo.email
    personal_data.delete_account(bo, confirm_email=email)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code != 302 and "_auth_user_id" not in client.session
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Bo Berg",
            "email": email,
            "password1": "ett-nytt-langt-losen",
            "password2": "ett-nytt-langt-losen",
        },
    )
    assert response.status_code == 302
    new = get_user_model().objects.get(email=email)
    assert new.pk != bo.pk and not new.memberships.exists()


def test_meeting_participants_kept_in_a_locked_protocol_replaced_elsewhere(people):
    collaboration, users = people
    bo = users["editor"]
    party = bo.memberships.get().party
    start = timezone.now()
    locked = MeetingFactory(
        collaboration=collaboration,
        title="Justerat möte",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        minutes="Protokoll",
        minutes_locked_at=start,
    )
    open_meeting = MeetingFactory(
        collaboration=collaboration, title="Nästa möte", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    for meeting in (locked, open_meeting):
        MeetingParticipantFactory(meeting=meeting, party=party, user=bo, name="Bo Berg")
    personal_data.delete_account(bo, confirm_email=bo.email)
    assert MeetingParticipant.objects.get(meeting=locked).name == "Bo Berg"
    assert MeetingParticipant.objects.get(meeting=open_meeting).name == DELETED


def test_the_last_coordinator_is_refused_with_the_collaborations_named(client, people):
    collaboration, users = people
    anna = users["coordinator"]
    with pytest.raises(AccountDeletionRefused) as refused:
        personal_data.delete_account(anna, confirm_email=anna.email)
    assert collaboration.title in refused.value.message and "samordnare" in refused.value.message
    anna.refresh_from_db()
    assert anna.full_name == "Anna Andersson" and anna.is_active and anna.memberships.exists()
    # The page says so before anything is typed, and a POST changes nothing.
    client.force_login(anna)
    url = reverse("personal_data:delete")
    page = client.get(url).content.decode()
    assert "Lämna över rollen som samordnare först" in page and collaboration.title in page
    response = client.post(url, {"email": anna.email, "password": PASSWORD})
    assert response.status_code == 400
    anna.refresh_from_db()
    assert anna.is_active
    # Once another coordinator is there, it goes through.
    Membership.objects.filter(user=users["editor"]).update(role=Role.COORDINATOR)
    response = client.post(url, {"email": anna.email, "password": PASSWORD})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert not anna.is_active


def test_a_collaboration_with_no_one_else_does_not_block(people):
    lone = make_user("Lena Ensam")
    make_collaboration(coordinator=lone, title="Bara jag")
    personal_data.delete_account(lone, confirm_email=lone.email)
    lone.refresh_from_db()
    assert lone.full_name == DELETED


def test_wrong_address_or_password_is_refused_in_swedish_and_nothing_is_lost(client, people):
    collaboration, users = people
    bo = users["editor"]
    client.force_login(bo)
    url = reverse("personal_data:delete")
    response = client.post(url, {"email": "fel@example.se", "password": PASSWORD})
    assert response.status_code == 400
    assert "E-postadressen stämmer inte med ditt konto" in response.content.decode()
    assert 'value="fel@example.se"' in response.content.decode()  # what was typed stays
    response = client.post(url, {"email": bo.email, "password": "fel-losenord"})
    assert response.status_code == 400 and "Lösenordet stämmer inte" in response.content.decode()
    bo.refresh_from_db()
    assert bo.is_active and bo.full_name == "Bo Berg" and bo.memberships.exists()
    with pytest.raises(AccountDeletionRefused):
        personal_data.delete_account(bo, confirm_email="fel@example.se")


def test_deleting_through_the_page_logs_out_with_a_message(client, people):
    collaboration, users = people
    bo = users["editor"]
    client.force_login(bo)
    response = client.post(reverse("personal_data:delete"), {"email": f"  {bo.email.upper()} ", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("projects:dashboard")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("account_login"))
    assert "Ditt konto är raderat." in page.content.decode()


def test_an_account_without_a_password_confirms_with_the_address_only(client, people):
    collaboration, users = people
    bo = users["editor"]
    bo.set_unusable_password()
    bo.save()
    client.force_login(bo)
    page = client.get(reverse("personal_data:delete")).content.decode()
    assert 'name="password"' not in page
    response = client.post(reverse("personal_data:delete"), {"email": bo.email})
    assert response.status_code == 302
    bo.refresh_from_db()
    assert bo.full_name == DELETED


# The activity list --------------------------------------------------------------------------


def test_activity_list_shows_the_recorded_name_on_decisions_and_the_live_name_otherwise(client, people):
    collaboration, users = people
    anna = users["coordinator"]
    meetings.record_decision(
        collaboration, user=anna, text="Beslut", decided_on=TODAY, decided_by="Styrgruppen", mandate="Avtal"
    )
    Event.record(collaboration, anna, Event.Kind.RISK_CHANGED, "En risk")
    anna.full_name = "Anna Nyström"
    anna.save()
    decision = Event.objects.get(kind=Event.Kind.DECISION_RECORDED)
    risk = Event.objects.get(kind=Event.Kind.RISK_CHANGED)
    assert decision.shown_actor_name() == "Anna Andersson" and risk.shown_actor_name() == "Anna Nyström"
    assert Event(kind=Event.Kind.RISK_CHANGED).shown_actor_name() == ""
    client.force_login(anna)
    page = client.get(reverse("projects:events", args=[collaboration.pk])).content.decode()
    assert "Anna Andersson" in page and "Anna Nyström" in page


def test_recorded_decisions_take_the_name_snapshot(people):
    collaboration, users = people
    version = _decided_agreement(collaboration, users)
    assert set(Decision.objects.filter(version=version).values_list("recorded_by_name", flat=True)) == {
        "Anna Andersson",
        "Bo Berg",
    }
    logged = meetings.record_decision(
        collaboration, user=users["editor"], text="x", decided_on=TODAY, decided_by="Styrgruppen", mandate="y"
    )
    assert LoggedDecision.objects.get(pk=logged.pk).recorded_by_name == "Bo Berg"
    assert Agreement.objects.get(pk=version.agreement_id).state == Agreement.State.DECIDED


# The privacy page and retention ----------------------------------------------------------------


def test_privacy_page_is_public_and_states_the_periods_from_the_settings(client, settings):
    settings.LOGIN_RECORDS_DAYS = 45
    settings.ENDED_INVITATIONS_DAYS = 60
    settings.SESSION_COOKIE_AGE = 8 * 3600
    page = client.get(reverse("personal_data:privacy"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "45 dagar." in text and "60 dagar efter" in text and "som längst 8 timmar" in text
    assert "fyller i sitt namn" in text  # the placeholder until the organisation running it fills it in
    assert "allmänna handlingar" in text.lower() and "arkivlagen" in text
    assert reverse("personal_data:privacy") in client.get(reverse("about")).content.decode()  # the footer link
    settings.PRIVACY_CONTROLLER = "Exempelkommunens kommunstyrelse, kommun@example.se"
    assert "Exempelkommunens kommunstyrelse" in client.get(reverse("personal_data:privacy")).content.decode()


def test_purge_deletes_only_what_is_past_its_period(people, settings):
    collaboration, users = people
    settings.LOGIN_RECORDS_DAYS = 90
    settings.ENDED_INVITATIONS_DAYS = 90
    _login_records("gammal@example.se", old=True)
    _login_records("ny@example.se")
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    alive = SessionStore()
    alive.create()
    UserSessionFactory(user=users["editor"], ip="10.0.0.1", session_key=expired.session_key, user_agent="A")
    UserSessionFactory(user=users["editor"], ip="10.0.0.2", session_key=alive.session_key, user_agent="B")
    party = users["editor"].memberships.get().party
    long_ago = timezone.now() - timedelta(days=120)
    old = {"collaboration": collaboration, "party": party, "expires_at": long_ago}
    InvitationFactory(email="utgangen@example.se", token_hash="1" * 64, **old)
    InvitationFactory(email="aterkallad@example.se", token_hash="2" * 64, revoked_at=long_ago, **old)
    InvitationFactory(email="antagen@example.se", token_hash="3" * 64, accepted_at=long_ago, **old)
    InvitationFactory(
        email="ny@example.se",
        token_hash="4" * 64,
        collaboration=collaboration,
        party=party,
        expires_at=timezone.now() - timedelta(days=3),
    )

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)

    assert {r.username for r in AccessAttempt.objects.all()} == {"ny@example.se"}
    assert AccessLog.objects.filter(username="gammal@example.se").count() == 0
    assert AccessFailureLog.objects.filter(username="ny@example.se").count() == 1
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=alive.session_key).exists()
    assert list(UserSession.objects.values_list("ip", flat=True)) == ["10.0.0.2"]
    assert set(Invitation.objects.values_list("email", flat=True)) == {"antagen@example.se", "ny@example.se"}
    printed = out.getvalue()
    assert re.search(r"\b3\s+login records older than 90 days", printed)
    assert re.search(r"\b2\s+expired or revoked invitations older than 90 days", printed)
    assert re.search(r"\b1\s+expired sessions", printed)


def test_a_second_member_of_a_collaboration_does_not_see_the_deleted_address(client, people):
    collaboration, users = people
    bo = users["editor"]
    email = bo.email
    add_member(collaboration, role=Role.READER, name="Dag Dahl")
    personal_data.delete_account(bo, confirm_email=email)
    client.force_login(users["coordinator"])
    page = client.get(reverse("projects:people", args=[collaboration.pk])).content.decode()
    assert email not in page and "Bo Berg" not in page


@pytest.mark.parametrize(
    "value", ["", "x" * 30_000, "\u202eä\x00ö", "<script>alert(1)</script>", "'; DROP TABLE x; --", "None"]
)
def test_hostile_input_on_the_delete_form_deletes_nothing(client, people, value):
    collaboration, users = people
    bo = users["editor"]
    client.force_login(bo)
    response = client.post(reverse("personal_data:delete"), {"email": value, "password": value})
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
    bo.refresh_from_db()
    assert bo.is_active and bo.memberships.exists()


def test_the_name_is_replaced_in_a_collaboration_the_person_left_before(people):
    collaboration, users = people
    bo = users["editor"]
    former = make_collaboration(coordinator=users["coordinator"], title="Tidigare samverkan")
    membership = add_member(former, user=bo, role=Role.EDITOR)
    InvitationFactory(
        collaboration=former,
        party=membership.party,
        email=bo.email,
        token_hash="9" * 64,
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=bo,
    )
    membership.delete()
    Event.record(former, users["coordinator"], Event.Kind.MEMBER_REMOVED, "Bo Berg", bo.email)
    personal_data.delete_account(bo, confirm_email=bo.email)
    removed = Event.objects.get(collaboration=former, kind=Event.Kind.MEMBER_REMOVED)
    assert (removed.subject, removed.detail) == (DELETED, DELETED)
    assert Invitation.objects.get(collaboration=former).email == f"borttagen-{bo.pk}@invalid"


def test_a_locked_protocol_keeps_the_participant_names(people):
    from projects.meetings.views import render_meeting_html

    collaboration, users = people
    bo = users["editor"]
    start = timezone.now()
    meeting = MeetingFactory(
        collaboration=collaboration,
        title="Styrgruppsmöte",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        minutes="Vi bestämde oss.",
        minutes_locked_at=start,
    )
    MeetingParticipantFactory(
        meeting=meeting, party=bo.memberships.get().party, user=bo, name="Bo Berg", approved_minutes_at=start
    )
    before = render_meeting_html(collaboration, meeting)
    personal_data.delete_account(bo, confirm_email=bo.email)
    after = render_meeting_html(collaboration, meeting)
    assert "Bo Berg" in before and "Bo Berg" in after and DELETED not in after


# Organisations ------------------------------------------------------------------------------------


def _bo_in_organisations(users):
    """Bo administers Föreningen Gemenskap (with Cecilia), accepted Dora's request to join it, invited
    Erik to it, asked to join Stiftelsen Solsken and claimed it; Cecilia changed his role once."""
    from projects.organisations import services

    bo, cecilia = users["editor"], users["reader"]
    forening = bo.memberships.get().party.organisation
    solsken = OrganisationFactory(name="Stiftelsen Solsken", sector="stiftelse")
    dora = make_user("Dora Dahl")
    join_organisation(dora, solsken)  # its administrator
    asked = services.request_to_join(forening, user=dora, message="Doras egen hälsning")
    services.answer_join_request(asked, user=bo, accept=True)
    services.invite_member(forening, user=bo, email="erik.inbjuden@example.se")
    services.request_to_join(solsken, user=bo, message="Jag vill hjälpa till med läxhjälpen")
    services.claim(solsken, user=bo, position="Kassör", reason="Jag skötte stiftelsens ekonomi förut")
    services.record(forening, cecilia, "member.role", "Bo Berg", "Medlem → Administratör")
    return forening, solsken, dora


def test_collect_has_the_persons_organisations_and_not_other_peoples_texts(people):
    collaboration, users = people
    bo = users["editor"]
    forening, solsken, dora = _bo_in_organisations(users)
    data = personal_data.collect(bo)
    orgs = data["organisations"]
    assert orgs["memberships"] == [
        {"organisation": "Föreningen Gemenskap", "role": "admin", "joined_via": "staff", "since": ANY}
    ]
    assert orgs["join_requests"] == [
        {
            "organisation": "Stiftelsen Solsken",
            "message": "Jag vill hjälpa till med läxhjälpen",
            "sent_at": ANY,
            "answered_at": None,
            "accepted": None,
        }
    ]
    assert orgs["join_requests_answered"] == [
        {"organisation": "Föreningen Gemenskap", "answered_at": ANY, "accepted": True}
    ]
    [claim] = orgs["claims"]
    assert (claim["organisation"], claim["position"], claim["reason"]) == (
        "Stiftelsen Solsken",
        "Kassör",
        "Jag skötte stiftelsens ekonomi förut",
    )
    assert orgs["invitations_sent"][0]["organisation"] == "Föreningen Gemenskap"
    kinds = {(e["organisation"], e["kind"]) for e in orgs["history"]}
    assert {
        ("Föreningen Gemenskap", "request.accepted"),
        ("Föreningen Gemenskap", "invitation.sent"),
        ("Stiftelsen Solsken", "request.sent"),
        ("Stiftelsen Solsken", "claim.sent"),
    } <= kinds
    assert ("Föreningen Gemenskap", "member.role") not in kinds  # Cecilia's entry, not his
    text = json.dumps(data, ensure_ascii=False)
    for other in ("Dora", "Doras egen hälsning", "erik.inbjuden@example.se", "Cecilia", dora.email):
        assert other not in text
    json.loads(text)


def test_the_only_administrator_of_an_organisation_with_members_is_refused(client, people):
    collaboration, users = people
    bo, cecilia = users["editor"], users["reader"]
    forening = bo.memberships.get().party.organisation
    OrganisationMember.objects.filter(user=cecilia).update(role=OrgRole.MEMBER)  # Bo the only administrator
    message = (
        "Du är den enda administratören för Föreningen Gemenskap. Gör någon annan till administratör där först "
        "(under Medlemmar), sedan kan du radera ditt konto."
    )
    with pytest.raises(AccountDeletionRefused) as refused:
        personal_data.delete_account(bo, confirm_email=bo.email)
    assert refused.value.message == message and refused.value.organisations == [forening]
    bo.refresh_from_db()
    assert bo.is_active and bo.full_name == "Bo Berg"
    assert OrganisationMember.objects.filter(user=bo, organisation=forening, role=OrgRole.ADMIN).exists()
    assert not OrganisationEvent.objects.filter(kind="member.left").exists()
    # The page says so, and nothing changes.
    client.force_login(bo)
    response = client.post(reverse("personal_data:delete"), {"email": bo.email, "password": PASSWORD})
    assert response.status_code == 400 and message in response.content.decode()
    bo.refresh_from_db()
    assert bo.is_active
    # The last coordinator of a collaboration who is also the last administrator hears both.
    anna = users["coordinator"]
    add_member(collaboration, role=Role.READER, party=anna.memberships.get().party, name="Dag Dahl")
    with pytest.raises(AccountDeletionRefused) as refused:
        personal_data.delete_account(anna, confirm_email=anna.email)
    assert "Du är den enda samordnaren i" in refused.value.message
    assert "Du är den enda administratören för Exempelkommun." in refused.value.message
    # Once Cecilia administers the association too, Bo's account goes.
    OrganisationMember.objects.filter(user=cecilia).update(role=OrgRole.ADMIN)
    personal_data.delete_account(bo, confirm_email=bo.email)
    assert list(OrganisationMember.objects.filter(organisation=forening).values_list("user", "role")) == [
        (cecilia.pk, OrgRole.ADMIN)
    ]


def test_deletion_leaves_the_organisations_and_takes_the_name_out_of_their_history(people):
    from projects.organisations import services

    collaboration, users = people
    bo = users["editor"]
    email = bo.email
    forening, solsken, _dora = _bo_in_organisations(users)
    gnistan = OrganisationFactory(name="Föreningen Gnistan", sector="ideell_forening")
    join_organisation(make_user("Gun Gnista"), gnistan)  # its administrator
    answered = services.request_to_join(gnistan, user=bo, message="Får jag vara med?")
    services.answer_join_request(answered, user=gnistan.members.get().user, accept=False)
    services.invite_member(gnistan, user=gnistan.members.get().user, email=email)  # not accepted
    assert OrganisationEvent.objects.filter(actor=bo, actor_name="Bo Berg").count() >= 4

    personal_data.delete_account(bo, confirm_email=email)

    assert not OrganisationMember.objects.filter(user=bo).exists()
    # His open request and claim go; the answered request stays (the organisation's record).
    assert list(JoinRequest.objects.filter(user=bo).values_list("organisation", flat=True)) == [gnistan.pk]
    assert not OrganisationClaim.objects.filter(user=bo).exists()
    assert not OrganisationInvitation.objects.filter(email__iexact=email).exists()
    # Left the one organisation he was a member of, shown without his name.
    left = OrganisationEvent.objects.get(kind="member.left")
    assert (left.organisation, left.subject, left.detail) == (forening, DELETED, "Kontot raderat")
    assert left.actor == bo and left.actor_name == DELETED
    # No entry of any organisation's history keeps his name or address, whoever recorded it.
    assert not OrganisationEvent.objects.filter(actor=bo).exclude(pk=left.pk).exclude(actor_name="").exists()
    for event in OrganisationEvent.objects.all():
        shown = f"{event.actor_name} {event.subject} {event.detail}"
        assert "Bo Berg" not in shown and email not in shown, (event.kind, shown)
    role = OrganisationEvent.objects.get(organisation=forening, kind="member.role", actor=users["reader"])
    assert role.subject == DELETED and role.actor_name == "Cecilia Carlsson"
    asked = OrganisationEvent.objects.get(organisation=solsken, kind="request.sent")
    assert asked.subject == DELETED
    invited = OrganisationEvent.objects.get(organisation=gnistan, kind="invitation.sent")
    assert invited.subject == DELETED
    # Other people's entries are left as they were.
    assert OrganisationEvent.objects.get(organisation=forening, kind="request.accepted").subject == "Dora Dahl"


def test_privacy_page_tells_about_organisations(client):
    text = client.get(reverse("personal_data:privacy")).content.decode()
    assert text.count("Organisationer du är med i: din roll och sedan när") == 2  # the table, and for phones
    assert "ser organisationens medlemmar att du är med" in text


def test_the_only_coordinator_of_a_party_with_colleagues_cannot_delete_the_account():
    """The last-coordinator rule holds per party: Exempelkommun keeps a coordinator of its own even
    though Föreningen Gemenskap has one."""
    from projects.core.models import Membership, Role
    from tests.factories import add_member, collaboration_with_people, make_user

    collaboration, users = collaboration_with_people()
    bo = users["editor"]
    Membership.objects.filter(user=bo).update(role=Role.COORDINATOR)
    anna = users["coordinator"]
    add_member(collaboration, user=make_user("David Dahl"), role=Role.EDITOR, party=anna.memberships.get().party)
    with pytest.raises(personal_data.AccountDeletionRefused) as refused:
        personal_data.delete_account(anna, confirm_email=anna.email)
    assert "den enda samordnaren för din organisation" in refused.value.message
    assert Membership.objects.filter(user=anna).exists()


def _stored(texts):
    """Event.texts as one string, each name as written (not escaped)."""
    return json.dumps(texts, ensure_ascii=False)


@pytest.mark.parametrize("name", ["Bo Berg", "Åsa Öberg"])  # the second is escaped in the stored JSON
def test_deleting_an_account_takes_the_name_out_of_the_events_texts_too(people, name):
    """Event.texts keeps an event's text as data (shown in the reader's language): the name and the
    address go out of it as out of subject and detail, wherever they stand in it."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from projects.core.models import EventText

    collaboration, users = people
    bo = users["editor"]
    bo.full_name = name
    bo.save(update_fields=["full_name"])
    anna = users["coordinator"]
    Event.record(
        collaboration,
        anna,
        Event.Kind.MEETING_CHANGED,
        "Styrgruppen",
        EventText(
            gettext_noop("Protokollet ändrat (version %(n)d); justeringar återkallade: %(names)s"),
            n=2,
            names=f"{name}, Anna Andersson",
        ),
    )
    Event.record(
        collaboration,
        anna,
        Event.Kind.AGREEMENT_SECTIONS,
        EventText(gettext_noop("%(status)s"), status=EventText(gettext_noop("Diskuteras"))),
        EventText(gettext_noop("lämnas utan text: %(reason)s"), reason=f"{name.upper()} ({bo.email}) skriver det"),
    )
    assert Event.objects.filter(collaboration=collaboration).exclude(texts={}).count() == 2
    personal_data.delete_account(bo, confirm_email=bo.email)

    events = list(Event.objects.filter(collaboration=collaboration).exclude(texts={}))
    assert events and all(name.lower() not in _stored(event.texts).lower() for event in events)
    assert all("@" not in _stored(event.texts) for event in events)
    changed = Event.objects.get(collaboration=collaboration, kind=Event.Kind.MEETING_CHANGED)
    assert changed.texts["detail"]["params"]["names"] == f"{DELETED}, Anna Andersson"
    assert changed.detail == f"Protokollet ändrat (version 2); justeringar återkallade: {DELETED}, Anna Andersson"
    section = Event.objects.get(collaboration=collaboration, kind=Event.Kind.AGREEMENT_SECTIONS)
    assert section.texts["detail"]["params"]["reason"] == f"{DELETED} ({DELETED}) skriver det"
    assert section.texts["subject"] == {"msgid": "%(status)s", "params": {"status": {"msgid": "Diskuteras"}}}
    with translation.override("en"):  # still shown in the reader's language, with the name replaced
        assert section.shown_subject() == "Under discussion"
        assert DELETED in changed.shown_detail() and name not in changed.shown_detail()


def test_the_entry_for_a_deleted_account_is_shown_in_the_readers_language(people):
    from django.utils import translation

    collaboration, users = people
    bo = users["editor"]
    personal_data.delete_account(bo, confirm_email=bo.email)
    removed = Event.objects.filter(collaboration=collaboration, kind=Event.Kind.MEMBER_REMOVED).latest("pk")
    assert (removed.subject, removed.detail) == (DELETED, "Kontot raderat")
    assert removed.texts == {"subject": {"msgid": DELETED}, "detail": {"msgid": "Kontot raderat"}}
    with translation.override("en"):
        assert (removed.shown_subject(), removed.shown_detail()) == ("Deleted user", "Account deleted")
