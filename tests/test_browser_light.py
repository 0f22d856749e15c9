"""Lighter pages (issue 14, point 1), in a real browser at desktop and phone widths: country
pages draw their locator map as server-rendered SVG without loading Plotly, and a first visit
stays under its compressed-weight budget (the page and every subresource, gzip as served)."""

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Stance
from app.palette import STANCE_COLOURS
from tests.support.weights import COUNTRY_PAGE_BUDGET, first_visit

pytestmark = pytest.mark.browser

WIDTHS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
def test_country_page_locator_is_svg_without_plotly(guarded_page: Page, viewport: dict[str, int]
                                                    ) -> None:
    guarded_page.set_viewport_size(viewport)  # type: ignore[arg-type]
    guarded_page.goto("/countries/fr")
    svg = guarded_page.locator("#locator svg.locator-map")
    expect(svg).to_have_attribute("role", "img")
    expect(svg.locator("title")).to_have_text("Map locating France")
    expect(svg.locator("desc")).to_contain_text("France")
    box = svg.bounding_box()
    assert box and 0 < box["width"] <= viewport["width"] and box["height"] > 100
    assert guarded_page.evaluate("typeof window.Plotly") == "undefined"
    scripts = guarded_page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert not [src for src in scripts if "plotly" in src]


def test_country_locator_fills_the_country_in_its_stance_colour(guarded_page: Page) -> None:
    guarded_page.goto("/countries/fr")
    badge = guarded_page.locator(".stance-line .badge").first.text_content() or ""
    fill = guarded_page.locator("#locator svg > path.map-chosen").first.get_attribute("fill")
    colours = {"Troops": STANCE_COLOURS[Stance.troops],
               "Logistics": STANCE_COLOURS[Stance.logistics]}
    assert badge.strip() in colours and fill == colours[badge.strip()]
    # France fills a good part of the zoomed map (metropolitan France, not French Guiana).
    width = guarded_page.evaluate(
        "document.querySelector('#locator svg > path.map-chosen').getBBox().width")
    assert 100 < width < 400


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/countries/fr", "/countries/ua", "/countries/us"])
def test_country_page_first_visit_is_under_budget(
        browser: Browser, base_url: str, db: object, path: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    try:
        visit = first_visit(context.new_page(), base_url + path)
    finally:
        context.close()
    assert all(url.startswith(base_url) for url in visit.urls())
    assert not [url for url in visit.urls() if "plotly" in url or "topojson" in url]
    assert 0 < visit.total < COUNTRY_PAGE_BUDGET, visit.responses
