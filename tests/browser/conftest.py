"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Run: ``.venv/bin/python -m pytest tests/browser`` (or ``-m browser``). Screenshots of every page are
written to ``test-artifacts/screenshots/<name>-<width>.png`` so that a person can look at them.

Every page opened through ``new_page`` (and the twin that ``check_page`` opens for a no-JavaScript
page) records Content Security Policy violations: ``check_page`` fails on any, and so does the end
of every test that opened pages, whichever page of the test caused it.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


# Playwright's sync API runs an asyncio event loop in this thread, and Django's ORM then refuses
# synchronous queries from the test ("You cannot call this from an async context"). The test code
# never runs concurrently with the loop, so this is the standard, safe workaround. It is set for
# the browser tests only: from the first of them (pytest-django runs them after the other database
# tests) to the end of the session, because the database flush after each one runs beside the loop.
@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class _OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share the test's in-memory
    SQLite connection (Django shares it with the server thread). Two requests at once on one
    connection mix their transactions: a page's poll or a session update beside a save that records
    its notices ended the save with "no such savepoint" (a 500, and every later browser test on that
    connection failed). Connections stay threaded (keep-alive works); only the application call is
    serialised. PostgreSQL gives each thread its own connection and is left as it is."""

    def set_app(self, application):
        from django.db import connection

        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            lock = threading.Lock()

            def one_at_a_time(environ, start_response):
                with lock:
                    return application(environ, start_response)

            return super().set_app(one_at_a_time)
        return super().set_app(application)


LiveServerThread.server_class = _OneRequestAtATimeOnSharedSQLite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOT_INSTALLED = "Debian's chromium is not installed: apt-get install chromium"

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marker
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(NOT_INSTALLED)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra is not installed
        pytest.skip(f"playwright is not installed ({exc}): pip install -e '.[test]'")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except PlaywrightError as exc:
        playwright.stop()
        pytest.skip(f"{NOT_INSTALLED} (playwright could not launch {CHROMIUM}: {exc.message.splitlines()[0]})")
    yield browser
    browser.close()
    playwright.stop()


# Runs in every document before its own scripts: each `securitypolicyviolation` (the browser blocked,
# or in report-only mode would block, a script, style, image, form target …) is kept in window.__csp
# and handed to Python through the binding, so that one on a page the test left is not lost.
_CSP_WATCH_JS = """(() => {
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const v = {directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI,
               source: e.sourceFile, line: e.lineNumber, sample: e.sample, page: document.location.href};
    window.__csp.push(v);
    if (window.__samverkanCsp) window.__samverkanCsp(v);
  });
})();"""


def watch_csp(context):
    """Record the Content Security Policy violations of every page of the context in context.csp_violations."""
    context.csp_violations = []
    context.expose_binding("__samverkanCsp", lambda source, violation: context.csp_violations.append(violation))
    context.add_init_script(_CSP_WATCH_JS)
    return context


def _describe_csp(violations):
    return "\n".join(
        f"- {v['directive']} blocked {v['blocked'] or '(inline)'} on {v['page']}"
        f" ({v['source'] or ''}:{v['line'] or ''} {v['sample'] or ''})".rstrip()
        for v in violations
    )


def check_csp(page, label):
    """Fail on any Content Security Policy violation in the page's context so far (this page's own,
    read from the page itself, and those of the pages before it)."""
    here = page.evaluate("() => window.__csp || []")
    seen = list(getattr(page.context, "csp_violations", []))
    violations = seen + [v for v in here if v not in seen]
    assert not violations, f"Content Security Policy violations up to {label} ({page.url}):\n" + _describe_csp(
        violations
    )


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (a context is one person: its own cookies). Content
    Security Policy violations on any of them fail the test."""
    contexts = []

    def open_page(viewport="desktop"):
        context = watch_csp(browser.new_context(viewport=VIEWPORTS[viewport], locale="sv-SE"))
        context.set_default_timeout(10_000)  # a loaded 2-core CI machine: 5 s timed out clicks (agreement flow)
        contexts.append(context)
        return context.new_page()

    yield open_page
    violations = [v for context in contexts for v in context.csp_violations]
    for context in contexts:
        context.close()
    assert not violations, "Content Security Policy violations in this test:\n" + _describe_csp(violations)


@pytest.fixture
def live(live_server, transactional_db):
    """The live server, with a database that its thread can see."""
    return live_server


def check_axe(page, label):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now and fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    lines = [f"axe found {results.violations_count} violation(s) on {label} ({page.url}):"]
    for violation in results.response["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            # A target is a CSS selector, or a list of selectors for a node inside an iframe/shadow root.
            target = " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.extend(f"       {line}" for line in (node.get("failureSummary") or "").splitlines())
    assert results.violations_count == 0, "\n".join(lines)
    return results


def screenshot(page, name):
    """Save the whole page as test-artifacts/screenshots/<name>-<width>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOT_DIR / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_FRAME = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
_RESCROLL_JS = (
    "async () => { const [x, y] = [scrollX, scrollY];"
    f" scrollTo(0, 0); await {_FRAME}; scrollTo(x, y); await {_FRAME}; }}"
)


# Elements whose right edge is where the page's horizontal scrolling ends: the cause of the overflow.
_OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right + window.scrollX;
    if (Math.abs(right - root.scrollWidth) <= 1 && culprits.length < 5) {
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text}"`);
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits};
}"""


def check_no_horizontal_scroll(page, label):
    """WCAG 1.4.10 Reflow: at phone width the page itself must not scroll sideways (a wide table may
    scroll inside its own .table-responsive box)."""
    overflow = page.evaluate(_OVERFLOW_JS)
    assert overflow is None, (
        f"{label} ({page.url}) scrolls sideways: the page is {overflow['scrollWidth']}px wide in a "
        f"{overflow['clientWidth']}px viewport; it ends at: " + "; ".join(overflow["culprits"])
    )


def _javascript_enabled(context):
    # Playwright keeps the context's options on its implementation object; there is no public getter.
    return getattr(context._impl_obj, "_options", {}).get("javaScriptEnabled", True) is not False


def check_page(page, name):
    """Screenshot the page and check it for Content Security Policy violations, with axe and for
    sideways scrolling, at the current viewport size.

    axe runs as script in the page, which a context without JavaScript refuses (the call never
    returns): there the same URL is opened, with the same cookies, in a context with JavaScript."""
    label = f"{name} at {page.viewport_size['width']}px"
    screenshot(page, name)
    if _javascript_enabled(page.context):
        check_csp(page, label)
        check_axe(page, label)
        check_no_horizontal_scroll(page, label)
        # The screenshot resizes the page and axe scrolls it while it checks contrast; afterwards
        # Chromium could keep a stale scroll offset for input, and the next click landed beside its
        # target (seen on the phone: a click on "Lägg till" hit the section around it). Scrolling away
        # and back makes the page and the input agree again.
        page.evaluate(_RESCROLL_JS)
        return
    context = watch_csp(
        page.context.browser.new_context(
            viewport=page.viewport_size, locale="sv-SE", storage_state=page.context.storage_state()
        )
    )
    try:
        twin = context.new_page()
        twin.goto(page.url)
        check_csp(twin, f"{label} (no-JS page, opened with JavaScript)")
        check_axe(twin, f"{label} (no-JS page, checked with JavaScript)")
        check_no_horizontal_scroll(twin, label)
    finally:
        context.close()


def logged_in_session(user, recently_authenticated=False):
    """The key of a new session logged in as ``user``. ``recently_authenticated``: as if the person had
    just typed their password, so that allauth does not ask for it again before the pages that need it
    (setting up two-factor login, the recovery codes)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if recently_authenticated:
        import time

        from allauth.account.internal.flows import login as allauth_login

        record = {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
        session[allauth_login.AUTHENTICATION_METHODS_SESSION_KEY] = [record]
        session[allauth_login._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return session.session_key


def log_in(page, live, user, recently_authenticated=False):
    """Plant a logged-in session cookie in the page's browser context (the login form itself is
    tested in test_invitation_flow.py); ``recently_authenticated``: see ``logged_in_session``."""
    from django.conf import settings

    session_key = logged_in_session(user, recently_authenticated)
    host = live.url.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "domain": host, "path": "/"}]
    )
