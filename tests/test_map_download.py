"""Downloading the map (issue 14): an SVG file and a PNG picture of it with its title, date line,
legend in words and source line, drawn on the server, exact for `?rev=N` and `as_of`, kept per
revision. The PNG is the SVG drawn by the share-card renderer (a real headless Chromium) and
follows the cards' contract: drawn once per content, never in a web process when a card worker
runs, and answered at once (never a wait or a 5xx) while it is drawn."""

import base64
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.services import cards as cards_module
from app.services import cardworker
from app.services import renderer as renderer_module
from app.services.dataset import dataset_at
from app.services.mapimage import SCALE, map_picture_card, svg_size
from tests.support.images import png_size
from tests.support.ops import publish_change

SVG = "{http://www.w3.org/2000/svg}"
URL = "/cards/map-download.svg"
PNG_URL = "/cards/map-download.png"
TITLE = "Where countries stand on security guarantees for Ukraine"


def lines(root: ET.Element, css: str) -> str:
    """The words of the SVG's <text> lines of class `css`, joined as one line."""
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == css)


def test_map_downloads_as_svg_with_title_date_and_source(client: TestClient) -> None:
    response = client.get(URL, params={"rev": 1, "as_of": "2025-12-31"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert 'filename="coalition-tracker-map-rev1-2025-12-31.svg"' in (
        response.headers["content-disposition"])
    root = ET.fromstring(response.content)
    assert lines(root, "title") == TITLE
    assert lines(root, "dated") == "Positions on 31 Dec 2025 · Coalition Tracker revision 1"
    source = lines(root, "source")
    assert source.startswith("Source: Coalition Tracker, revision 1 (published ")
    assert "http://127.0.0.1:8000/?as_of=2025-12-31&rev=1" in source and "CC BY 4.0" in source
    legend = client.get("/index.json", params={"rev": 1, "as_of": "2025-12-31"}).json()
    words = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert words == [f"{entry['label']} ({entry['count']})" for entry in legend["map"]["legend"]]
    assert len(list(root.iter(f"{SVG}path"))) > 10


def test_the_source_line_names_only_the_view_drawn(client: TestClient) -> None:
    """Filters the file does not draw (stance, search, marks since a date) stay out of its
    address; an undated download names the revision only."""
    dated = client.get(URL, params={"as_of": "2025-12-31", "since": "2025-09-01", "x": "1"})
    source = lines(ET.fromstring(dated.content), "source")
    assert "http://127.0.0.1:8000/?as_of=2025-12-31&rev=1." in source
    undated = lines(ET.fromstring(client.get(URL).content), "source")
    assert "http://127.0.0.1:8000/?rev=1." in undated


def test_map_download_is_exact_per_revision_and_kept(client: TestClient) -> None:
    first = client.get(URL, params={"rev": 1})
    again = client.get(URL, params={"rev": 1})
    assert first.content == again.content and first.headers.get("etag") == again.headers.get(
        "etag")
    assert client.get(URL, params={"rev": 999}).status_code == 404


def test_dashboard_links_both_downloads_for_the_view_shown(client: TestClient) -> None:
    html = client.get("/", params={"rev": 1, "as_of": "2025-12-31", "stance": "troops"}).text
    assert 'href="/cards/map-download.svg?as_of=2025-12-31&amp;rev=1" download' in html
    assert 'href="/cards/map-download.png?as_of=2025-12-31&amp;rev=1" download' in html
    assert ">Download the map as PNG</a>" in html and ">Download the map as SVG</a>" in html


@pytest.fixture
def no_cached_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(get_settings().data_dir / "cards", ignore_errors=True)
    monkeypatch.setattr(cards_module, "RENDER_WAIT", 120.0)  # a first browser start, under load


def test_the_png_is_the_svg_drawn_at_twice_its_size(
    client: TestClient, db: Session, no_cached_cards: None
) -> None:
    params = {"rev": 1, "as_of": "2025-12-31"}
    svg = client.get(URL, params=params).content
    response = client.get(PNG_URL, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    width, height = svg_size(svg.decode())
    assert png_size(response.content) == (width * SCALE, height * SCALE) and width == 600
    assert response.headers["content-disposition"] == (
        'attachment; filename="coalition-tracker-map-rev1-2025-12-31.png"')
    assert response.headers["cache-control"] == "public, max-age=86400"
    dataset = dataset_at(session=db, revision=1)
    assert dataset is not None
    card = map_picture_card(dataset=dataset, as_of=date(2025, 12, 31), dated=True)
    source = card["layout"]["images"][0]["source"]
    assert base64.b64decode(source.removeprefix("data:image/svg+xml;base64,")) == svg
    etag = response.headers["etag"]
    unchanged = client.get(PNG_URL, params=params, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""


def picture(client: TestClient, params: dict[str, str | int] | None = None) -> Any:
    """The PNG answer for `params`, once drawn: a stand-in (the previous picture, answered at
    once while the asked one is drawn on the render thread) is asked again after the drawing."""
    answer = client.get(PNG_URL, params=params)
    if answer.headers["cache-control"] == "no-store":
        assert "previously-drawn" in answer.headers["content-disposition"]
        cards_module._render_pool.submit(lambda: None).result(timeout=120)
        answer = client.get(PNG_URL, params=params)
    assert answer.status_code == 200 and answer.headers["cache-control"] != "no-store"
    return answer


def test_the_png_follows_the_revision_and_date_asked_for(
    client: TestClient, db: Session, no_cached_cards: None
) -> None:
    today = picture(client)
    assert today.headers["cache-control"] == "no-cache"
    assert today.headers["content-disposition"] == (
        f'attachment; filename="coalition-tracker-map-rev1-{date.today().isoformat()}.png"')
    earlier = picture(client, {"as_of": "2025-09-01"})
    assert earlier.content != today.content
    publish_change(db, country_code="FR", summary="France: a later logistics offer")
    pinned = picture(client, {"rev": 1})
    assert pinned.content == today.content  # revision 1's picture, from the disk
    assert "rev1-" in pinned.headers["content-disposition"]
    latest = picture(client)
    assert "rev2-" in latest.headers["content-disposition"]
    assert latest.content != today.content and latest.headers["etag"] != today.headers["etag"]


@pytest.mark.parametrize("as_of", ["not-a-date", "2025-13-01",
                                   (date.today() + timedelta(days=1)).isoformat()])
def test_a_bad_date_is_a_422_with_a_json_detail(client: TestClient, as_of: str) -> None:
    for url in (PNG_URL, URL):
        response = client.get(url, params={"as_of": as_of})
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["detail"]


def test_an_unknown_revision_is_a_404(client: TestClient) -> None:
    response = client.get(PNG_URL, params={"rev": 999})
    assert response.status_code == 404 and response.json()["detail"]


@pytest.fixture
def worker_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int]]]:
    """CARD_DRAWING=worker, with a renderer that records the sizes asked for (no Chromium)."""
    shutil.rmtree(get_settings().data_dir / "cards", ignore_errors=True)
    monkeypatch.setenv("CARD_DRAWING", "worker")
    monkeypatch.setenv("PRERENDER_CARDS", "false")
    get_settings.cache_clear()
    sizes: list[tuple[int, int]] = []

    def fake(figure: dict[str, Any], *, width: int, height: int) -> bytes:
        sizes.append((width, height))
        return cards_module.placeholder_png() + str(len(sizes)).encode()

    monkeypatch.setattr(renderer_module.renderer(), "render", fake)
    yield sizes
    monkeypatch.delenv("CARD_DRAWING")
    get_settings.cache_clear()


def spooled() -> list[Path]:
    return list(cards_module.spool_folder().glob("mapdownload-*.json"))


def test_with_a_card_worker_the_png_is_queued_and_answered_at_once(
    client: TestClient, db: Session, worker_mode: list[tuple[int, int]]
) -> None:
    waiting = client.get(PNG_URL)
    assert waiting.status_code == 200 and waiting.content == cards_module.placeholder_png()
    assert waiting.headers["cache-control"] == "no-store" and waiting.headers["retry-after"]
    assert "not-drawn-yet" in waiting.headers["content-disposition"]
    assert len(spooled()) == 1 and worker_mode == []  # the web process never draws
    cardworker.work_once(cardworker.WorkerState())
    width, height = svg_size(client.get(URL).text)
    assert worker_mode == [(width * SCALE, height * SCALE)] and spooled() == []
    drawn = client.get(PNG_URL)
    assert drawn.headers["cache-control"] == "no-cache" and "rev1-" in (
        drawn.headers["content-disposition"])
    for _ in range(4):
        publish_change(db, country_code="FR", summary="France: a later logistics offer")
    stand_in = client.get(PNG_URL)  # revision 5's picture is not drawn yet
    assert stand_in.content == drawn.content and stand_in.headers["cache-control"] == "no-store"
    assert "previously-drawn" in stand_in.headers["content-disposition"]
    client.get(PNG_URL, params={"rev": 1, "as_of": "2025-12-31"})  # an old revision, asked for
    cardworker.work_once(cardworker.WorkerState())
    assert len(worker_mode) == 3 and spooled() == []  # both drawn: downloads of any revision
    assert "rev1-2025-12-31" in client.get(
        PNG_URL, params={"rev": 1, "as_of": "2025-12-31"}).headers["content-disposition"]


def test_the_latest_map_picture_is_drawn_after_each_publish(db: Session) -> None:
    """Pre-rendering draws the map download beside the share cards, so the dashboard's link
    answers the picture itself at once."""
    dataset = dataset_at(session=db)
    assert dataset is not None
    cards = cards_module._all_cards(dataset, date.today())
    assert cards["mapdownload"] == map_picture_card(dataset=dataset, as_of=date.today())
