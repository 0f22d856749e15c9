"""Static files: fingerprinted URLs with far-future caching, un-hashed names with short caches,
text assets gzipped, and the dashboard's first visit under its size budget."""

import gzip
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, Request

from app.config import PROJECT_ROOT
from app.templating import static_url
from app.web.static import IMMUTABLE, content_hash, split_fingerprint

FIRST_VISIT_BUDGET = 900 * 1024


@pytest.mark.parametrize("path", ["css/app.css", "vendor/htmx.min.js", "vendor/plotly-geo.min.js"])
def test_static_url_names_the_content_hash(path: str) -> None:
    url = static_url(path)
    digest = content_hash(PROJECT_ROOT / "static" / path)
    stem, ext = path.rsplit(".", 1)
    assert url == f"/static/{stem}.{digest}.{ext}"
    assert split_fingerprint(url.removeprefix("/static/")) == (path, digest)


def test_the_hash_changes_with_the_content(tmp_path: Path) -> None:
    file = tmp_path / "a.js"
    file.write_text("one")
    first = content_hash(file)
    file.write_text("two, longer")
    assert content_hash(file) != first


def test_fingerprinted_files_are_cached_forever(client: TestClient) -> None:
    response = client.get(static_url("css/app.css"))
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.content == (PROJECT_ROOT / "static/css/app.css").read_bytes()


@pytest.mark.parametrize(("path", "max_age"), [
    ("/static/css/app.css", 300),
    ("/static/css/app.0123456789.css", 300),  # an outdated hash still answers, briefly cached
    ("/static/topojson/world_50m.json", 86400),
])
def test_other_static_names_get_short_or_moderate_caches(
    client: TestClient, path: str, max_age: int
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == f"public, max-age={max_age}"


def test_missing_static_file_is_404(client: TestClient) -> None:
    assert client.get("/static/css/nothing.0123456789.css").status_code == 404
    assert client.get("/static/../app/config.py").status_code == 404


@pytest.mark.parametrize("path", ["vendor/plotly-geo.min.js", "topojson/world_50m.json",
                                  "css/app.css"])
def test_text_assets_are_served_gzipped(client: TestClient, path: str) -> None:
    response = client.get(static_url(path), headers={"Accept-Encoding": "gzip"})
    with client.stream("GET", static_url(path), headers={"Accept-Encoding": "gzip"}) as stream:
        raw = b"".join(stream.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert gzip.decompress(raw) == (PROJECT_ROOT / "static" / path).read_bytes()
    plain = client.get(static_url(path), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_static_revalidation_answers_304(client: TestClient) -> None:
    first = client.get(static_url("css/app.css"), headers={"Accept-Encoding": "gzip"})
    again = client.get(static_url("css/app.css"),
                       headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_pages_link_fingerprinted_assets(client: TestClient) -> None:
    html = client.get("/").text
    local = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert local, "the dashboard links no static file"
    assert all(re.search(r"\.[0-9a-f]{10}\.\w+$", url) for url in local), local


@pytest.mark.browser
def test_dashboard_first_visit_stays_under_budget(guarded_page: Page, base_url: str) -> None:
    sizes: dict[str, int] = {}

    def record(request: Request) -> None:
        sizes[request.url] = request.sizes()["responseBodySize"]

    guarded_page.on("requestfinished", record)
    guarded_page.goto(base_url + "/")
    guarded_page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    assert any("plotly" in url for url in sizes), "the map bundle was not loaded"
    assert total < FIRST_VISIT_BUDGET, f"{total} bytes: {sizes}"
