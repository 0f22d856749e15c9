"""The dashboard and a country page in a real browser (Debian's Chromium through Playwright).
`guarded_page` fails any test that logs a console error or sends a request off 127.0.0.1."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from app.dates import format_date
from app.models import Stance
from app.palette import STANCE_COLOURS
from app.services.mapdata import STANCE_LABELS
from tests.support.dashboard import click_on_map, drawn_fills, hover_on_map, rgb, wait_for_map

pytestmark = pytest.mark.browser


def in_view_codes(page: Page, base_url: str) -> set[str]:
    body = page.request.get(f"{base_url}/index.json").json()
    return {country["alpha3"] for country in body["map"]["in_view"]}


def test_map_draws_a_shape_for_every_dataset_country_in_view(
    guarded_page: Page, base_url: str
) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    expected = in_view_codes(guarded_page, base_url)
    untracked = set(guarded_page.request.get(f"{base_url}/index.json").json()["map"]
                    ["not_tracked"])
    drawn = drawn_fills(guarded_page)
    assert len(guarded_page.locator("#map .choroplethlocation").all()) == len(
        expected | untracked)
    assert set(drawn) == expected | untracked and not expected & untracked
    assert {"TUR", "RUS", "UKR", "FRA"} <= set(drawn)
    assert drawn["FRA"] == rgb(STANCE_COLOURS["troops"])
    expect(guarded_page.locator("#map").get_by_text("Ukraine (host)")).to_be_visible()


def test_clicking_france_opens_its_page(guarded_page: Page, base_url: str) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    with guarded_page.expect_navigation():
        click_on_map(guarded_page, lon=2.5, lat=46.5)
    assert urlsplit(guarded_page.url).path == "/countries/fr"
    expect(guarded_page.locator("h1")).to_have_text("France")


def test_hovering_france_shows_its_stance_and_latest_statement_date(
    guarded_page: Page, base_url: str
) -> None:
    rows = guarded_page.request.get(f"{base_url}/api/countries").json()["countries"]
    france = next(row for row in rows if row["code"] == "FR")
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    hover_on_map(guarded_page, lon=2.5, lat=46.5)
    label = guarded_page.locator("#map .hoverlayer .hovertext")
    expect(label).to_have_count(1)
    expect(label).to_contain_text(f"France: {STANCE_LABELS[Stance(france['stance'])]}")
    when = format_date(date.fromisoformat(france["latest_date"]), france["latest_precision"])
    expect(label).to_contain_text(f"latest statement {when}")


def shown_legend(page: Page) -> dict[str, int]:
    """Legend label -> the count the page shows beside it."""
    pairs = (entry.inner_text().strip().rsplit(maxsplit=1)
             for entry in page.locator("ul.legend li").all())
    return {label: int(count) for label, count in pairs}


def legend_of(page: Page, url: str) -> dict[str, int]:
    """Legend label -> count, from the dashboard's JSON twin."""
    legend = page.request.get(url).json()["map"]["legend"]
    return {entry["label"]: entry["count"] for entry in legend}


def test_name_search_updates_table_and_url_without_a_reload(guarded_page: Page) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    guarded_page.evaluate("window.__noReload = 'still here'")
    guarded_page.locator("#q").press_sequentially("pol")
    guarded_page.wait_for_url(re.compile(r"\?q=pol$"))
    rows = guarded_page.locator("table.countries tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("th a")).to_have_text("Poland")
    assert guarded_page.evaluate("window.__noReload") == "still here"


def test_stance_filter_updates_table_and_url_without_a_reload(guarded_page: Page) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    guarded_page.evaluate("window.__noReload = 'still here'")
    guarded_page.select_option("#stance", "troops")
    guarded_page.wait_for_url(re.compile(r"\?stance=troops$"))
    rows = guarded_page.locator("table.countries tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.locator(".badge")).to_have_text([re.compile("^Troops")] * 4)
    assert guarded_page.evaluate("window.__noReload") == "still here"
    guarded_page.go_back()
    guarded_page.wait_for_url(re.compile(r"/$"))


def test_filtered_url_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    page.select_option("#stance", "opposed")
    page.click("#filters button[type=submit]")
    expect(page.locator("table.countries tbody tr")).to_have_count(2)
    assert "stance=opposed" in page.url
    context.close()


def test_date_control_redraws_map_legend_and_table_as_they_stood(
    guarded_page: Page, base_url: str
) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    before = drawn_fills(guarded_page)
    assert before["POL"] == rgb(STANCE_COLOURS["logistics"])
    assert shown_legend(guarded_page) == legend_of(guarded_page, f"{base_url}/index.json")
    guarded_page.evaluate("window.__noReload = 'still here'")
    guarded_page.fill("#as_of", "2025-12-31")
    guarded_page.wait_for_url(re.compile(r"as_of=2025-12-31"))
    undeclared = rgb(STANCE_COLOURS["undeclared"])
    guarded_page.wait_for_function(
        "([fill]) => Array.from(document.querySelectorAll('#map .choroplethlocation'))"
        ".some((p) => p.__data__.loc === 'POL' && getComputedStyle(p).fill === fill)",
        arg=[undeclared])
    after = drawn_fills(guarded_page)
    assert after["POL"] == undeclared and after["ESP"] == undeclared
    assert after["FRA"] == before["FRA"]
    expect(guarded_page.locator("h2.as-of time")).to_have_attribute("datetime", "2025-12-31")
    expect(guarded_page.locator('tr[data-code="PL"] .badge')).to_have_text("No commitment recorded")
    earlier = legend_of(guarded_page, f"{base_url}/index.json?as_of=2025-12-31")
    assert shown_legend(guarded_page) == earlier
    assert earlier != legend_of(guarded_page, f"{base_url}/index.json")
    assert guarded_page.evaluate("window.__noReload") == "still here"


def test_copied_link_opens_the_same_page_in_a_fresh_browser(
    guarded_page: Page, browser: Browser, base_url: str
) -> None:
    guarded_page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                           origin=base_url)
    guarded_page.goto("/countries/pl?as_of=2026-01-06")
    button = guarded_page.locator("button.copy-link")
    expect(button).to_have_text("Copy link")
    button.click()
    expect(button).to_have_text("Copied")
    copied = guarded_page.evaluate("navigator.clipboard.readText()")
    assert copied == guarded_page.url
    heading = guarded_page.locator("h1").text_content()
    stance = guarded_page.locator(".stance-line .badge").first.text_content()

    fresh = browser.new_context()
    page = fresh.new_page()
    page.goto(copied)
    assert page.url == copied
    expect(page.locator("h1")).to_have_text(heading or "")
    expect(page.locator(".stance-line .badge").first).to_have_text(stance or "")
    fresh.close()

