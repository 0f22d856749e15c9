"""Lighter pages (issue 14, point 1), in a real browser at desktop and phone widths: country
pages draw their locator map as server-rendered SVG without loading Plotly; the dashboard loads
outlines cut to its view and shows a still picture until Plotly has drawn (or without
JavaScript); a first visit to each stays under its budget (the page and every subresource,
compressed as served)."""

import pytest
from playwright.sync_api import Browser, Page, expect

from app.config import get_settings
from app.models import Stance
from app.palette import STANCE_COLOURS
from tests.support.dashboard import serious_axe_violations
from tests.support.weights import COUNTRY_PAGE_BUDGET, DASHBOARD_BUDGET, first_visit
from tools.cut_outlines import CUT_BOX

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


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
def test_dashboard_first_visit_is_under_budget(
        browser: Browser, base_url: str, db: object, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    try:
        visit = first_visit(context.new_page(), base_url + "/", ready="#map .choroplethlocation")
    finally:
        context.close()
    assert all(url.startswith(base_url) for url in visit.urls())
    outlines = [url for url in visit.urls() if "topojson" in url]
    assert outlines == [base_url + "/static/topojson/europe/world_50m.json"]
    assert 0 < visit.total < DASHBOARD_BUDGET, visit.responses


def test_dashboard_shows_the_still_picture_without_javascript(
        browser: Browser, base_url: str, db: object) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        picture = page.locator("#map > svg.map-picture")
        expect(picture).to_be_visible()
        box = picture.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
    finally:
        context.close()


def test_still_picture_gives_way_to_the_drawn_map(guarded_page: Page) -> None:
    guarded_page.goto("/")
    guarded_page.wait_for_selector("#map[data-drawn-revision] .choroplethlocation")
    expect(guarded_page.locator("#map > svg.map-picture")).to_be_hidden()


# The lon/lat under each corner and edge middle of the drawn map: all inside the cut outlines.
FRAME_POINTS = """() => {
  const gd = document.querySelector('#map'), sp = gd._fullLayout.geo._subplot;
  const w = sp.xaxis._length, h = sp.yaxis._length, points = [];
  for (const fx of [0, 0.5, 1]) for (const fy of [0, 0.5, 1]) {
    points.push(sp.projection.invert([fx * w, fy * h]));
  }
  return points;
}"""


def test_cut_outlines_cover_everything_the_map_shows(guarded_page: Page) -> None:
    guarded_page.goto("/")
    guarded_page.wait_for_selector("#map[data-drawn-revision] .choroplethlocation")
    west, east, south, north = CUT_BOX
    for lon, lat in guarded_page.evaluate(FRAME_POINTS):
        assert west < lon < east and south < lat < north, (lon, lat)


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/", "/countries/fr", "/data", "/about"])
def test_dark_scheme_is_axe_clean(guarded_page: Page, path: str, viewport: dict[str, int]
                                  ) -> None:
    guarded_page.set_viewport_size(viewport)  # type: ignore[arg-type]
    guarded_page.emulate_media(color_scheme="dark")
    guarded_page.goto(path)
    if path == "/":
        guarded_page.wait_for_selector("#map[data-drawn-revision] .choroplethlocation")
    background = guarded_page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(21, 24, 28)"
    assert serious_axe_violations(guarded_page) == []


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
def test_print_leaves_out_navigation_and_controls_and_keeps_url_revision_and_sources(
        guarded_page: Page, viewport: dict[str, int]) -> None:
    guarded_page.set_viewport_size(viewport)  # type: ignore[arg-type]
    guarded_page.goto("/countries/fr")
    guarded_page.emulate_media(media="print")
    for hidden in (".site-header", ".share", "form.date-form", "button.copy-link"):
        expect(guarded_page.locator(hidden).first).to_be_hidden()
    expect(guarded_page.locator("h1")).to_be_visible()
    cite = guarded_page.locator(".site-footer .cite-this")
    expect(cite).to_be_visible()
    expect(cite).to_contain_text("revision")
    expect(cite).to_contain_text("/countries/fr?rev=")
    expect(guarded_page.locator(".citation figcaption:visible").first).to_be_visible()  # sources
    # A link out prints its address (the seed sources may have none: then check the rule).
    for link in guarded_page.locator("main a[href^='http']").all()[:3]:
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert (link.get_attribute("href") or "") in after


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
@pytest.mark.parametrize("choice", ["", "-rev"])
def test_embed_snippet_fits_the_column_it_is_pasted_in(
        guarded_page: Page, base_url: str, viewport: dict[str, int], choice: str) -> None:
    guarded_page.set_viewport_size(viewport)  # type: ignore[arg-type]
    guarded_page.goto("/")
    snippet = guarded_page.locator(f"#embed-snippet-dashboard{choice}").input_value()
    local = snippet.replace(get_settings().public_base_url, base_url)
    guarded_page.set_content(f"<!doctype html><html lang='en'><title>An article</title>"
                             f"<body style='margin:8px'><h1>An article</h1>{local}</body></html>")
    frame = guarded_page.frame_locator("iframe")
    expect(frame.locator("#map[data-drawn-revision]")).to_have_count(1, timeout=20_000)
    box = guarded_page.locator("iframe").bounding_box()
    assert box and box["width"] <= min(800, viewport["width"] - 16) + 0.5
    assert box["height"] >= 480
