"""The header search box in a real browser (issue 13), on desktop and at 390 px: aliases and
accents find the country, a quote opens its exact commitment, refusals are explained."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def search_from_header(page: Page, query: str) -> None:
    box = page.get_by_role("search", name="Site").get_by_role("searchbox")
    box.fill(query)
    box.press("Enter")


@pytest.mark.parametrize("width", [1280, 390])
def test_header_search_finds_countries_by_alias_and_quotes_by_speaker(
    guarded_page: Page, width: int
) -> None:
    guarded_page.set_viewport_size({"width": width, "height": 844})
    guarded_page.goto("/sources")
    search_from_header(guarded_page, "Türkiye")
    expect(guarded_page).to_have_url("/search?q=T%C3%BCrkiye")
    group = guarded_page.get_by_role("region", name="Countries")
    expect(group.get_by_role("link").first).to_have_text("Turkey")
    search_from_header(guarded_page, "healey")
    quotes = guarded_page.get_by_role("region", name="Quotes and speakers")
    link = quotes.get_by_role("link").first
    href = link.get_attribute("href")
    assert href and "#commitment-" in href
    link.click()
    anchor = href.split("#")[1]
    expect(guarded_page.locator(f"#{anchor}")).to_be_in_viewport()
    expect(guarded_page.locator(f"#{anchor}")).to_contain_text("Healey")


@pytest.mark.expected_http_error
def test_an_over_long_search_is_explained_and_kept(guarded_page: Page) -> None:
    guarded_page.goto("/search")
    expect(guarded_page.locator("#search-error")).to_contain_text("Type a word")
    guarded_page.goto("/search?q=" + "war%20" * 60)
    expect(guarded_page.locator("#search-error")).to_contain_text("too long")
    expect(guarded_page.locator("#search-q")).to_have_attribute("aria-invalid", "true")
