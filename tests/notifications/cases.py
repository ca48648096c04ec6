"""Permission-matrix cases for the notices' URLs: a person's Aviseringar page (their own, whoever
they are) and the unsubscribe link (the signed link is the credential; no login)."""

from tests.matrix import LOGGED_IN, OK, TOKEN, Case, everyone


def _profiles(ctx):
    from projects.notifications.models import Profile

    return sorted(Profile.objects.values_list("user_id", "language", "frequencies"))


def _unsubscribe_link(ctx):
    from projects.notifications import services as notices
    from projects.notifications.models import Kind

    return {"token": notices.unsubscribe_token(ctx["users"]["reader"], Kind.MINUTES)}


def _reader_minutes(ctx):
    from projects.notifications import services as notices
    from projects.notifications.models import Kind

    return notices.profile_for(ctx["users"]["reader"]).frequency(Kind.MINUTES)


def _settings_post(ctx):
    from projects.notifications.models import Kind

    return {"language": "en", "muted": []} | {f"kind_{kind.value}": "daily" for kind in Kind}


ANYONE = dict.fromkeys(everyone(OK), OK)

CASES = {
    # Each person changes their own choices only (the effect: every profile's choices).
    "projects:notice_settings": Case(
        method="post", data=_settings_post, expect=everyone(OK), effect=_profiles, perm=LOGGED_IN
    ),
    # Whoever holds the link turns the reader's kind off, logged in or not. The GET only asks
    # (tests/notifications/test_smtp.py).
    "projects:notice_unsubscribe": Case(
        kwargs=_unsubscribe_link,
        method="post",
        expect=ANYONE,
        effect=_reader_minutes,
        perm=TOKEN,
    ),
}
