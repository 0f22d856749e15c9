"""Embeds: the map page may be framed by other sites (and only embed pages may); a real browser
draws the map inside an iframe on a page served from another port."""

import functools
import html
import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from app.config import get_settings


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def pasted_snippet(base_url: str) -> str:
    """The iframe a newcomer copies from the dashboard, pointed at the test server (the snippet
    names the configured public address)."""
    with urllib.request.urlopen(f"{base_url}/") as response:
        page = response.read().decode()
    snippet = re.search(r'<textarea id="embed-snippet-dashboard"[^>]*>(.*?)</textarea>', page, re.S)
    assert snippet
    return html.unescape(snippet.group(1)).replace(get_settings().public_base_url, base_url)


@pytest.fixture
def other_site(tmp_path: Path, base_url: str) -> Iterator[str]:
    """Another origin (127.0.0.1 on its own port) whose page frames the app's embeddable map."""
    (tmp_path / "article.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<link rel='icon' href='data:,'><title>An article</title></head><body>"
        f"<h1>An article that embeds the map</h1>{pasted_snippet(base_url)}</body></html>"
    )
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_embedded_map_is_drawn_inside_an_iframe_on_another_origin(
    guarded_page: Page, other_site: str, base_url: str
) -> None:
    assert other_site.split("/")[2] != base_url.split("/")[2]
    guarded_page.goto(other_site)
    frame = guarded_page.frame_locator("iframe")
    expect(frame.locator("#map[data-drawn-revision]")).to_have_count(1, timeout=20_000)
    expect(frame.locator("#map path.choroplethlocation").first).to_be_visible()
    assert frame.locator("#map path.choroplethlocation").count() >= 10
    legend = guarded_page.request.get(f"{base_url}/index.json").json()["map"]["legend"]
    expect(frame.locator(".legend li")).to_have_count(len(legend))
    credit = frame.locator(".embed-credit a")
    expect(credit).to_have_attribute("target", "_blank")
    expect(credit).to_have_attribute("href", "http://127.0.0.1:8000/?rev=1")
    embedded = next(f for f in guarded_page.frames if f.url.endswith("/embed/map"))
    fits = embedded.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    assert fits, "the embedded map needs a scroll bar inside the snippet's iframe"


def test_only_embed_pages_may_be_framed_by_other_sites(client: TestClient) -> None:
    for path in ("/embed/map", "/embed/countries/fr"):
        response = client.get(path)
        assert response.status_code == 200
        assert "frame-ancestors *" in response.headers["content-security-policy"]
        assert "x-frame-options" not in response.headers
    for path in ("/", "/data", "/countries/fr"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_embed_pages_have_no_site_chrome_and_link_back(client: TestClient) -> None:
    page = client.get("/embed/countries/pl").text
    assert "site-header" not in page and "Poland" in page and "badge-logistics" in page
    assert 'href="http://127.0.0.1:8000/countries/pl?rev=1"' in page
    assert "<script>" not in page and "onclick" not in page
    assert client.get("/embed/countries/zz").status_code == 404


def test_dashboard_offers_the_embed_snippet(client: TestClient) -> None:
    page = client.get("/").text
    assert "<summary>Embed this map</summary>" in page
    assert "&lt;iframe src=" in page and "/embed/map" in page
