"""Readers on a phone (issue 13): every public and admin page fits a 390 px wide screen, the map
comes first and keeps its aspect ratio, filters sit behind a "Filter" control, the navigation
collapses, and a first tap on a country shows its tooltip with a link, the second opens it."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.services.auth import create_user
from tests.support.admin import PASSWORD
from tests.support.dashboard import wait_for_map

PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(
    viewport=PHONE, is_mobile=True, has_touch=True)]

PUBLIC_PAGES = [
    "/", "/?stance=troops", "/?as_of=2025-09-01", "/countries/fr", "/countries/de",
    "/countries/gb/history", "/sources", "/sources/1", "/events", "/about", "/data", "/changes",
    "/revisions", "/docs", "/search?q=troops", "/compare?c=fr,de,pl", "/no-such-page",
]
ADMIN_PAGES = [
    "/admin", "/admin/countries/new", "/admin/countries/fr", "/admin/sources/new",
    "/admin/sources/1", "/admin/events/1", "/admin/events/new", "/admin/password",
]

OVERFLOW = """() => {
  const root = document.documentElement;
  return {scroll: root.scrollWidth, client: root.clientWidth};
}"""


@pytest.fixture
def phone(guarded_page: Page) -> Page:
    """A 390x844 touch screen (pytest-playwright's context marker below), console and network
    guarded like every browser test."""
    return guarded_page


def width_of(page: Page, path: str) -> tuple[int, int]:
    page.goto(path)
    page.wait_for_load_state("load")
    if page.locator("[data-figure]").count():
        page.locator("[data-figure][data-drawn-revision]").first.wait_for()
    widths = page.evaluate(OVERFLOW)
    return widths["scroll"], widths["client"]


def assert_fit(page: Page, paths: list[str]) -> None:
    too_wide = {}
    for path in paths:
        scroll, client = width_of(page, path)
        if scroll > client:
            too_wide[path] = scroll
    assert not too_wide, f"pages wider than the 390 px screen (px): {too_wide}"


@pytest.mark.expected_http_error
def test_every_public_page_fits_a_phone(phone: Page) -> None:
    assert_fit(phone, PUBLIC_PAGES)


def test_every_admin_page_fits_a_phone(phone: Page, db: Session, base_url: str) -> None:
    create_user(session=db, username="carol", password=PASSWORD)
    assert_fit(phone, ["/admin/login"])
    phone.fill("#username", "carol")
    phone.fill("#password", PASSWORD)
    phone.press("#password", "Enter")
    expect(phone).to_have_url(base_url + "/admin")
    phone.goto("/admin/countries/fr")
    href = phone.locator("a[href^='/admin/commitments/']").first.get_attribute("href")
    assert href
    assert_fit(phone, [*ADMIN_PAGES, href])


PAINTED_CENTRE = """(loc) => {
  const path = Array.from(document.querySelectorAll('#map path.choroplethlocation'))
    .find((p) => p.__data__ && p.__data__.loc === loc);
  const box = path.getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
}"""


def tap_country(page: Page, alpha3: str) -> None:
    """Tap the middle of a country's painted shape (France's is compact)."""
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(PAINTED_CENTRE, alpha3)
    page.touchscreen.tap(x, y)


def test_phone_dashboard_map_first_filters_folded_nav_collapsed(phone: Page) -> None:
    phone.goto("/")
    wait_for_map(phone)
    box = phone.locator("#map").bounding_box()
    assert box and box["y"] < phone.locator("#results").bounding_box()["y"]  # type: ignore[index]
    expect(phone.locator("#filters")).to_be_hidden()
    toggle = phone.get_by_role("button", name="Filter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(phone.locator("#filters")).to_be_visible()
    expect(phone.locator("#site-nav")).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("navigation", name="Main").get_by_role("link", name="Sources")
           ).to_be_visible()
    expect(phone.locator("ul.legend")).to_be_visible()


def test_first_tap_shows_the_country_with_a_link_second_opens_it(phone: Page,
                                                                  base_url: str) -> None:
    phone.goto("/")
    wait_for_map(phone)
    tap_country(phone, "FRA")
    card = phone.locator(".map-tap-card")
    expect(card).to_contain_text("France")
    expect(card.get_by_role("link")).to_have_attribute("href", "/countries/fr")
    assert phone.url == base_url + "/"
    with phone.expect_navigation():
        tap_country(phone, "FRA")
    expect(phone.locator("h1")).to_have_text("France")
