"""Notices: recorded once per person and key, the person's choices, digests, retries, bounces,
unsubscribing, comments and mentions, minutes, reminders before a deadline."""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone

from guides.models import Item
from projects.checklists import services as checklists
from projects.core.models import Role
from projects.meetings import services as meetings
from projects.notifications import services as notices
from projects.notifications.models import Frequency, Kind, Notice, Profile
from tests.factories import (
    AnswerFactory,
    MeetingFactory,
    MeetingParticipantFactory,
    add_member,
    collaboration_with_people,
    make_collaboration,
    make_user,
)

pytestmark = pytest.mark.django_db


def _section(collaboration, **fields):
    """One of the collaboration's checklist sections that has questions, with ``fields`` set."""
    questions = Item.objects.current().filter(kind=Item.Kind.QUESTION)
    cs = collaboration.checklist_sections.filter(section__in=questions.values("section")).order_by("pk").first()
    for name, value in fields.items():
        setattr(cs, name, value)
    cs.save()
    return cs


def _message():
    return "Ämne", "Brödtext"


def _notify(users, collaboration, key="k1", kind=Kind.FROZEN, **extra):
    return notices.notify(
        kind,
        users,
        collaboration=collaboration,
        key=key,
        path=collaboration.get_absolute_url(),
        message=_message,
        **extra,
    )


def test_a_notice_is_recorded_and_sent_once_per_person_and_key(people, django_capture_on_commit_callbacks):
    collaboration, who = people
    with django_capture_on_commit_callbacks(execute=True):
        _notify([who["editor"], who["reader"]], collaboration)
        _notify([who["editor"], who["reader"]], collaboration)  # the same again: a retried caller
    assert Notice.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([who["editor"].email, who["reader"].email])
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.SENT}
    # A second delivery of a sent notice (a retried task) sends nothing.
    for notice in Notice.objects.all():
        assert notices.deliver(notice.pk).sent == 0
    assert len(mail.outbox) == 2


def test_the_one_who_acted_and_people_who_turned_it_off_or_muted_are_skipped(people):
    collaboration, who = people
    notices.save_settings(who["reader"], language="sv", frequencies={Kind.FROZEN: Frequency.OFF}, muted=[])
    muter = add_member(collaboration, role=Role.EDITOR, name="Dag Dahl").user
    notices.save_settings(muter, language="sv", frequencies={}, muted=[collaboration])
    recorded = _notify(
        [who["coordinator"], who["editor"], who["reader"], muter], collaboration, exclude=who["coordinator"]
    )
    assert [n.user for n in recorded] == [who["editor"]]


def test_the_notice_is_written_in_the_recipients_language(people, django_capture_on_commit_callbacks):
    collaboration, who = people
    notices.save_settings(who["editor"], language="en", frequencies={}, muted=[])

    def message():
        from django.utils.translation import gettext

        return gettext("Dina val för aviseringar är sparade."), "x"

    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(
            Kind.FROZEN,
            [who["editor"], who["reader"]],
            collaboration=collaboration,
            key="lang",
            path="/",
            message=message,
        )
    by_person = {m.to[0]: m for m in mail.outbox}
    english, swedish = by_person[who["editor"].email], by_person[who["reader"].email]
    assert english.extra_headers["Content-Language"] == "en" and "notifications" in english.subject
    assert swedish.extra_headers["Content-Language"] == "sv" and "aviseringar" in swedish.subject
    assert "Hello" in english.body or "Hi" in english.body
    assert swedish.body.startswith("Hej Cecilia Carlsson!")


def test_every_email_has_one_click_unsubscribe_headers_and_both_parts(people, django_capture_on_commit_callbacks):
    collaboration, who = people
    with django_capture_on_commit_callbacks(execute=True):
        _notify([who["editor"]], collaboration)
    (message,) = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http") and "/aviseringar/avsluta/" in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == Notice.objects.get().message_id
    assert [kind for _content, kind in message.alternatives] == ["text/html"]
    assert collaboration.get_absolute_url() in message.body


def test_digest_gathers_the_days_notices_in_one_email_once(people):
    collaboration, who = people
    notices.save_settings(who["editor"], language="sv", frequencies={Kind.FROZEN: Frequency.DAILY}, muted=[])
    _notify([who["editor"]], collaboration, key="a")
    _notify([who["editor"]], collaboration, key="b")
    assert mail.outbox == []  # nothing at once
    morning = timezone.make_aware(timezone.datetime(2026, 12, 3, 8, 0))
    assert notices.send_digests(morning).sent == 2
    assert notices.send_digests(morning + timedelta(minutes=30)).sent == 0  # the hourly run again: nothing
    (digest,) = mail.outbox
    assert digest.to == [who["editor"].email] and digest.body.count("Ämne") == 2
    # A notice after the digest waits for tomorrow's.
    _notify([who["editor"]], collaboration, key="c")
    assert notices.send_digests(morning + timedelta(hours=3)).sent == 0
    assert notices.send_digests(morning + timedelta(days=1)).sent == 1


def test_digest_before_seven_and_weekly_on_other_days_wait(people):
    collaboration, who = people
    notices.save_settings(who["editor"], language="sv", frequencies={Kind.FROZEN: Frequency.WEEKLY}, muted=[])
    _notify([who["editor"]], collaboration)
    thursday = timezone.make_aware(timezone.datetime(2026, 12, 3, 9, 0))
    monday_early = timezone.make_aware(timezone.datetime(2026, 12, 7, 6, 0))
    assert notices.send_digests(thursday).sent == 0
    assert notices.send_digests(monday_early).sent == 0
    assert notices.send_digests(monday_early + timedelta(hours=2)).sent == 1


class _Refusing:
    """A connection whose server says no."""

    def __init__(self, error):
        self.error = error

    def send_messages(self, messages):
        raise self.error


def test_a_server_that_is_down_leaves_the_notice_kept_and_tried_again_later(people):
    collaboration, who = people
    (notice,) = _notify([who["editor"]], collaboration)
    notice = Notice.objects.get(user=who["editor"])
    now = timezone.now()
    outcome = notices.deliver(notice.pk, connection=_Refusing(ConnectionRefusedError("down")), now=now)
    assert outcome.retried == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING and notice.attempts == 1
    assert notice.next_attempt_at == now + timedelta(minutes=1) and "down" in notice.last_error
    # Not before its time; then sent.
    assert notices.retry_due(now + timedelta(seconds=30)).sent == 0
    assert notices.retry_due(now + timedelta(minutes=2)).sent == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and len(mail.outbox) == 1


def test_backoff_grows_and_gives_up_after_the_last_attempt(people):
    collaboration, who = people
    _notify([who["editor"]], collaboration)
    notice = Notice.objects.get()
    now = timezone.now()
    delays = []
    for _attempt in range(notices.MAX_ATTEMPTS):
        notices.deliver(notice.pk, connection=_Refusing(smtplib.SMTPServerDisconnected("gone")), now=now)
        notice.refresh_from_db()
        if notice.next_attempt_at:
            delays.append(notice.next_attempt_at - now)
            now = notice.next_attempt_at
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert notice.status == Notice.Status.FAILED and notice.attempts == notices.MAX_ATTEMPTS


def test_an_address_that_bounces_is_marked_and_not_retried(people):
    collaboration, who = people
    _notify([who["editor"]], collaboration)
    notice = Notice.objects.get()
    refused = smtplib.SMTPRecipientsRefused({who["editor"].email: (550, b"No such user")})
    assert notices.deliver(notice.pk, connection=_Refusing(refused)).failed == 1
    notice.refresh_from_db()
    profile = Profile.objects.get(user=who["editor"])
    assert notice.status == Notice.Status.FAILED and profile.bounced_at is not None
    assert "550" in profile.bounce_reason


def test_a_notice_left_being_sent_by_a_dead_worker_is_sent_again(people):
    collaboration, who = people
    _notify([who["editor"]], collaboration)
    now = timezone.now()
    Notice.objects.update(status=Notice.Status.SENDING, claimed_at=now - timedelta(hours=1))
    assert notices.retry_due(now).sent == 1


def test_unsubscribe_tokens(people):
    collaboration, who = people
    token = notices.unsubscribe_token(who["editor"], Kind.MINUTES)
    assert notices.read_token(token) == (who["editor"].pk, Kind.MINUTES)
    with pytest.raises(notices.BadToken) as forged:
        notices.read_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    assert not forged.value.expired
    old = signing.TimestampSigner(salt=notices.UNSUBSCRIBE_SALT)
    with pytest.raises(notices.BadToken):
        notices.read_token(old.sign("rubbish"))
    profile, kind = notices.unsubscribe(token)
    assert profile.frequency(Kind.MINUTES) == Frequency.OFF and profile.frequency(Kind.FROZEN) == Frequency.NOW


def test_an_expired_unsubscribe_link_is_refused(people, settings, monkeypatch):
    collaboration, who = people
    token = notices.unsubscribe_token(who["editor"], Kind.MINUTES)
    settings.UNSUBSCRIBE_VALID_DAYS = 30
    later = timezone.now().timestamp() + 31 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    with pytest.raises(notices.BadToken) as expired:
        notices.read_token(token)
    assert expired.value.expired


def test_mentions_find_members_by_name_first_name_or_address_and_nobody_else():
    collaboration, who = collaboration_with_people()
    outsider = make_user("Cecilia Ek", email="cecilia.ek@annan.se")
    members = [who["coordinator"], who["editor"], who["reader"]]
    assert notices.mentioned("Vad tycker @Bo Berg?", members) == [who["editor"]]
    assert notices.mentioned("@bo, kan du?", members) == [who["editor"]]
    assert notices.mentioned("hej @anna", members) == [who["coordinator"]]
    assert notices.mentioned("mejla anna@exempelkommun.se", members) == []
    assert notices.mentioned("@Boris", members) == []  # a prefix of another word is no mention
    assert outsider not in notices.mentioned("@Cecilia Ek", members)


def test_a_comment_tells_the_mentioned_and_the_answers_writers_never_an_outsider(django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    other_collaboration = make_collaboration(coordinator=make_user("Olle Olsson"), title="Annan samverkan")
    outsider = other_collaboration.memberships.get().user
    cs = _section(collaboration)
    item = cs.section.items.filter(kind=Item.Kind.QUESTION).first()
    AnswerFactory(collaboration=collaboration, item=item, text="Vårt svar", updated_by=who["editor"])
    membership = collaboration.memberships.get(user=who["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        checklists.add_comment(
            collaboration=collaboration, item=item, membership=membership, text="Håller du med, @Cecilia? @Olle Olsson"
        )
    kinds = dict(Notice.objects.values_list("user__email", "kind"))
    assert kinds == {who["reader"].email: Kind.MENTION, who["editor"].email: Kind.COMMENT}
    assert outsider.email not in kinds
    mention = Notice.objects.get(kind=Kind.MENTION)
    assert "Håller du med" in mention.body and mention.path.endswith(f"/fragor/{item.pk}/kommentarer/")


def test_minutes_waiting_for_approval_are_told_once_then_again_to_those_whose_approval_was_withdrawn(
    django_capture_on_commit_callbacks,
):
    collaboration, who = collaboration_with_people()
    meeting = MeetingFactory(collaboration=collaboration)
    for person in who.values():
        MeetingParticipantFactory(meeting=meeting, user=person, name=person.full_name)
    meetings.save_minutes(meeting, user=who["coordinator"], text="§ 1 Mötet öppnas", base_version=0)
    meetings.save_minutes(meeting, user=who["coordinator"], text="§ 1 Mötet öppnas.", base_version=1)
    assert sorted(Notice.objects.values_list("user__email", flat=True)) == sorted(
        [who["editor"].email, who["reader"].email]
    )
    meeting.refresh_from_db()
    meetings.approve_minutes(meeting, user=who["editor"], version=meeting.minutes_version)
    meetings.save_minutes(meeting, user=who["coordinator"], text="§ 1 Mötet öppnas kl 18.", base_version=2)
    again = Notice.objects.filter(key__endswith=":v3")
    assert list(again.values_list("user__email", flat=True)) == [who["editor"].email]


def test_send_reminders_sends_each_deadline_once_per_person(django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    today = timezone.localdate()
    cs = _section(collaboration, due_date=today + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
        call_command("send_reminders", stdout=StringIO())
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert reminded == sorted([who["coordinator"].email, who["editor"].email])  # the reader does not write
    assert all("Om 7 dagar" in m.subject and cs.section.title in m.subject for m in mail.outbox)


def test_reminders_skip_an_archived_collaboration_and_a_date_far_away(django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    today = timezone.localdate()
    _section(collaboration, due_date=today + timedelta(days=30))
    archived = make_collaboration(coordinator=make_user("Per Persson"), title="Gammal", archived=True)
    _section(archived, due_date=today)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    assert mail.outbox == []


def test_added_to_a_collaboration_by_someone_else_is_told(django_capture_on_commit_callbacks):
    collaboration, who = collaboration_with_people()
    membership = collaboration.memberships.get(user=who["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify_added(membership, by=who["coordinator"])
        notices.notify_added(membership, by=who["editor"])  # their own doing: nothing
    assert [m.to for m in mail.outbox] == [[who["editor"].email]]
    assert collaboration.title in mail.outbox[0].subject


def test_the_decision_round_tells_the_recorders_then_the_last_party_then_everyone(
    django_capture_on_commit_callbacks,
):
    from datetime import date

    from guides.models import CollaborationForm
    from projects.agreements import services as agreements

    collaboration, who = collaboration_with_people()
    agreement = agreements.create_agreement(
        collaboration, user=who["coordinator"], form=CollaborationForm.objects.get(slug="iop")
    )
    agreement.sections.filter(text="").update(text="Text för avsnittet.")
    with django_capture_on_commit_callbacks(execute=True):
        version = agreements.freeze(agreement, user=who["coordinator"], decide_by=date(2027, 1, 15))
    # Föreningen has no coordinator: its editor records its decision (the reader never does); the
    # kommun's coordinator froze it herself.
    (frozen,) = Notice.objects.filter(kind=Kind.FROZEN)
    assert frozen.user == who["editor"] and "15 januari 2027" in frozen.body and frozen.path.endswith("#decision")
    kommun = collaboration.memberships.get(user=who["coordinator"]).party
    forening = collaboration.memberships.get(user=who["editor"]).party
    decision = {"approved": True, "body": "Styrelsen", "decided_on": date(2026, 12, 1), "reference": "§ 4"}
    with django_capture_on_commit_callbacks(execute=True):
        agreements.record_decision(version, party=kommun, user=who["coordinator"], **decision)
    (missing,) = Notice.objects.filter(kind=Kind.MISSING)
    assert missing.user == who["editor"] and "Föreningen Gemenskap" in missing.subject
    with django_capture_on_commit_callbacks(execute=True):
        agreements.record_decision(version, party=forening, user=who["editor"], **decision)
    decided = Notice.objects.filter(kind=Kind.DECIDED)
    assert sorted(decided.values_list("user__email", flat=True)) == sorted(u.email for u in who.values())
    assert f"/overenskommelse/pdf/?version={version.number}" in decided.first().body
    assert {m.to[0] for m in mail.outbox} == {u.email for u in who.values()}


def test_a_forged_or_expired_unsubscribe_link_gets_a_clear_page_and_changes_nothing(
    people, client, settings, monkeypatch
):
    collaboration, who = people
    token = notices.unsubscribe_token(who["editor"], Kind.MINUTES)
    forged = client.post(f"/aviseringar/avsluta/{token[:-3]}xyz/")
    assert forged.status_code == 400
    assert "Länken för att avsluta meddelanden är inte hel eller har ändrats" in forged.content.decode()
    settings.UNSUBSCRIBE_VALID_DAYS = 30
    later = timezone.now().timestamp() + 31 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = client.get(f"/aviseringar/avsluta/{token}/")
    assert expired.status_code == 400 and "för gammal" in expired.content.decode()
    assert notices.profile_for(who["editor"]).frequency(Kind.MINUTES) == Frequency.NOW


def test_a_section_each_party_answers_reminds_only_the_parties_it_is_meant_for_that_are_not_done():
    from guides.models import Audience

    collaboration, who = collaboration_with_people()
    cs = (
        collaboration.checklist_sections.filter(answer_mode="per_party", section__audience=Audience.PUBLIC)
        .select_related("section")
        .first()
    )
    cs.due_date = timezone.localdate() + timedelta(days=3)
    cs.save()
    kommun = collaboration.memberships.get(user=who["coordinator"]).party
    call_command("send_reminders", stdout=StringIO())
    reminded = set(Notice.objects.filter(kind=Kind.DEADLINE).values_list("user__email", flat=True))
    assert reminded == {who["coordinator"].email}  # not the förening's editor: the section is not theirs
    for item in cs.section.items.filter(kind=Item.Kind.QUESTION):
        AnswerFactory(collaboration=collaboration, item=item, party=kommun, text="Klart", status="agreed")
    cs.due_date = timezone.localdate()
    cs.save()
    Notice.objects.all().delete()
    call_command("send_reminders", stdout=StringIO())
    assert not Notice.objects.filter(kind=Kind.DEADLINE).exists()  # the kommun is done: nobody is reminded
