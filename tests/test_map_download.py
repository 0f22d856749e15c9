"""Downloading the map (issue 14): an SVG file with its title, date line, legend and source
line, drawn on the server, exact for `?rev=N` and kept per revision."""

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

SVG = "{http://www.w3.org/2000/svg}"
URL = "/cards/map-download.svg"


def test_map_downloads_as_svg_with_title_date_and_source(client: TestClient) -> None:
    response = client.get(URL, params={"rev": 1, "as_of": "2025-12-31"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert 'filename="coalition-tracker-map-rev1-2025-12-31.svg"' in (
        response.headers["content-disposition"])
    root = ET.fromstring(response.content)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Where countries stand on security guarantees for Ukraine"
    assert texts[1] == "Positions on 31 Dec 2025 · Coalition Tracker revision 1"
    assert texts[-1].startswith("Source: Coalition Tracker, revision 1 (published ")
    assert "rev=1" in texts[-1] and "as_of=2025-12-31" in texts[-1] and "CC BY 4.0" in texts[-1]
    legend = client.get("/index.json", params={"rev": 1, "as_of": "2025-12-31"}).json()
    for entry in legend["map"]["legend"]:
        assert f"{entry['label']} ({entry['count']})" in texts
    assert len(list(root.iter(f"{SVG}path"))) > 10


def test_map_download_is_exact_per_revision_and_kept(client: TestClient) -> None:
    first = client.get(URL, params={"rev": 1})
    again = client.get(URL, params={"rev": 1})
    assert first.content == again.content and first.headers.get("etag") == again.headers.get(
        "etag")
    assert client.get(URL, params={"rev": 999}).status_code == 404


def test_dashboard_links_the_download_for_the_view_shown(client: TestClient) -> None:
    html = client.get("/", params={"rev": 1, "as_of": "2025-12-31", "stance": "troops"}).text
    assert 'href="/cards/map-download.svg?as_of=2025-12-31&amp;rev=1" download' in html
