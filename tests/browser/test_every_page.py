"""Every page of the URLconf, at 1280 and 390 px, with axe (WCAG 2.0/2.1 A and AA), no sideways
scrolling on the phone, and the Content Security Policy — so that no page goes unchecked.

The pages come from the permission matrix (tests/test_permission_matrix.py): every URL pattern has a
case there, with the arguments built from the matrix's context (a collaboration with its people, its
checklists and answers, an agreement with revisions, meetings, goals, organisations …). Each URL is
first asked for with Django's test client, as the person who can see it (the matrix's first role that
gets it: the coordinator for a collaboration's pages, anonymous for a public page), in a savepoint
that is rolled back. What the answer is decides what happens to the URL:

- a whole HTML document (200, or an error page: 401, 404) is a page: it is crawled in the browser;
- an answer that is not HTML (a PDF, a spreadsheet, JSON, a calendar, JavaScript), a 405 to a URL the
  matrix POSTs to (an action, not a page) and a 204 (nothing to show) are skipped by those rules;
- anything else (a redirect, an HTML fragment for HTMX) must be listed in ``NOT_PAGES`` with the
  reason, or in ``FOLLOW`` (crawl where the redirect lands), else the test fails. A listed URL that
  has become a page fails too, so neither list can rot; and a new URL, which the matrix makes
  everyone give a case, is crawled without anyone adding it here.

The crawl itself: one browser context per person and width, one page each, axe injected into each
page after it loads. A violation fails the test unless ``KNOWN`` lists it (URL name → axe rule ids,
or ``horizontal-scroll`` / ``csp``) — and a listed violation that no longer occurs fails it too, so
that the list is emptied as pages are fixed. A page with a violation is screenshotted
(test-artifacts/screenshots/every-page-<name>-<width>.png); the others are not (too slow).
"""

import copy
import os
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from tests.browser.conftest import (
    _OVERFLOW_JS,
    AXE_TAGS,
    VIEWPORTS,
    log_in,
    logged_in_session,
    screenshot,
    watch_csp,
)
from tests.matrix import ADMIN_LOGIN, LOGIN, OK, url_for, url_patterns

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "every-page.txt"

# Who looks at a page, in the order tried: the first of them that the matrix lets in.
VIEWERS = ("coordinator", "editor", "reader", "outsider")
# Pages someone else must look at (the person the page is for).
VIEWER = {
    # Only someone without the app can set it up (everyone in the matrix has one: mfa_deactivate_totp's case).
    "mfa_activate_totp": "newcomer",
    # Only someone without a password can set one (everyone else is sent to "change password").
    "account_set_password": "newcomer",
}

ADMIN_REASON = (
    "the Django admin: for the people who run the service (staff), whom the app has no role for; "
    "its pages are Django's own (its login page, which everyone gets, is crawled)"
)
# URLs that answer the viewer with something that is not a page to check, and why.
NOT_PAGES = {
    "account_confirm_login_code": "login by code is not switched on: the URL sends everyone on",
    "konto/social/connections/": "allauth's old address: a permanent redirect to socialaccount_connections",
    "konto/social/login/cancelled/": "allauth's old address: a permanent redirect to socialaccount_login_cancelled",
    "konto/social/login/error/": "allauth's old address: a permanent redirect to socialaccount_login_error",
    "konto/social/signup/": "allauth's old address: a permanent redirect to socialaccount_signup",
    "socialaccount_signup": "only after a single sign-on provider sent someone new (tests/accounts/test_sso.py)",
    "mfa_authenticate": "only in the middle of logging in: the code form is checked in tests/browser/test_mfa.py",
    "mfa_reauthenticate": (
        "asks for a code again only when allauth wants proof: the crawl's people have just logged in, "
        "so it sends them on (the code form is the one of mfa_authenticate)"
    ),
    "projects:mfa_required": (
        "only when the collaboration requires two-factor login and the member has none: "
        "checked in tests/browser/test_mfa.py"
    ),
    "projects:agreement_redraft": "only once an agreement is locked for decision: crawled in DECIDED_PAGES",
    "projects:checklist_changes": "the checklist's poll for other people's changes (HTMX): nothing to show",
    "admin:logout": "logging out of the admin: a POST; a GET goes to the admin's start page",
    "favicon": "the favicon's old address: a redirect to the static file",
    "set_language": "the language switch: sets a cookie and goes back (a POST; a GET goes to the start page)",
}
# Pages that look different once the agreement is decided: crawled again, as "<name>@decided", in a
# second collaboration whose IOP both parties have decided (as its coordinator).
DECIDED_PAGES = [
    "projects:overview",
    "projects:agreement",
    "projects:agreement_print",
    "projects:agreement_compare",
    "projects:agreement_redraft",
    "projects:evaluation",
]
# URLs that redirect to the page to check, and why (the crawl checks where they land).
FOLLOW = {
    "account_reset_password_from_key": "allauth moves the key out of the address into the session, then shows the form",
}

# Violations known today, per width ("desktop", "phone"): URL name (with "@decided" for DECIDED_PAGES)
# → the axe rule ids, or "horizontal-scroll", "scroll-box-without-keyboard", "csp". Emptied as the
# pages are fixed: a violation not listed fails the test, and so does a listed one that no longer occurs.
KNOWN: dict[str, dict[str, set[str]]] = {"desktop": {}, "phone": {}}


def viewer(name, case):
    if name in VIEWER:
        return VIEWER[name]
    if case.expect["anonymous"] not in (LOGIN, ADMIN_LOGIN):
        return "anonymous"
    return next((role for role in VIEWERS if case.expect[role] == OK), "coordinator")


def _matrix():
    from tests.test_permission_matrix import MATRIX, PATTERNS

    return MATRIX, PATTERNS


# -- the world: the matrix's context and more ---------------------------------------------------------


def _world():
    """The permission matrix's context, plus what makes the lists and tables worth looking at:
    stakeholders, risks, a goal with an indicator and measurements, a meeting with minutes and a
    logged decision, a principle written, a map; and someone new without a password or an app."""
    from django.utils import timezone

    from guides.models import Level
    from projects.core.models import Phase, Role, Sector
    from tests import factories
    from tests.conftest import _logged_in_sessions
    from tests.meetings.cases import make_meeting
    from tests.test_permission_matrix import _context

    ctx = _context(factories.collaboration_with_people())
    collaboration, users = ctx["collaboration"], ctx["users"]
    parties = list(collaboration.parties.order_by("pk"))
    for name, influence, interest in [("Kultur- och fritidsnämnden", 5, 4), ("Fastighetsägaren", 4, 2)]:
        factories.StakeholderFactory(collaboration=collaboration, name=name, influence=influence, interest=interest)
    factories.RiskFactory(
        collaboration=collaboration, title="Lokalen blir inte klar i tid", owner=parties[0], mitigation="Biblioteket."
    )
    goal = factories.GoalFactory(collaboration=collaboration, title="Fler unga har en trygg mötesplats")
    factories.GoalAcceptanceFactory(goal=goal, party=parties[0])
    indicator = factories.IndicatorFactory(goal=goal, name="Besök per kväll")
    for day, value in [(date(2026, 3, 31), 12), (date(2026, 6, 30), 19)]:
        factories.MeasurementFactory(indicator=indicator, value=Decimal(value), measured_on=day, party=parties[-1])
    meeting = make_meeting(ctx, minutes="1. Lokalen\n2. Rekrytering av ledare")
    factories.LoggedDecisionFactory(collaboration=collaboration, meeting=meeting, text="Biblioteket tills vidare.")
    factories.LoggedDecisionFactory(collaboration=collaboration, decided_on=timezone.localdate() - timedelta(days=9))
    factories.PrincipleCommitmentFactory(collaboration=collaboration, text="Vi träffas en gång i månaden.")
    factories.MapEntryFactory(
        collaboration=collaboration, phase=Phase.AGENDASATTNING, planned_level=Level.objects.order_by("pk").first()
    )
    # Long Swedish compounds, as real names are: what a narrow column or a phone must wrap.
    long_party = factories.add_party(collaboration, "Bostadsstiftelsen Studentbostadsförmedlingen", Sector.STIFTELSE)
    factories.add_member(collaboration, role=Role.READER, party=long_party, name="Maximiliana Kristoffersson-Lindqvist")
    newcomer = factories.make_user("Nora Ny")
    newcomer.set_unusable_password()
    newcomer.save()
    ctx["viewers"] = users | {"newcomer": newcomer}
    # A second collaboration, whose IOP both parties have decided (its own people: a case looks up the
    # matrix's people's one membership each).
    decider, their_editor = factories.make_user("Dagny Dahlberg"), factories.make_user("Erik Ek")
    decided = factories.make_collaboration(
        coordinator=decider, organisation=parties[0].organisation, title="Fritidsgård i Norr"
    )
    factories.add_member(decided, user=their_editor, party=factories.add_party(decided, parties[1].organisation.name))
    factories.decided_iop(decided, [decider, their_editor])
    ctx["viewers"]["decider"] = decider
    ctx["decided"] = decided
    ctx["sessions"] = _logged_in_sessions(users)  # what some cases log in with
    return ctx


# -- which URLs are pages ---------------------------------------------------------------------------


def _is_admin(name):
    return name.startswith(("admin:", "admin/"))


def classify(name, case, response):
    """("crawl", why) for a page, ("skip", why) for an answer that is not a page by a rule, or
    ("list", what) for one that must be listed in NOT_PAGES or FOLLOW."""
    status, kind = response.status_code, response.get("Content-Type", "").split(";")[0]
    if status == 405 and case.method == "post":
        return "skip", "an action (POST only): its result is on the page it returns to"
    if status == 204:
        return "list", "204 (nothing to show)"
    if 300 <= status < 400:
        return "list", f"redirect {status} to {response.get('Location', '')}"
    if kind != "text/html":
        return "skip", f"not a page: {kind}"
    if b"<html" not in response.content[:1000].lower():
        return "list", "an HTML fragment (HTMX)"
    return "crawl", f"{status} HTML"


def coverage_problems(outcomes, not_pages=None, follow=None, urls=None, decided=None):
    """What is wrong between the URLs' outcomes ({name: (verdict, why)}), the lists and the URLconf."""
    not_pages = NOT_PAGES if not_pages is None else not_pages
    follow = FOLLOW if follow is None else follow
    urls = set(url_patterns()) if urls is None else urls
    decided = DECIDED_PAGES if decided is None else decided
    listed = not_pages.keys() | follow.keys()
    checks = [
        (
            "URLs that are neither a page nor skipped by a rule: list them in NOT_PAGES or FOLLOW, with the reason",
            {
                f"{name} ({why})"
                for name, (verdict, why) in outcomes.items()
                if verdict == "list" and name not in listed
            },
        ),
        (
            "URLs in NOT_PAGES/FOLLOW that are pages now (or skipped by a rule): take them off the list",
            {f"{name} ({why})" for name, (verdict, why) in outcomes.items() if verdict != "list" and name in listed},
        ),
        (
            "URLs in FOLLOW that do not redirect",
            {n for n in follow if n in outcomes and "redirect" not in outcomes[n][1]},
        ),
        (
            "NOT_PAGES/FOLLOW/KNOWN/DECIDED_PAGES list URLs that no longer exist",
            (listed | {name.removesuffix("@decided") for known in KNOWN.values() for name in known} | set(decided))
            - urls,
        ),
        ("URLs of the URLconf that the crawl did not ask for", urls - outcomes.keys()),
    ]
    return [f"{what}: {sorted(keys)}" for what, keys in checks if keys]


def test_a_new_url_that_is_not_a_page_is_caught():
    """The completeness check: a redirect nobody listed, a list entry that became a page and a URL
    the crawl never asked for each fail it."""
    outcomes = {
        "projects:overview": ("crawl", "200 HTML"),
        "brand_new_redirect": ("list", "redirect 302 to /"),
        "was_a_redirect": ("crawl", "200 HTML"),
    }
    problems = coverage_problems(
        outcomes,
        not_pages={"was_a_redirect": "sent everyone on"},
        follow={},
        decided=[],
        urls={"projects:overview", "brand_new_redirect", "was_a_redirect", "never_asked"},
    )
    assert problems == [
        "URLs that are neither a page nor skipped by a rule: list them in NOT_PAGES or FOLLOW, with the reason: "
        "['brand_new_redirect (redirect 302 to /)']",
        "URLs in NOT_PAGES/FOLLOW that are pages now (or skipped by a rule): take them off the list: "
        "['was_a_redirect (200 HTML)']",
        "URLs of the URLconf that the crawl did not ask for: ['never_asked']",
    ]


def known_problems(found, known):
    """Violations not in ``known`` (one width's KNOWN), and its entries that no longer occur
    ({name: {rule: [where]}})."""
    new = {
        name: {rule: where for rule, where in rules.items() if rule not in known.get(name, set())}
        for name, rules in found.items()
    }
    new = {name: rules for name, rules in new.items() if rules}
    gone = {name: sorted(rules - found.get(name, {}).keys()) for name, rules in known.items()}
    gone = {name: rules for name, rules in gone.items() if rules}
    return new, gone


def test_known_violations_cannot_rot():
    found = {"projects:a": {"color-contrast": ["390px .btn"]}, "projects:b": {"region": ["1280px div"]}}
    new, gone = known_problems(found, known={"projects:a": {"color-contrast"}, "projects:c": {"label"}})
    assert new == {"projects:b": {"region": ["1280px div"]}}
    assert gone == {"projects:c": ["label"]}


# -- the crawl --------------------------------------------------------------------------------------


def _ask(ctx, name, case, patterns):
    """The URL as the test client gets it, in a savepoint rolled back: (url, response)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    cache.clear()  # allauth counts its rate limits in the cache
    with transaction.atomic():
        scratch = copy.copy(ctx)
        try:
            url = url_for(name, case.kwargs(scratch), patterns)
        except Exception as exc:  # noqa: BLE001 - reported with the others
            transaction.set_rollback(True)
            return f"(its case's arguments raised {exc!r})", None
        client = Client(raise_request_exception=False)  # a server error is reported with the others
        role = viewer(name, case)
        if role != "anonymous":  # not force_login: it would change the user's last login (and so their reset link)
            client.cookies[settings.SESSION_COOKIE_NAME] = logged_in_session(ctx["viewers"][role], True)
        response = client.get(url)
        transaction.set_rollback(True)
    return url, response


def _expected(case, role, response):
    """What is wrong with the viewer's answer given what the matrix expects of the role, or None."""
    if role not in case.expect:
        return None
    expected, status = case.expect[role], response.status_code
    if status >= 500:
        return f"a server error {status}"
    if case.method == "post" and status == 405:
        return None  # an action: the matrix POSTs to it
    if expected == OK:
        return None if status < 400 else f"{status} where the matrix expects the page"
    if isinstance(expected, int) and status != expected and status != 405:
        return f"{status} where the matrix expects {expected}"
    return None


def _axe_script():
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


# axe-core, loaded into every document of a crawling context before the page's own scripts (once per
# context instead of sending its 500 kB with each page), and run when the page has loaded.
_RUN_AXE = "(options) => axe.run(document, options)"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def crawling_context(browser, size):
    context = watch_csp(browser.new_context(viewport=size, locale="sv-SE"))
    context.add_init_script(_axe_script())
    context.set_default_timeout(15_000)
    return context


# axe's scrollable-region-focusable passes every scrolling box in Chromium, which lets the keyboard
# into such boxes itself (since version 130); Safari does not. So the crawl looks for them itself: a
# box that scrolls, is not focusable and holds nothing focusable cannot be scrolled with the keyboard.
_SCROLL_BOXES_JS = """() => {
  const focusable = 'a[href], button, input, select, textarea, summary, iframe, [contenteditable], '
    + '[tabindex]:not([tabindex="-1"])';
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const sideways = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const down = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if ((sideways || down) && !el.matches(focusable) && !el.querySelector(focusable)) {
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}`);
    }
  }
  return found;
}"""


def check(page):
    """{rule: [target, …]} of the page as it is now (axe, sideways scrolling on a phone, the CSP)."""
    found = {}
    for violation in page.evaluate(_RUN_AXE, AXE_OPTIONS)["violations"]:
        found[violation["id"]] = [
            " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
            for node in violation["nodes"]
        ]
    if boxes := page.evaluate(_SCROLL_BOXES_JS):
        found["scroll-box-without-keyboard"] = boxes
    if page.viewport_size["width"] < 768 and (overflow := page.evaluate(_OVERFLOW_JS)):
        found["horizontal-scroll"] = [
            f"{overflow['scrollWidth']}px wide in {overflow['clientWidth']}px: " + "; ".join(overflow["culprits"])
        ]
    if csp := page.evaluate("() => window.__csp || []"):
        found["csp"] = [f"{v['directive']} blocked {v['blocked'] or '(inline)'}" for v in csp]
    return found


def test_the_check_finds_what_it_looks_for(browser):
    """A page with a box that scrolls but takes no focus, an image without a text, a page wider than
    the phone and an inline script the policy blocks: the check reports each."""
    context = crawling_context(browser, VIEWPORTS["phone"])
    try:
        page = context.new_page()
        page.route(
            "http://samverkan.test/",
            lambda route: route.fulfill(
                content_type="text/html",
                headers={"Content-Security-Policy": "script-src 'none'"},
                body=(
                    '<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>'
                    '<div id="box" style="overflow:auto;width:100px"><p style="width:600px">Lång text</p></div>'
                    '<img src="/x.png"><p style="width:900px">Bred</p><script>1</script></main></body></html>'
                ),
            ),
        )
        page.route("http://samverkan.test/x.png", lambda route: route.fulfill(status=404))
        page.goto("http://samverkan.test/")
        found = check(page)
    finally:
        context.close()
    assert {"scroll-box-without-keyboard", "image-alt", "horizontal-scroll", "csp"} <= found.keys(), found
    assert found["scroll-box-without-keyboard"] == ["div#box"]


@pytest.fixture
def world(live):
    from tests.guide_content import load_guides

    load_guides()  # transactional tests start from an empty database
    return _world()


# The pages' HTML does not depend on the database: the crawl runs where the suite runs on SQLite (it
# takes minutes; the permission matrix checks every URL's effect on PostgreSQL too). One test per
# width, so that the two halves run side by side on two workers.
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the crawl runs on SQLite (the HTML is the same)"
)
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_every_page_passes_axe(world, live, browser, width):
    started = time.monotonic()
    matrix, patterns = _matrix()
    outcomes, pages, wrong = {}, [], []
    for name in sorted(matrix):
        case = matrix[name]
        if _is_admin(name) and case.expect[viewer(name, case)] == ADMIN_LOGIN:
            outcomes[name] = ("skip", ADMIN_REASON)  # the matrix checks that it is nothing but that redirect
            continue
        url, response = _ask(world, name, case, patterns)
        if response is None:
            wrong.append(f"{name}: {url}")
            continue
        if problem := _expected(case, viewer(name, case), response):
            wrong.append(f"{name} ({url}) as {viewer(name, case)}: {problem}")
        outcomes[name] = verdict = classify(name, case, response)
        if verdict[0] == "crawl" or name in FOLLOW:
            pages.append(name)
    problems = coverage_problems(outcomes) + wrong
    assert not problems, "\n".join(problems)
    asked = time.monotonic()

    if only := os.environ.get("EVERY_PAGE_ONLY", ""):  # a developer's re-check of a few pages: "name,name"
        pages = [name for name in pages if name in only.split(",")]
    # The pages' URLs, with their objects made for real (committed: the live server sees them).
    urls = {name: url_for(name, matrix[name].kwargs(world), patterns) for name in pages}
    for name in DECIDED_PAGES if not only else [n for n in DECIDED_PAGES if n in only.split(",")]:
        urls[f"{name}@decided"] = url_for(name, {"pk": world["decided"].pk}, patterns)
        pages.append(f"{name}@decided")
    found = {}  # name → {rule: [width: target, …]}
    per_width, timings = {}, []
    for size in [VIEWPORTS[width]]:
        contexts = {}
        width_started = time.monotonic()
        for name in pages:
            role = "decider" if name.endswith("@decided") else viewer(name, matrix[name])
            if role not in contexts:
                contexts[role] = crawling_context(browser, size).new_page()
                if role != "anonymous":
                    log_in(contexts[role], live, world["viewers"][role], recently_authenticated=True)
            page = contexts[role]
            t0 = time.monotonic()
            page.goto(live.url + urls[name])
            t1 = time.monotonic()
            violations = check(page)
            if os.environ.get("EVERY_PAGE_ONLY"):
                screenshot(page, f"every-page-{name.replace(':', '-').replace('/', '-')}")
            timings.append((t1 - t0, time.monotonic() - t1, width, name))
            for rule, targets in violations.items():
                found.setdefault(name, {}).setdefault(rule, []).extend(f"{size['width']}px {t}" for t in targets)
            if violations:
                screenshot(page, f"every-page-{name.replace(':', '-').replace('/', '-')}")
        for page in contexts.values():
            page.context.close()
        per_width[width] = time.monotonic() - width_started

    known = KNOWN[width]
    new, gone = known_problems(found, known if not only else {n: r for n, r in known.items() if n in pages})
    report = [
        f"asked {len(outcomes)} URLs in {asked - started:.1f}s; crawled {len(pages)} pages per width: "
        + ", ".join(f"{w} {s:.1f}s" for w, s in per_width.items())
        + f" (loading {sum(t[0] for t in timings):.1f}s, checking {sum(t[1] for t in timings):.1f}s)",
        "slowest: "
        + ", ".join(f"{n} {w} {a:.1f}+{b:.1f}s" for a, b, w, n in sorted(timings, key=lambda t: -t[0] - t[1])[:8]),
    ]
    for name, rules in sorted(found.items()):
        report.append(f"found on {name}: " + ", ".join(sorted(rules)))
    skipped = sorted(f"{name}: {why}" for name, (verdict, why) in outcomes.items() if verdict != "crawl")
    report.append("not crawled: " + "; ".join(s for s in skipped if ADMIN_REASON not in s))
    for name, rules in sorted(new.items()):
        report.append(f"{name} ({urls[name]}):")
        report.extend(f"  {rule}: {'; '.join(where[:6])}" for rule, where in sorted(rules.items()))
    if gone:
        report.append(f"KNOWN lists violations that no longer occur (take them off): {gone}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.with_name(f"{REPORT.stem}-{width}{REPORT.suffix}").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert not new and not gone, "\n".join(report)
