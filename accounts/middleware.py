"""Session lifetime: an inactivity timeout and an absolute lifetime (issue 8).

A logged-in session ends after ``SESSION_IDLE_MINUTES`` without activity, and ``SESSION_MAX_HOURS`` after
the login whatever happens in between. The times are kept in the session itself (so every app server
agrees without a shared cache), as whole seconds since the epoch.

What counts as activity: every request, except GETs to the URLs that pages ask by themselves on a timer
(``PASSIVE_URL_NAMES``: the checklist's "changes by others" poll every 10 s and the PDF export's status
poll, found with ``grep 'hx-trigger="every'``). Those still end an expired session (so an open page goes
to the login page), but never keep one alive. The activity time is written at most once a minute, so a
burst of requests does not write the session on each one.

An expired session is logged out *before* the view runs: the view then sees an anonymous request and
does what it does for one. ``login_required`` views redirect to the login page; the checklist's autosave
keeps the posted text in the new (anonymous) session and shows it again after the login. An HTMX request
gets ``HX-Redirect`` to the login page with ``next`` set to the page the person was on.
"""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from samverkan.safe_urls import same_site_path

SESSION_KEY = "_lifetime"  # {"user": pk, "start": seconds, "seen": seconds}
WRITE_EVERY = 60  # seconds
PASSIVE_URL_NAMES = frozenset({"projects:checklist_changes", "projects:agreement_export", "health"})


def stamp_login(sender, request, user, **kwargs):
    """At login the clock starts: stored with the session the login saves anyway, so the first request
    after it writes nothing (connected in ``AccountsConfig.ready``)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_KEY] = {"user": user.pk, "start": now, "seen": now}


def is_htmx(request):
    # django_htmx's middleware, which sets request.htmx, comes after this one.
    return request.headers.get("HX-Request") == "true"


def is_passive(request):
    """A request a page makes by itself on a timer, not something the person did."""
    if request.method not in ("GET", "HEAD"):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.view_name in PASSIVE_URL_NAMES


def last_seen(session):
    """When the session was last used by its person (seconds since the epoch), or None."""
    stamp = session.get(SESSION_KEY)
    return stamp.get("seen") if isinstance(stamp, dict) else None


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        reason = self._check(request, user)
        if reason is None:
            return self.get_response(request)
        return self._expire(request, reason)

    def _check(self, request, user):
        """None while the session is alive (recording activity), else a message on why it ended."""
        now = int(time.time())
        stamp = request.session.get(SESSION_KEY)
        if not isinstance(stamp, dict) or stamp.get("user") != user.pk:
            request.session[SESSION_KEY] = {"user": user.pk, "start": now, "seen": now}
            return None
        start, seen = stamp.get("start", now), stamp.get("seen", now)
        max_hours, idle_minutes = settings.SESSION_MAX_HOURS, settings.SESSION_IDLE_MINUTES
        if now - start >= max_hours * 3600:
            return ngettext(
                "Du loggades ut efter %(count)d timme. Logga in igen för att fortsätta.",
                "Du loggades ut efter %(count)d timmar. Logga in igen för att fortsätta.",
                max_hours,
            ) % {"count": max_hours}
        if now - seen >= idle_minutes * 60:
            return ngettext(
                "Du loggades ut efter %(count)d minut utan aktivitet. Logga in igen för att fortsätta.",
                "Du loggades ut efter %(count)d minuter utan aktivitet. Logga in igen för att fortsätta.",
                idle_minutes,
            ) % {"count": idle_minutes}
        if now - seen >= WRITE_EVERY and not is_passive(request):
            request.session[SESSION_KEY] = {**stamp, "seen": now}
            self._record_last_seen(request)
        return None

    def _record_last_seen(self, request):
        """The "last used" time of the list of logged-in devices (allauth.usersessions)."""
        from allauth.usersessions.models import UserSession
        from django.utils import timezone

        if request.session.session_key:
            UserSession.objects.filter(session_key=request.session.session_key).update(last_seen_at=timezone.now())

    def _expire(self, request, reason):
        logout(request)  # flushes the session: a new, anonymous one follows the request
        messages.warning(request, reason)
        htmx = is_htmx(request)
        if htmx and request.method in ("GET", "HEAD"):
            return HttpResponseClientRedirect(login_url(current_page(request)))
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or htmx:
            response = _back_to_the_page(request, response)
        return response


def current_page(request):
    """The page the person was on: for HTMX the page in the address bar, for a form post the page it was
    posted from (when it is this site's), otherwise the requested URL."""
    for url in (request.headers.get("HX-Current-URL"), request.headers.get("Referer")):
        if path := same_site_path(request, url):
            return path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return None


def login_url(next_url):
    url = resolve_url(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _back_to_the_page(request, response):
    """A view that sent an expired POST (or HTMX request) to the login page with itself as ``next``
    sends it back to the page it came from instead: after the login, a POST-only URL would answer 405."""
    if response.status_code not in (301, 302, 303, 307, 308) and not response.has_header("HX-Redirect"):
        return response
    location = response.get("HX-Redirect") or response.get("Location", "")
    parts = urlsplit(location)
    if parts.path != resolve_url(settings.LOGIN_URL):
        return response
    next_url = dict(parse_qsl(parts.query)).get("next")
    if next_url == request.path or next_url == request.get_full_path() or next_url is None:
        next_url = current_page(request) or next_url
    target = login_url(next_url)
    if is_htmx(request):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
