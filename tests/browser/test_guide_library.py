"""The guide library in a real browser: every page checked with axe at desktop and phone width,
the table of contents and previous/next used by keyboard, and the search updating as one types."""

import pytest

from tests.browser.conftest import check_page, log_in
from tests.factories import make_user
from tests.guide_content import load_guides

expect = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'").expect

PAGES = [
    ("guide-library", "/guider/"),
    ("guide-mucf", "/guider/mucf/"),
    ("guide-section-status", "/guider/mucf/mucf-status/"),
    ("guide-section-identifiera", "/guider/mucf/mucf-identifiera/"),
    ("guide-section-budget", "/guider/sjustegs/sjustegs-steg-2-budget/"),
    ("guide-forum-formulering", "/guider/forum/forum-formulering/"),
    ("guide-principles", "/guider/principer/"),
    ("guide-forms", "/guider/samverkansformer/"),
    ("guide-levels", "/guider/nivaer-och-faser/"),
    ("guide-templates", "/guider/mallar/"),
    ("guide-tools", "/guider/verktyg/"),
    ("guide-search", "/guider/sok/?q=m%C3%A5lgrupp"),
]


@pytest.fixture
def guide_content(live):
    load_guides()  # transactional tests start from an empty database


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_library_page_is_accessible(live, guide_content, new_page, viewport):
    page = new_page(viewport)
    log_in(page, live, make_user("Bo Berg"))
    for name, path in PAGES:
        page.goto(f"{live.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_page(page, name)


def test_reading_a_guide_by_keyboard(live, guide_content, new_page):
    page = new_page("desktop")
    log_in(page, live, make_user("Bo Berg"))
    page.goto(f"{live.url}/guider/mucf/mucf-status/")
    next_link = page.get_by_role("link", name="Kunskap →")
    next_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunskap")
    expect(page.get_by_role("link", name="← Status för samverkan")).to_be_visible()


def test_search_updates_as_you_type(live, guide_content, new_page):
    page = new_page("phone")
    log_in(page, live, make_user("Bo Berg"))
    page.goto(f"{live.url}/guider/sok/")
    page.get_by_role("searchbox").fill("målgrupp")
    page.keyboard.press("Enter")
    results = page.locator("#search-results")
    expect(results.locator("mark").first).to_be_visible()
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
