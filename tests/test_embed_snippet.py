"""The embed snippet (issue 14): responsive (no fixed 800x640), and offered live, pinned to the
revision shown, or pinned to the date shown; each pinned address answers exactly that view."""

import html
import re

from fastapi.testclient import TestClient

SNIPPET = re.compile(r'<textarea id="embed-snippet-(dashboard[\w-]*)"[^>]*>(.*?)</textarea>', re.S)


def _snippets(client: TestClient, path: str) -> dict[str, str]:
    return {key: html.unescape(text) for key, text in SNIPPET.findall(client.get(path).text)}


def test_dashboard_offers_live_revision_and_date_snippets(client: TestClient) -> None:
    snippets = _snippets(client, "/?as_of=2025-12-31")
    assert set(snippets) == {"dashboard", "dashboard-rev", "dashboard-date"}
    for text in snippets.values():
        assert 'width="800"' not in text and 'height="640"' not in text
        assert "width:100%" in text and "max-width:800px" in text and "aspect-ratio" in text
    source = {key: re.search(r'src="([^"]+)"', text).group(1)  # type: ignore[union-attr]
              for key, text in snippets.items()}
    assert source["dashboard"].endswith("/embed/map")
    assert source["dashboard-rev"].endswith("/embed/map?rev=1")
    assert source["dashboard-date"].endswith("/embed/map?as_of=2025-12-31")


def test_pinned_embed_addresses_show_that_view(client: TestClient) -> None:
    pinned = client.get("/embed/map", params={"rev": 1})
    assert pinned.status_code == 200 and "?rev=1" in pinned.text
    earlier = client.get("/embed/map", params={"as_of": "2025-09-01"})
    assert earlier.status_code == 200
    assert earlier.text != client.get("/embed/map").text
    assert client.get("/embed/map", params={"rev": 999}).status_code == 404
