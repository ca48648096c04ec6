"""Notices by e-mail: recording them (once per person and key), sending them at once as background
tasks or gathered in a digest, retrying what the mail server refused, the reminders before a deadline,
and each person's choices (language, how often per kind, muted collaborations, unsubscribing).

A feature tells people what happened by calling ``notify`` from its own service, inside its
transaction: the notices are rows first, and the e-mail goes out after the commit. Nothing here knows
what an agreement or a meeting is; the deadlines for reminders are read in ``deadlines.py``.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.notifications.models import Frequency, Kind, Notice, Profile

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "projects.notifications.unsubscribe"
ALL_KINDS = "all"
MAX_ATTEMPTS = 10  # 1, 2, 4 … minutes apart, at most 6 hours: about two days of trying
STUCK_AFTER = timedelta(minutes=30)  # a notice "being sent" this long: the worker died; send it again
DIGEST_HOUR = 7  # the daily and weekly digests go out from this hour (local time); weekly on Mondays


# Choices ---------------------------------------------------------------------------------------


def profile_for(user, *, create=True):
    """The person's choices; without ``create``, the defaults unsaved when they have chosen nothing."""
    if not create:
        return Profile.objects.filter(user=user).first() or Profile(user=user)
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def profiles_for(user_ids):
    """{user_id: Profile} for these people, made for those who have none (two statements)."""
    user_ids = set(user_ids)
    existing = {p.user_id: p for p in Profile.objects.filter(user_id__in=user_ids)}
    missing = [Profile(user_id=pk) for pk in user_ids - set(existing)]
    if missing:
        Profile.objects.bulk_create(missing, ignore_conflicts=True)
        existing |= {p.user_id: p for p in Profile.objects.filter(user_id__in=user_ids - set(existing))}
    return existing


@transaction.atomic
def save_settings(user, *, language, frequencies, muted):
    profile = Profile.objects.select_for_update().get(pk=profile_for(user).pk)
    profile.language = language
    profile.frequencies = {kind: value for kind, value in frequencies.items() if kind in Kind.values}
    profile.save(update_fields=["language", "frequencies"])
    profile.muted.set(muted)
    return profile


# Unsubscribing (RFC 8058) ----------------------------------------------------------------------


def unsubscribe_token(user, kind):
    return signing.dumps([user.pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_path(user, kind):
    return reverse("projects:notice_unsubscribe", args=[unsubscribe_token(user, kind)])


class BadToken(Exception):
    def __init__(self, expired):
        super().__init__("expired" if expired else "bad signature")
        self.expired = expired


def read_token(token):
    """(user_id, kind) of a link; raises BadToken for a forged, damaged or expired one."""
    try:
        user_id, kind = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=settings.UNSUBSCRIBE_VALID_DAYS)
        )
    except signing.SignatureExpired as error:
        raise BadToken(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadToken(expired=False) from error
    if kind != ALL_KINDS and kind not in Kind.values and kind not in Frequency.values:
        raise BadToken(expired=False)
    return user_id, kind


@transaction.atomic
def unsubscribe(token):
    """Turn off what the link names: one kind, every kind sent in a digest of that frequency, or all.
    Returns the profile; idempotent."""
    user_id, kind = read_token(token)
    profile = Profile.objects.select_for_update().filter(user_id=user_id).first()
    if profile is None:
        from django.contrib.auth import get_user_model

        if not get_user_model().objects.filter(pk=user_id).exists():
            raise BadToken(expired=False)
        profile = Profile.objects.create(user_id=user_id)
    frequencies = {k: profile.frequency(k) for k in Kind.values}
    for name in frequencies:
        if kind in (ALL_KINDS, name) or frequencies[name] == kind:
            frequencies[name] = Frequency.OFF
    profile.frequencies = frequencies
    profile.save(update_fields=["frequencies"])
    return profile, kind


# Recording -------------------------------------------------------------------------------------


def notify(kind, users, *, collaboration, key, path, message, exclude=None):
    """Record a notice of ``kind`` for each of ``users`` (people, not ids), once per person and
    ``key``, and send those chosen "at once" after the transaction commits. ``message()`` returns
    (subject, body) and is called in each recipient's language. The one who acted (``exclude``), people
    who turned the kind off or muted the collaboration are skipped. Returns the notices recorded now
    (under a second run at the same moment, some of them may have been recorded by that run)."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if exclude is not None:
        recipients.pop(exclude.pk, None)
    if not recipients:
        return []
    profiles = profiles_for(recipients)
    muted = set()
    if collaboration is not None:
        muted = set(
            Profile.muted.through.objects.filter(
                collaboration_id=collaboration.pk, profile__user_id__in=recipients
            ).values_list("profile__user_id", flat=True)
        )
    texts = {}
    notices = []
    for user_id in sorted(recipients):
        profile = profiles[user_id]
        frequency = profile.frequency(kind)
        if frequency == Frequency.OFF or user_id in muted:
            continue
        if profile.language not in texts:
            with translation.override(profile.language):
                subject, body = message()
                texts[profile.language] = (str(subject)[:300], str(body)[:5000])
        subject, body = texts[profile.language]
        notices.append(
            Notice(
                user_id=user_id,
                kind=kind,
                key=f"{kind}:{key}"[:200],
                collaboration=collaboration,
                subject=subject,
                body=body,
                path=path,
                language=profile.language,
                digest="" if frequency == Frequency.NOW else frequency,
            )
        )
    if not notices:
        return []
    existing = set(
        Notice.objects.filter(user_id__in=[n.user_id for n in notices], key__in={n.key for n in notices}).values_list(
            "user_id", "key"
        )
    )
    notices = [n for n in notices if (n.user_id, n.key) not in existing]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    at_once = list(
        Notice.objects.filter(
            user_id__in=[n.user_id for n in notices],
            key__in={n.key for n in notices},
            digest="",
            status=Notice.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    if at_once:
        transaction.on_commit(lambda: enqueue(at_once))
    return notices


def enqueue(notice_ids):
    from projects.notifications.tasks import deliver_notice  # the tasks module imports this one

    for pk in notice_ids:
        try:
            deliver_notice.enqueue(pk)
        except Exception:  # the queue is down: the notice is kept, send_reminders sends it
            logger.exception("Could not enqueue notice %s", pk)


# Sending ---------------------------------------------------------------------------------------


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _email(user, language, subject, template, context, unsubscribe_kind):
    """One e-mail, text and HTML, in ``language``, with the RFC 8058 one-click unsubscribe headers."""
    unsubscribe = _absolute(unsubscribe_path(user, unsubscribe_kind))
    with translation.override(language):
        context = context | {
            "user": user,
            "site_url": settings.SITE_URL.rstrip("/"),
            "settings_url": _absolute(reverse("projects:notice_settings")),
            "unsubscribe_url": unsubscribe,
            "unsubscribe_kind": unsubscribe_kind,
        }
        text = render_to_string(f"projects/notifications/email/{template}.txt", context)
        html = render_to_string(f"projects/notifications/email/{template}.html", context)
    message_id = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)  # kept on the notice
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[user.email],
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email, message_id


def _backoff(attempts):
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _is_bounce(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return False


@dataclass
class Outcome:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _after_failure(notices, error, now):
    """What the server said no to: a bounce is marked on the person and not retried; anything else
    is tried again later (the notice is kept, the person's page shows it)."""
    reason = f"{type(error).__name__}: {error}"[:300]
    pks = [n.pk for n in notices]
    if _is_bounce(error):
        Notice.objects.filter(pk__in=pks).update(
            status=Notice.Status.FAILED, last_error=reason, claimed_at=None, batch=None
        )
        Profile.objects.filter(user_id__in={n.user_id for n in notices}).update(bounced_at=now, bounce_reason=reason)
        return Outcome(failed=len(pks))
    outcome = Outcome()
    for notice in notices:
        attempts = notice.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            fields = {"status": Notice.Status.FAILED, "next_attempt_at": None}
            outcome.failed += 1
        else:
            fields = {"status": Notice.Status.PENDING, "next_attempt_at": now + _backoff(attempts)}
            outcome.retried += 1
        Notice.objects.filter(pk=notice.pk).update(
            attempts=attempts, last_error=reason, claimed_at=None, batch=None, **fields
        )
    return outcome


def _send(email, connection):
    (connection or get_connection()).send_messages([email])


def deliver(notice_id, *, connection=None, now=None):
    """Send one notice now, if it is still waiting and nobody else took it (a retried task or a second
    worker finds it taken and does nothing). Returns an Outcome."""
    now = now or timezone.now()
    claimed = (
        Notice.objects.filter(pk=notice_id, status=Notice.Status.PENDING, digest="")
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Notice.Status.SENDING, claimed_at=now)
    )
    if not claimed:
        return Outcome()
    notice = Notice.objects.select_related("user__notice_profile").get(pk=notice_id)
    try:
        email, message_id = _email(
            notice.user,
            notice.language,
            notice.subject,
            "notice",
            {"notice": notice, "link": _absolute(notice.path)},
            notice.kind,
        )
        _send(email, connection)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Notice %s not sent: %s", notice_id, error)
        return _after_failure([notice], error, now)
    except Exception as error:  # not the server's doing (a bug): kept and tried again, not left "being sent"
        logger.exception("Notice %s not sent", notice_id)
        return _after_failure([notice], error, now)
    Notice.objects.filter(pk=notice_id).update(
        status=Notice.Status.SENT, sent_at=timezone.now(), message_id=message_id, claimed_at=None, last_error=""
    )
    profile = getattr(notice.user, "notice_profile", None)  # None for a person with no choices saved yet
    if profile is not None and profile.bounced_at:  # the address works again
        Profile.objects.filter(user_id=notice.user_id).update(bounced_at=None, bounce_reason="")
    return Outcome(sent=1)


def retry_due(now=None, *, connection=None):
    """Send what waits to be sent at once: notices whose next try has come, notices a lost task left
    behind, and notices a dead worker left "being sent". Returns an Outcome."""
    now = now or timezone.now()
    Notice.objects.filter(status=Notice.Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Notice.Status.PENDING, claimed_at=None, batch=None, next_attempt_at=now
    )
    due = Notice.objects.filter(status=Notice.Status.PENDING, digest="").filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - timedelta(minutes=5))
    )
    total = Outcome()
    for pk in due.values_list("pk", flat=True).order_by("pk").iterator():
        outcome = deliver(pk, connection=connection, now=now)
        total.sent += outcome.sent
        total.retried += outcome.retried
        total.failed += outcome.failed
    return total


# Digests ---------------------------------------------------------------------------------------


def _digest_due(frequency, now):
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return None
    if frequency == Frequency.DAILY:
        return local.date()
    if local.isoweekday() != 1:
        return None
    return local.date()


def send_digests(now=None, *, connection=None):
    """One e-mail per person and frequency with the notices gathered since the last one: daily from
    DIGEST_HOUR, weekly on Mondays from DIGEST_HOUR. A person's digest goes out once that day, whoever
    runs it (the profile's date is claimed with a conditional update). Returns an Outcome."""
    now = now or timezone.now()
    total = Outcome()
    for frequency, field in ((Frequency.DAILY, "last_daily_digest"), (Frequency.WEEKLY, "last_weekly_digest")):
        day = _digest_due(frequency, now)
        if day is None:
            continue
        waiting = (
            Notice.objects.filter(status=Notice.Status.PENDING, digest=frequency)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("user_id", flat=True)
            .distinct()
        )
        for user_id in sorted(set(waiting)):
            outcome = _send_digest(user_id, frequency, field, day, now, connection)
            total.sent += outcome.sent
            total.retried += outcome.retried
            total.failed += outcome.failed
    return total


def _send_digest(user_id, frequency, field, day, now, connection):
    profiles_for([user_id])
    claimed = (
        Profile.objects.filter(user_id=user_id)
        .filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": day}))
        .update(**{field: day})
    )
    if not claimed:
        return Outcome()
    batch = uuid.uuid4()
    Notice.objects.filter(user_id=user_id, status=Notice.Status.PENDING, digest=frequency).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(status=Notice.Status.SENDING, claimed_at=now, batch=batch)
    notices = list(Notice.objects.filter(batch=batch).select_related("user", "collaboration").order_by("created_at"))
    if not notices:
        return Outcome()
    user = notices[0].user
    language = Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first() or "sv"
    with translation.override(language):
        subject = _("Det här har hänt i dag") if frequency == Frequency.DAILY else _("Det här har hänt i veckan")
    items = [{"notice": n, "link": _absolute(n.path)} for n in notices]
    email, message_id = _email(user, language, subject, "digest", {"items": items, "frequency": frequency}, frequency)
    try:
        _send(email, connection)
    except (smtplib.SMTPException, OSError) as error:
        Profile.objects.filter(user_id=user_id).update(**{field: None})  # the digest is tried again next hour
        return _after_failure(notices, error, now)
    Notice.objects.filter(batch=batch).update(
        status=Notice.Status.SENT, sent_at=timezone.now(), message_id=message_id, claimed_at=None, last_error=""
    )
    return Outcome(sent=len(notices))


def bounced(user_ids):
    """Which of these people's addresses the mail server refused (until a later e-mail arrives)."""
    return set(Profile.objects.filter(user_id__in=user_ids, bounced_at__isnull=False).values_list("user_id", flat=True))


# The person's page -----------------------------------------------------------------------------


def recent(user, limit=50):
    return list(Notice.objects.filter(user=user).select_related("collaboration").order_by("-created_at", "-pk")[:limit])


def frequencies_of(profile):
    return {kind: profile.frequency(kind) for kind in Kind.values}


# Comments and mentions -------------------------------------------------------------------------


def mentioned(text, members):
    """The people among ``members`` that ``text`` names with @: "@Förnamn Efternamn", "@Förnamn"
    (when only one member has that first name) or "@adress" (the part of the e-mail address before
    @). Case does not matter. Only members are ever found, so a comment cannot reach an outsider."""
    lowered = text.casefold()
    if "@" not in lowered:
        return []
    first_names = {}
    for user in members:
        first_names.setdefault(user.get_short_name().casefold(), []).append(user)
    found = []
    for user in members:
        names = [user.get_full_name().casefold(), user.email.split("@")[0].casefold()]
        if len(first_names.get(user.get_short_name().casefold(), [])) == 1:
            names.append(user.get_short_name().casefold())
        for name in names:
            start = lowered.find("@" + name)
            end = start + 1 + len(name)
            if start >= 0 and (end == len(lowered) or not lowered[end].isalnum()):
                found.append(user)
                break
    return found


def notify_comment(*, collaboration, comment, writers, about, path, key):
    """A new comment: the people it mentions, and the people who wrote the answer or section it is on
    (``writers``), each once; never the comment's author, never someone outside the collaboration."""
    from projects.core.models import Membership

    members = [m.user for m in Membership.objects.filter(collaboration=collaboration).select_related("user")]
    member_ids = {user.pk for user in members}
    author = comment.author
    name = author.get_full_name() if author else ""
    excerpt = comment.text if len(comment.text) <= 500 else comment.text[:499] + "…"
    named = mentioned(comment.text, members)

    def mention_message():
        return (
            _("%(name)s nämner dig i en kommentar om %(about)s") % {"name": name, "about": about},
            _("%(name)s skrev:\n\n%(text)s") % {"name": name, "text": excerpt},
        )

    def comment_message():
        return (
            _("Ny kommentar om %(about)s") % {"about": about},
            _("%(name)s kommenterade något du har skrivit:\n\n%(text)s") % {"name": name, "text": excerpt},
        )

    notify(
        Kind.MENTION, named, collaboration=collaboration, key=key, path=path, message=mention_message, exclude=author
    )
    named_ids = {user.pk for user in named}
    others = [user for user in writers if user and user.pk in member_ids and user.pk not in named_ids]
    notify(
        Kind.COMMENT, others, collaboration=collaboration, key=key, path=path, message=comment_message, exclude=author
    )


def notify_added(membership, *, by=None):
    """Someone was made a member of a collaboration (not by their own hand)."""
    collaboration = membership.collaboration
    inviter = by.get_full_name() if by else ""

    def message():
        subject = _("Du är med i samverkan %(title)s") % {"title": collaboration.title}
        if inviter:
            body = _(
                "%(name)s har lagt till dig i samverkan %(title)s för %(party)s. Där ser du vad som väntar på dig."
            )
        else:
            body = _("Du har lagts till i samverkan %(title)s för %(party)s. Där ser du vad som väntar på dig.")
        return subject, body % {"name": inviter, "title": collaboration.title, "party": membership.party}

    return notify(
        Kind.ADDED,
        [membership.user],
        collaboration=collaboration,
        key=str(membership.pk),
        path=collaboration.get_absolute_url(),
        message=message,
        exclude=by,
    )
