"""Share cards: valid 1200x630 PNGs drawn by a real headless Chromium (kaleido), cached on disk,
re-rendered after a change (pre-rendered by the after-publish hook), and a clear 503 when the
renderer cannot start."""

import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.services import cards as cards_module
from app.services import renderer as renderer_module
from app.services.cards import card_path, country_card, dashboard_card, wait_for_prerender
from app.services.dataset import dataset_at
from app.services.renderer import Renderer
from tests.support.images import png_size
from tests.support.opendata import Edit

MAP_PICTURE = "the map download"
DASHBOARD_TITLE = ("<b>Where countries stand</b><br><b>on security guarantees</b>"
                   "<br><b>for Ukraine</b>")


def card_words(figure: dict[str, Any]) -> str:
    """A card's main words (the map download is only a picture: named so)."""
    annotations = figure["layout"].get("annotations")
    return str(annotations[1]["text"]) if annotations else MAP_PICTURE


def cards_dir() -> Path:
    return get_settings().data_dir / "cards"


@pytest.fixture
def no_cached_cards() -> None:
    shutil.rmtree(cards_dir(), ignore_errors=True)


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real renders (the shared renderer still draws every card)."""
    calls: list[str] = []
    shared = renderer_module.renderer()
    real = shared.render

    def counting(figure: dict[str, Any], *, width: int, height: int) -> bytes:
        calls.append(card_words(figure))
        return real(figure, width=width, height=height)

    monkeypatch.setattr(shared, "render", counting)
    return calls


def test_country_and_dashboard_cards_are_1200_by_630_pngs(client: TestClient) -> None:
    for path in ("/cards/countries/fr.png", "/cards/dashboard.png", "/cards/countries/US.png"):
        response = client.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        assert png_size(response.content) == (1200, 630)
    assert client.get("/cards/countries/zz.png").status_code == 404


def test_a_card_is_rendered_once_then_served_from_disk(
    client: TestClient, no_cached_cards: None, render_calls: list[str]
) -> None:
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(
        client.get("/cards/countries/it.png").content)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(render_calls) == 1 and results[0] == results[1]
    assert client.get("/cards/countries/it.png").content == results[0]
    assert len(render_calls) == 1
    assert [p.name.split("-")[0] for p in cards_dir().glob("*.png")] == ["it"]


@pytest.fixture
def prerender_on(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PRERENDER_CARDS", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # monkeypatch restores the variable afterwards


def test_cards_are_prerendered_after_a_save_and_show_the_change(
    client: TestClient, no_cached_cards: None, prerender_on: None, poland_retracted: Edit,
    render_calls: list[str]
) -> None:
    wait_for_prerender(timeout=120)
    names = {p.name.split("-")[0] for p in cards_dir().glob("*.png")}
    assert names == {"dashboard", "mapdownload"} | {c["code"].lower() for c in
                                     client.get("/api/countries").json()["countries"]}
    render_calls.clear()  # the background renders are done; now count the requests' renders
    latest = client.get("/cards/countries/pl.png").content
    assert render_calls == []
    stand_in = client.get("/cards/countries/pl.png", params={"rev": 1})
    assert stand_in.content == latest and stand_in.headers["cache-control"] == "no-store"
    wait_for_drawing()  # revision 1's card was queued; meanwhile the previous image answered
    earlier = client.get("/cards/countries/pl.png", params={"rev": 1})
    assert earlier.headers["cache-control"].startswith("public")
    assert png_size(earlier.content) == png_size(latest) == (1200, 630)
    assert earlier.content != latest and len(render_calls) == 1


def test_an_edit_redraws_only_the_cards_whose_content_changed(
    client: TestClient, no_cached_cards: None, db: Session, render_calls: list[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cards follow content, not revisions: after France's edit, only France's card, the
    dashboard's and the map download (which names the revision) may be drawn again; every
    other country's image is reused."""
    from tests.support.ops import publish_change

    dataset = dataset_at(session=db)
    assert dataset is not None
    cards_module.prerender(dataset=dataset, as_of=date.today())
    drawn = len(render_calls)
    assert drawn == len(dataset.countries) + 2  # and the dashboard's card and map download
    render_calls.clear()
    monkeypatch.setenv("PRERENDER_CARDS", "true")
    get_settings.cache_clear()
    try:
        publish_change(db, country_code="FR", summary="France: a later logistics offer")
        wait_for_prerender(timeout=120)
    finally:
        monkeypatch.delenv("PRERENDER_CARDS")
        get_settings.cache_clear()
    france = next(c.name for c in dataset.countries if c.code == "FR")
    assert set(render_calls) <= {f"<b>{france}</b>", DASHBOARD_TITLE, MAP_PICTURE}, render_calls
    assert len(list(cards_dir().glob("*.png"))) <= 2 * drawn


def test_renderer_that_cannot_start_answers_503_quickly(
    client: TestClient, no_cached_cards: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(renderer_module, "_shared", Renderer(browser_path="/nonexistent/chrome"))
    response = client.get("/cards/dashboard.png")
    assert response.status_code == 503
    assert "renderer could not start" in response.json()["detail"]
    retry = client.get("/cards/countries/fr.png")  # refused at once until RETRY_AFTER passes
    assert retry.status_code == 503 and retry.json()["detail"] == response.json()["detail"]


def test_a_card_stays_cached_from_one_day_to_the_next_until_its_data_changes(db: Session) -> None:
    """The cache key follows what the card shows, not the calendar: a new day does not make
    every link preview wait for a render; a stance that changes with the date does."""
    dataset = dataset_at(session=db)
    assert dataset is not None

    def path(name: str, day: date) -> Path:
        card = (dashboard_card(dataset=dataset, as_of=day) if name == "dashboard"
                else country_card(dataset=dataset, code=name, as_of=day))
        assert card is not None
        return card_path(dataset=dataset, name=name, card=card)

    for name in ("dashboard", "PL", "FR"):
        assert path(name, date(2026, 6, 1)) == path(name, date(2026, 6, 2)), name
    assert path("PL", date(2025, 12, 31)) != path("PL", date(2026, 6, 1))


def _preview_image(html: str) -> str:
    """The image a link preview shows: og:image, which twitter:image must repeat."""
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    twitter = re.search(r'<meta name="twitter:image" content="([^"]+)">', html)
    assert og and twitter and og.group(1) == twitter.group(1)
    return og.group(1)


def test_a_pasted_link_previews_its_own_card(client: TestClient) -> None:
    base = get_settings().public_base_url
    for page, card in (("/countries/pl", "/cards/countries/pl.png"), ("/", "/cards/dashboard.png")):
        image = _preview_image(client.get(page).text)
        assert image == base + card
        response = client.get(image.removeprefix(base))
        assert response.status_code == 200 and png_size(response.content) == (1200, 630)


def test_preview_images_use_the_configured_public_address(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://tracker.example.org")
    get_settings.cache_clear()
    try:
        image = _preview_image(client.get("/countries/fr").text)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert image == "https://tracker.example.org/cards/countries/fr.png"


def test_a_link_pinned_to_a_revision_previews_that_revisions_card(client: TestClient) -> None:
    base = get_settings().public_base_url
    for page, card in (("/countries/pl?rev=1", "/cards/countries/pl.png?rev=1"),
                       ("/?rev=1", "/cards/dashboard.png?rev=1")):
        image = _preview_image(client.get(page).text)
        assert image == base + card
        response = client.get(image.removeprefix(base))
        assert response.status_code == 200 and png_size(response.content) == (1200, 630)
    assert client.get("/cards/countries/pl.png?rev=99").status_code == 404


def _card_words(card: dict[str, Any]) -> str:
    """The card's words as a reader sees them (line breaks as spaces, no markup)."""
    text = " ".join(note["text"] for note in card["layout"]["annotations"])
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " "))


def test_a_dated_link_previews_a_card_drawn_for_that_date(client: TestClient, db: Session
                                                          ) -> None:
    """/countries/de?as_of=2025-09-01: the preview's title, address and image all show the
    position on that date (Germany had no commitment yet), and the card is cached apart."""
    base = get_settings().public_base_url
    html = client.get("/countries/de?as_of=2025-09-01").text
    image = _preview_image(html)
    assert image == base + "/cards/countries/de.png?as_of=2025-09-01"
    title = re.search(r'<meta property="og:title" content="([^"]+)">', html)
    assert title and title.group(1).startswith("Germany: No commitment recorded on 1 Sep 2025")
    dataset = dataset_at(session=db)
    assert dataset is not None
    then = country_card(dataset=dataset, code="DE", as_of=date(2025, 9, 1), dated=True)
    now = country_card(dataset=dataset, code="DE", as_of=date.today())
    assert then is not None and now is not None
    assert "No commitment recorded" in _card_words(then)
    assert "Position on 1 Sep 2025" in _card_words(then)
    assert "Troops, in neighbouring NATO states only" in _card_words(now)
    assert (card_path(dataset=dataset, name="DE", card=then)
            != card_path(dataset=dataset, name="DE", card=now))
    response = client.get(image.removeprefix(base))
    assert response.status_code == 200 and png_size(response.content) == (1200, 630)
    assert client.get("/cards/countries/de.png?as_of=2999-01-01").status_code == 422


def test_the_host_card_names_the_role_not_a_stance(db: Session) -> None:
    dataset = dataset_at(session=db)
    assert dataset is not None
    card = country_card(dataset=dataset, code="UA", as_of=date.today())
    assert card is not None
    words = _card_words(card)
    assert "Host country" in words and "No commitment recorded" not in words


# ---- rationing the drawing (issue 9: cards are no CPU or disk amplifier) ----------------------


def test_cards_of_revisions_no_page_links_to_are_never_drawn_on_request(
    client: TestClient, no_cached_cards: None, render_calls: list[str], db: Session
) -> None:
    from tests.support.ops import publish_change

    for number in range(cards_module.KEEP_REVISIONS):
        publish_change(db, country_code="FR", summary=f"change {number}")
    response = client.get("/cards/countries/de.png", params={"rev": 1})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert response.content == cards_module.placeholder_png()
    assert png_size(response.content) == (1200, 630)
    assert render_calls == []


def test_a_full_queue_or_a_slow_drawing_gets_the_placeholder(
    client: TestClient, no_cached_cards: None, render_calls: list[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cards_module, "MAX_QUEUED", 0)
    full = client.get("/cards/countries/fr.png")
    assert full.content == cards_module.placeholder_png() and render_calls == []
    monkeypatch.setattr(cards_module, "MAX_QUEUED", 16)
    monkeypatch.setattr(cards_module, "RENDER_WAIT", 0.001)
    slow = client.get("/cards/countries/fr.png")
    assert slow.content == cards_module.placeholder_png()
    wait_for_drawing()
    drawn = client.get("/cards/countries/fr.png")
    assert drawn.content != cards_module.placeholder_png() and len(render_calls) == 1
    assert drawn.headers["cache-control"].startswith("public")


def wait_for_drawing() -> None:
    cards_module._render_pool.submit(lambda: None).result(timeout=120)


def test_old_cards_are_pruned(no_cached_cards: None) -> None:
    """Each card keeps its newest KEEP_IMAGES images; the old per-revision folders go."""
    root = cards_dir()
    (root / "rev1").mkdir(parents=True)
    (root / "rev1" / "fr-aaaa.png").write_bytes(b"old layout")
    for age, name in enumerate(["fr-0003", "fr-0002", "fr-0001", "de-0001"]):
        (root / f"{name}.png").write_bytes(b"png")
        os.utime(root / f"{name}.png", (1_000_000 - age * 100, 1_000_000 - age * 100))
    cards_module.prune_cards(latest=5)
    assert sorted(p.name for p in root.iterdir()) == ["de-0001.png", "fr-0002.png",
                                                      "fr-0003.png"]


def test_a_prerender_overtaken_by_a_newer_revision_stops(
    db: Session, no_cached_cards: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Superseded renders are abandoned: once a newer revision is published, the old
    revision's pre-render draws nothing more (the newer one's job draws its own cards)."""
    drawn: list[str] = []
    monkeypatch.setattr(cards_module, "card_png",
                        lambda *, dataset, name, card: drawn.append(name) or b"")
    checks = iter([False, False, True])
    dataset = dataset_at(session=db)
    assert dataset is not None
    cards_module.prerender(dataset=dataset, as_of=date.today(),
                           superseded=lambda: next(checks, True))
    assert len(drawn) == 2 < len(dataset.countries)
