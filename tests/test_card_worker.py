"""Share cards drawn outside the web process (issue 15): with CARD_DRAWING=worker a web process
never draws; a card not ready answers its previous image or the placeholder at once and is
queued in the spool; the card worker (`python -m app cards`, started by `serve`) draws what was
asked and the latest revision's new cards, abandons requests of revisions no page links to, and
never draws an unchanged card again."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import PROJECT_ROOT, get_settings
from app.services import cards as cards_module
from app.services import cardworker
from app.services import renderer as renderer_module
from tests.support.ops import publish_change

TINY_PNG = cards_module.placeholder_png()
MAP_PICTURE = "the map download"  # a picture of the SVG file, no words of its own


def cards_dir() -> Path:
    return get_settings().data_dir / "cards"


@pytest.fixture
def worker_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shutil.rmtree(cards_dir(), ignore_errors=True)
    monkeypatch.setenv("CARD_DRAWING", "worker")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CARD_DRAWING")
    get_settings.cache_clear()


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every card drawn (by its words), drawing a stand-in image instead of Chromium."""
    calls: list[str] = []

    def fake(figure: dict[str, Any], *, width: int, height: int) -> bytes:
        annotations = figure["layout"].get("annotations")
        calls.append(str(annotations[1]["text"]) if annotations else MAP_PICTURE)
        return TINY_PNG + str(len(calls)).encode()

    monkeypatch.setattr(renderer_module.renderer(), "render", fake)
    return calls


def test_a_web_process_never_draws_and_answers_at_once(
    client: TestClient, worker_mode: None, drawn: list[str]
) -> None:
    started = time.perf_counter()
    first = client.get("/cards/countries/fr.png")
    again = client.get("/cards/countries/fr.png")
    assert time.perf_counter() - started < 5  # never a wait for a drawing
    for response in (first, again):
        assert response.status_code == 200 and response.content == TINY_PNG
        assert response.headers["cache-control"] == "no-store"
    assert drawn == []
    assert [p.name.split("-")[0] for p in cards_module.spool_folder().glob("*.json")] == ["fr"]


def test_the_worker_draws_requests_then_the_previous_image_stands_in(
    client: TestClient, db: Session, worker_mode: None, drawn: list[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRERENDER_CARDS", "false")
    get_settings.cache_clear()
    client.get("/cards/countries/fr.png")
    cardworker.work_once(cardworker.WorkerState())
    assert len(drawn) == 1 and not list(cards_module.spool_folder().glob("*.json"))
    ready = client.get("/cards/countries/fr.png")
    assert ready.headers["cache-control"].startswith("public") and ready.content != TINY_PNG
    publish_change(db, country_code="FR", summary="France: a later logistics offer")
    changed = client.get("/cards/countries/fr.png")  # France's card shows something new
    assert changed.content == ready.content and changed.headers["cache-control"] == "no-store"


def test_an_unchanged_card_is_never_drawn_again(
    db: Session, worker_mode: None, drawn: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRERENDER_CARDS", "true")
    get_settings.cache_clear()
    state = cardworker.WorkerState()
    cardworker.work_once(state)
    everything = len(drawn)
    assert everything > 2 and state.done == 1
    cardworker.work_once(state)
    assert len(drawn) == everything  # nothing new: nothing drawn
    number = publish_change(db, country_code="FR", summary="France: a later logistics offer")
    drawn.clear()
    cardworker.work_once(state)
    assert state.done == number and 1 <= len(drawn) <= 3
    assert all("France" in words or "Where countries stand" in words or words == MAP_PICTURE
               for words in drawn), drawn


def test_requests_of_revisions_no_page_links_to_are_abandoned(
    client: TestClient, db: Session, worker_mode: None, drawn: list[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRERENDER_CARDS", "false")
    get_settings.cache_clear()
    client.get("/cards/countries/de.png", params={"rev": 1})  # queued while revision 1 is recent
    assert len(list(cards_module.spool_folder().glob("*.json"))) == 1
    for step in range(cards_module.KEEP_REVISIONS):
        publish_change(db, country_code="FR", summary=f"change {step}")
    cardworker.work_once(cardworker.WorkerState())
    assert drawn == [] and not list(cards_module.spool_folder().glob("*.json"))


def test_the_spool_is_bounded(client: TestClient, worker_mode: None,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cards_module, "MAX_QUEUED", 2)
    for code in ("fr", "de", "it", "pl"):
        assert client.get(f"/cards/countries/{code}.png").status_code == 200
    assert len(list(cards_module.spool_folder().glob("*.json"))) == 2


def test_the_cards_command_is_a_process_that_draws_what_is_asked(
    client: TestClient, worker_mode: None
) -> None:
    """The real worker process, with the real renderer: a queued card appears; SIGTERM ends it."""
    client.get("/cards/dashboard.png")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "app", "cards"], cwd=PROJECT_ROOT,
        env={**os.environ, "CARD_DRAWING": "worker", "PRERENDER_CARDS": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 150
        response = client.get("/cards/dashboard.png")
        while response.headers["cache-control"] == "no-store" and time.monotonic() < deadline:
            time.sleep(0.5)
            response = client.get("/cards/dashboard.png")
        assert response.headers["cache-control"].startswith("public")
        assert response.content[:8] == TINY_PNG[:8] and response.content != TINY_PNG
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0
