"""Two-factor login for a collaboration: what "satisfies" the requirement, and switching it.

A collaboration with ``require_mfa`` is shown only to members who *use* two-factor login, which
here means both:

1. the person has an active authenticator app (an allauth TOTP ``Authenticator``), and
2. this session proved it: allauth records every authentication step in the session
   (``get_authentication_records``); one with method ``"mfa"`` — the code at login, a recovery
   code at login, or a code given again on allauth's "confirm with your code" page — counts.
   Activating the app in this session counts too: the person has just typed a valid code
   (:func:`record_activation` adds that record, as allauth does not).

So a session opened with the password alone before the app was set up must confirm with a code
(``mfa_reauthenticate``), and a stolen password alone never opens such a collaboration.
Deactivating the app makes (1) false at once.

The check costs one query (the authenticator), only for collaborations that require it, once per
request (cached on the request).
"""

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from projects.core.models import Event, EventText, Membership

_CACHE_ATTR = "_samverkan_mfa_satisfied"

# Text a member without two-factor login posted to a collaboration that requires it: kept in the
# session and shown on the "two-factor login required" page, so that nothing written is lost.
UNSAVED_KEY = "samverkan_mfa_unsaved"
UNSAVED_MAX_ENTRIES = 20
UNSAVED_MAX_CHARS = 100_000
UNSAVED_MAX_AGE = 2 * 60 * 60  # seconds: as the checklist's stash, not shown to the next person
RETURN_KEY = "samverkan_mfa_return_to"


def has_totp(user) -> bool:
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_used_mfa(request) -> bool:
    """Whether this session's login (or a later confirmation) used a second factor."""
    records = get_authentication_records(request, request.user)
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


def mfa_satisfied(request) -> bool:
    """The person uses two-factor login in this session (see the module's docstring)."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        user = request.user
        # The session check first: it costs nothing, and without it the query is not needed.
        cached = bool(user.is_authenticated and session_used_mfa(request) and has_totp(user))
        setattr(request, _CACHE_ATTR, cached)
    return cached


def forget(request):
    """Drop the cached answer (after the person's authenticators changed in this request)."""
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)


def shut_out(request, collaboration) -> bool:
    """The collaboration requires two-factor login and this request does not satisfy it."""
    return collaboration.require_mfa and not mfa_satisfied(request)


def members_with_mfa(collaboration):
    """The collaboration's memberships (with user and party), each with ``uses_mfa`` set: one query."""
    totp = Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    return list(
        Membership.objects.filter(collaboration=collaboration)
        .select_related("user", "party__organisation")
        .annotate(uses_mfa=Exists(totp))
        .order_by("user__full_name", "pk")
    )


@transaction.atomic
def require(collaboration, *, request):
    """Switch the requirement on. The coordinator must use two-factor login themselves, or the
    first thing the requirement does is shut them out."""
    if not mfa_satisfied(request):
        raise ValidationError(
            _("Du måste själv använda tvåstegsinloggning innan du kan kräva den, annars stänger du ute dig själv.")
        )
    if collaboration.require_mfa:
        return False
    lacking = [m for m in members_with_mfa(collaboration) if not m.uses_mfa]
    collaboration.require_mfa = True
    collaboration.save(update_fields=["require_mfa"])
    Event.record(
        collaboration,
        request.user,
        Event.Kind.COLLABORATION_CHANGED,
        collaboration.title,
        # Kept as data and translated when shown (EventText has no plural forms: one msgid for each,
        # as Swedish and English both tell one from many).
        EventText(
            gettext_noop("Tvåstegsinloggning krävs nu (%(n)d medlem har inte ställt in den än)")
            if len(lacking) == 1
            else gettext_noop("Tvåstegsinloggning krävs nu (%(n)d medlemmar har inte ställt in den än)"),
            n=len(lacking),
        ),
    )
    return True


@transaction.atomic
def release(collaboration, *, user):
    """Switch the requirement off."""
    if not collaboration.require_mfa:
        return False
    collaboration.require_mfa = False
    collaboration.save(update_fields=["require_mfa"])
    Event.record(
        collaboration,
        user,
        Event.Kind.COLLABORATION_CHANGED,
        collaboration.title,
        EventText(gettext_noop("Tvåstegsinloggning krävs inte längre")),
    )
    return True


# Unsaved text ---------------------------------------------------------------------------------

_NOT_TEXT = {"csrfmiddlewaretoken", "confirm", "next"}


def keep_unsaved(request, collaboration):
    """Keep what a member wrote in a POST that was refused for lack of two-factor login.

    Only what reads like writing is kept (values with a space or longer than 20 characters): ids,
    versions and choices are not worth showing. Bounded like the checklist's stash."""
    texts = []
    for name, values in request.POST.lists():
        if name in _NOT_TEXT or name.endswith("version"):
            continue
        for value in values:
            value = value.strip()
            if value and (" " in value or len(value) > 20):
                texts.append(value[:UNSAVED_MAX_CHARS])
    if not texts:
        return
    stored = request.session.get(UNSAVED_KEY)
    entries = stored if isinstance(stored, list) else []
    now = int(time.time())
    entries.extend({"collaboration": collaboration.pk, "text": text, "at": now} for text in texts)
    while entries and (
        len(entries) > UNSAVED_MAX_ENTRIES or sum(len(e.get("text", "")) for e in entries) > UNSAVED_MAX_CHARS
    ):
        entries.pop(0)  # the oldest goes first
    request.session[UNSAVED_KEY] = entries


def unsaved_texts(request, collaboration):
    """The kept texts for this collaboration that are recent enough to show."""
    stored = request.session.get(UNSAVED_KEY)
    if not isinstance(stored, list):
        return []
    oldest = int(time.time()) - UNSAVED_MAX_AGE
    return [
        e["text"]
        for e in stored
        if isinstance(e, dict) and e.get("collaboration") == collaboration.pk and e.get("at", 0) >= oldest
    ]


def drop_unsaved(request, collaboration):
    stored = request.session.get(UNSAVED_KEY)
    if isinstance(stored, list):
        rest = [e for e in stored if isinstance(e, dict) and e.get("collaboration") != collaboration.pk]
        if rest:
            request.session[UNSAVED_KEY] = rest
        else:
            request.session.pop(UNSAVED_KEY, None)


# Activation counts as using it ----------------------------------------------------------------


@receiver(post_save, sender=Authenticator, dispatch_uid="samverkan_mfa_record_activation")
def record_activation(sender, instance, created, **kwargs):
    """Activating the authenticator app proves the person has it: record that in the session that
    did it, so that they open a collaboration requiring two-factor login without logging in again.

    allauth sends ``authenticator_added`` only on commit (and records nothing); ``post_save`` runs
    within the request that activates, for the person of that request only."""
    if not created or instance.type != Authenticator.Type.TOTP:
        return
    request = getattr(context, "request", None)
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False) or user.pk != instance.user_id:
        return
    record_authentication(request, user, "mfa", id=instance.pk, type=instance.type, activated=True)
    forget(request)
