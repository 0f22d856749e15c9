"""The dashboard's outlines cut to the area it shows (tools/cut_outlines.py) and the brotli twins
of the largest static files (tools/precompress.py): both committed, both checked against what
their tool makes, and the cut keeps the recognised borders (issue 10)."""

import gzip
import json
from functools import cache
from typing import Any

import brotli
import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.outlines import Topology, countries_at, polygons, shipped_outlines
from app.services.mapdata import EUROPE_ALPHA3
from app.web.static import static_url
from tests.test_outlines import RECOGNISED
from tools.cut_outlines import CUT_BOX, OUTPUT, SOURCE, cut_text
from tools.precompress import PRECOMPRESSED, twin


@cache
def _cut() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OUTPUT.read_text())
    return data


def test_committed_cut_is_what_the_tool_writes() -> None:
    assert OUTPUT.read_text() == cut_text(SOURCE), "re-run tools/cut_outlines.py"


def test_cut_is_much_smaller_than_the_world() -> None:
    assert len(gzip.compress(OUTPUT.read_bytes())) * 4 < len(gzip.compress(SOURCE.read_bytes()))


IN_VIEW = [(place, lon, lat, country) for place, lon, lat, country in RECOGNISED
           if CUT_BOX[0] < lon < CUT_BOX[1] and CUT_BOX[2] < lat < CUT_BOX[3]]


@pytest.mark.parametrize(("place", "lon", "lat", "country"), IN_VIEW,
                         ids=[p for p, *_ in IN_VIEW])
def test_cut_keeps_the_recognised_borders(place: str, lon: float, lat: float,
                                          country: str) -> None:
    assert countries_at(_cut(), lon=lon, lat=lat) == [country], place


def test_cut_keeps_every_country_the_map_shows() -> None:
    ids = {g.get("id") for g in _cut()["objects"]["countries"]["geometries"]}
    assert set(EUROPE_ALPHA3.values()) <= ids
    assert "BRA" not in ids and "AUS" not in ids
    # French Guiana is cut away; metropolitan France and Corsica stay.
    assert countries_at(_cut(), lon=-52.33, lat=4.92) == []
    assert countries_at(_cut(), lon=9.1, lat=42.1) == ["FRA"]


@pytest.mark.parametrize("path", PRECOMPRESSED, ids=lambda p: p.name)
def test_brotli_twins_match_their_files(path: Any) -> None:
    assert brotli.decompress(twin(path).read_bytes()) == path.read_bytes(), (
        "re-run tools/precompress.py")


def test_browsers_accepting_brotli_get_the_twin(client: TestClient) -> None:
    url = static_url("vendor/plotly-geo.min.js")
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate, br"}) as stream:
        raw = b"".join(stream.iter_raw())
        headers = stream.headers
    assert headers["content-encoding"] == "br" and "Accept-Encoding" in headers["vary"]
    assert headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert raw == (PROJECT_ROOT / "static" / "vendor" / "plotly-geo.min.js.br").read_bytes()
    refused = client.get(url, headers={"Accept-Encoding": "gzip, br;q=0"})
    assert refused.headers["content-encoding"] == "gzip"
    assert refused.headers["etag"] != headers["etag"]


def test_dashboard_shows_a_still_picture_and_loads_the_cut_outlines(client: TestClient) -> None:
    html = client.get("/").text
    assert 'data-topojson-url="/static/topojson/europe/"' in html
    start = html.index('<svg class="map-picture"')
    picture = html[start:html.index("</svg>", start) + 6]
    assert 'aria-hidden="true"' in picture and picture.count("<path") > 10
    assert "picture" not in client.get("/index.json").json()


def _signed_area(data: dict[str, Any], code: str) -> float:
    topology = Topology(data)
    total = 0.0
    for geometry in data["objects"]["countries"]["geometries"]:
        if geometry.get("id") == code:
            for polygon in polygons(geometry):
                ring = topology.ring(polygon[0]) if polygon else []
                total += sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                             in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
    return total


@pytest.mark.parametrize("code", sorted(EUROPE_ALPHA3.values()))
def test_no_country_in_view_is_lost_or_turned_inside_out(code: str) -> None:
    # plotly.js reads a ring's winding: a ring turned round fills the whole globe instead.
    # Every outer ring in the source winds clockwise (a negative area in lon/lat).
    source, kept = _signed_area(shipped_outlines(), code), _signed_area(_cut(), code)
    if abs(source) < 0.01:
        return  # a micro-state: drawn by plotly as a point, whatever its area
    assert kept < 0, code
    if code != "RUS":  # the source's Russia runs across the antimeridian; the cut's is clamped
        assert abs(source) * 0.4 <= abs(kept) <= abs(source) * 1.1, code
