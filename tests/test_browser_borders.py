"""Which country each real place is drawn as, through the map's own projection, in Chromium: the
dashboard and the embeddable map draw internationally recognised borders (tools/fix_outlines.py),
on a desktop and at a 390 px phone width."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.dashboard import wait_for_map

pytestmark = pytest.mark.browser

# Every filled country shape drawn under a longitude/latitude. plotly.js geo draws each shape's
# path with the subplot's own projection, so the projected point is in the path's own coordinates:
# no screen offset to get wrong (adding the axis offsets to a screen box was off by 0.3 degrees).
DRAWN_AT = """([selector, lon, lat]) => {
    const gd = document.querySelector(selector), sp = gd._fullLayout.geo._subplot;
    const [px, py] = sp.projection([lon, lat]);
    return Array.from(gd.querySelectorAll('.choroplethlocation')).filter((path) =>
        path.isPointInFill(new DOMPoint(px, py))).map((path) => path.__data__.loc);
}"""

# The screen point of a longitude/latitude, through a shape's own screen transform.
SCREEN_AT = """([selector, lon, lat]) => {
    const gd = document.querySelector(selector), sp = gd._fullLayout.geo._subplot;
    const [px, py] = sp.projection([lon, lat]);
    const point = new DOMPoint(px, py).matrixTransform(
        gd.querySelector('.choroplethlocation').getScreenCTM());
    return [point.x, point.y];
}"""

PLACES = [
    ("Simferopol", 34.10, 44.95, "UKR"),
    ("Sevastopol", 33.52, 44.60, "UKR"),
    ("Kerch", 36.47, 45.36, "UKR"),
    ("Kyiv", 30.52, 50.45, "UKR"),
    ("Rostov-on-Don", 39.70, 47.23, "RUS"),
    ("Kyrenia", 33.32, 35.34, "CYP"),
    ("Nicosia north of the line", 33.36, 35.19, "CYP"),
    ("Tiraspol", 29.60, 46.84, "MDA"),
    ("Sukhumi", 41.02, 43.00, "GEO"),
]


def drawn_as(page: Page, lon: float, lat: float, selector: str = "#map") -> list[str]:
    shapes: list[str] = page.evaluate(DRAWN_AT, [selector, lon, lat])
    return shapes


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("address", ["/", "/embed/map"])
def test_places_are_drawn_in_their_internationally_recognised_country(
    guarded_page: Page, address: str, width: int
) -> None:
    guarded_page.set_viewport_size({"width": width, "height": 900})
    guarded_page.goto(address)
    selector = "#map" if address == "/" else ".js-plotly-plot"
    wait_for_map(guarded_page, selector)
    drawn = {place: drawn_as(guarded_page, lon, lat, selector)
             for place, lon, lat, _ in PLACES}
    assert drawn == {place: [country] for place, _, _, country in PLACES}


def test_hovering_crimea_names_ukraine_as_host(guarded_page: Page) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    x, y = guarded_page.evaluate(SCREEN_AT, ["#map", 34.10, 44.95])
    guarded_page.mouse.move(x, y)
    label = guarded_page.locator("#map .hoverlayer .hovertext")
    expect(label).to_contain_text("Ukraine: Host country")
