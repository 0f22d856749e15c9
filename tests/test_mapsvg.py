"""Server-rendered SVG maps (issue 14): the country locator drawn from the shipped outlines with
the border fixes of issue 10, zoomed to the country with an inset, accessible, and no Plotly."""

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from app.outlines import _in_ring
from app.services.mapdata import EUROPE_ALPHA3, PARTNER_ALPHA3
from app.services.mapsvg import (
    EUROPE_BOX,
    Box,
    View,
    clip,
    country_shape,
    focus_box,
    locator_svg,
    zoom_box,
)

SVG = "{http://www.w3.org/2000/svg}"
PARIS, CAYENNE, SIMFEROPOL = (2.35, 48.86), (-52.33, 4.92), (34.10, 44.95)


def _drawn_in(alpha3: str, point: tuple[float, float]) -> bool:
    return any(_in_ring(point, rings[0]) and not any(_in_ring(point, h) for h in rings[1:])
               for rings in country_shape(alpha3))


def test_locator_shapes_keep_the_recognised_borders() -> None:
    assert _drawn_in("UKR", SIMFEROPOL) and not _drawn_in("RUS", SIMFEROPOL)
    assert _drawn_in("FRA", PARIS) and _drawn_in("FRA", CAYENNE)


def test_focus_is_the_main_land_not_overseas_territories() -> None:
    france = focus_box("FRA")
    assert france and france.west > -10 and france.south > 40
    assert france.west < PARIS[0] < france.east and france.south < PARIS[1] < france.north
    assert focus_box("NOPE") is None


def test_zoom_box_pads_and_keeps_the_aspect() -> None:
    focus = Box(west=12.4, east=12.5, south=41.9, north=41.95)  # about the Vatican
    zoom = zoom_box(focus, aspect=4 / 3)
    assert zoom.east - zoom.west >= 3 and zoom.north - zoom.south >= 3
    view = View(box=zoom, width=400, height=300)
    (x1, y1), (x2, y2) = view.project((zoom.west, zoom.north)), view.project((zoom.east,
                                                                               zoom.south))
    assert (x1, y1) == (0, 0) and round(x2) == 400 and round(y2) == 300
    assert EUROPE_BOX.overlaps(zoom)


def test_clip_keeps_a_ring_inside_and_cuts_one_across_the_edge() -> None:
    inside = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0)]
    assert clip(inside, width=100, height=100) == inside
    across = clip([(-50.0, 50.0), (50.0, 50.0), (50.0, 60.0)], width=100, height=100)
    assert min(x for x, _ in across) == -2.0
    assert clip([(-50.0, -50.0), (-40.0, -50.0), (-40.0, -40.0)], width=100, height=100) == []


def test_every_mapped_country_gets_an_accessible_valid_svg() -> None:
    for alpha3 in [*EUROPE_ALPHA3.values(), *PARTNER_ALPHA3.values()]:
        svg = locator_svg(alpha3=alpha3, name="A <b>&", colour="#0072B2", label="Troops")
        assert svg, alpha3
        root = ET.fromstring(svg)  # well-formed XML: names are escaped
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "locator-title locator-desc"
        assert root.findtext(f"{SVG}title") == "Map locating A <b>&"
        assert "Troops" in (root.findtext(f"{SVG}desc") or "")
        chosen = [p for p in root.iter(f"{SVG}path") if p.get("class") == "map-chosen"]
        marks = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "map-chosen"]
        assert chosen and (chosen[0].get("d") or marks), alpha3


def test_country_page_inlines_the_locator_and_loads_no_plotly(client: TestClient) -> None:
    body = client.get("/countries/fr").text
    assert '<svg class="locator-map"' in body and "<title id=\"locator-title\">" in body
    assert "plotly" not in body.lower()
    assert "topojson" not in body
    twin = client.get("/countries/fr.json").json()
    assert "locator_svg" not in twin and "locator" not in twin

