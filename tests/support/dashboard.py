"""Helpers for browser tests of the public pages: reading and clicking the Plotly map, axe-core."""

import json
from typing import Any

from playwright.sync_api import Page, Request

from app.config import PROJECT_ROOT

AXE = PROJECT_ROOT / "tests" / "assets" / "axe.min.js"

DRAWN_LOCATIONS = """(selector) => Array.from(
    document.querySelectorAll(selector + ' .choroplethlocation'))
    .map((path) => ({loc: path.__data__.loc, fill: getComputedStyle(path).fill}))"""

SCREEN_POINT = """([selector, lon, lat]) => {
    const map = document.querySelector(selector);
    const geo = map._fullLayout.geo._subplot;
    const [x, y] = geo.projection([lon, lat]);
    const box = map.getBoundingClientRect();
    return [box.left + geo.xaxis._offset + x, box.top + geo.yaxis._offset + y];
}"""


def wait_for_map(page: Page, selector: str = "#map") -> None:
    page.wait_for_selector(f"{selector} .choroplethlocation")


def drawn_fills(page: Page, selector: str = "#map") -> dict[str, str]:
    """Alpha-3 code -> the fill colour the browser painted, for every shape Plotly drew."""
    shapes = page.evaluate(DRAWN_LOCATIONS, selector)
    return {shape["loc"]: shape["fill"] for shape in shapes}


def hover_on_map(
    page: Page, lon: float, lat: float, selector: str = "#map"
) -> tuple[float, float]:
    """Move the mouse to a longitude/latitude on the map; the screen point it moved to."""
    x, y = page.evaluate(SCREEN_POINT, [selector, lon, lat])
    page.mouse.move(x, y)
    return x, y


def click_on_map(page: Page, lon: float, lat: float, selector: str = "#map") -> None:
    """Hover a longitude/latitude on the map (so Plotly sees the point), then click there."""
    page.mouse.click(*hover_on_map(page, lon, lat, selector))


def rgb(hex_colour: str) -> str:
    """The CSS computed form of a #RRGGBB colour."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def serious_axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.evaluate(AXE.read_text() + "\n;true")  # evaluated by the driver: the page's CSP stays
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = json.loads(result)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations if v["impact"] in ("serious", "critical")
    ]


def results_requests(page: Page) -> list[str]:
    """Every HTMX request the page sends from now on (the list grows as they are sent)."""
    seen: list[str] = []

    def on_request(request: Request) -> None:
        if request.headers.get("hx-request") == "true":
            seen.append(request.url)

    page.on("request", on_request)
    return seen
