"""Share cards: 1200x630 PNG images for link previews (og:image), one per country and one for the
dashboard. Drawn by kaleido in a local headless Chromium from the same map data as the pages,
with local outlines and no MathJax, so rendering makes no outside request.

Cards are cached on disk under DATA_DIR/cards/rev{N}/, named by a hash of what they show, and
pre-rendered in a background thread after each published revision. Drawing costs about a
CPU-second, so it is rationed: one card at a time, at most MAX_QUEUED waiting, only for the
revisions pages link to (the last KEEP_REVISIONS; older ones are pruned), and a request waits at
most RENDER_WAIT before it gets a placeholder image instead. The browser starts lazily, on
the first render in a process; when it cannot start or render, `CardUnavailable` is raised within
a bounded time (never a hang).
"""

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import threading
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.config import get_settings
from app.dates import format_date
from app.db import get_engine
from app.services.dataset import dataset_at, latest_revision_id
from app.services.hooks import on_published
from app.services.mapdata import (
    MapCountry,
    MapData,
    figure,
    locator_figure,
    map_data,
    plotly_text,
)
from app.services.records import Dataset
from app.services.renderer import CardUnavailable, renderer

__all__ = ["CardUnavailable", "card_png", "country_card", "dashboard_card", "placeholder_png",
           "prerender", "requested_card"]

log = logging.getLogger(__name__)
WIDTH, HEIGHT = 1200, 630
DASHBOARD = "dashboard"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK, MUTED = "#1A1A1A", "#555555"


def _text(text: str, *, y: float, size: int, colour: str = INK, **extra: Any) -> dict[str, Any]:
    return {"text": text, "x": 0.04, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
            "font": {"family": FONT, "size": size, "color": colour}, **extra}


def _badge(label: str, *, y: float, colour: str, text_colour: str) -> dict[str, Any]:
    """The category as a coloured badge; a long label wraps after its comma to fit the left."""
    head, comma, tail = label.partition(", ")
    text = f"<b>{head},</b><br><b>{tail}</b>" if comma and len(label) > 20 else f"<b>{label}</b>"
    return _text(text, y=y, size=34 if text.count("<br>") == 0 else 26, colour=text_colour,
                 bgcolor=colour, borderpad=12, bordercolor=INK, borderwidth=1)


def _long_date(day: date | None, precision: str | None = "day") -> str:
    return format_date(day, precision) if day else "none recorded"


def _footer(dataset: Dataset) -> list[dict[str, Any]]:
    """The revision, not the day: a card whose data did not change keeps its cached image."""
    published = format_date(dataset.published_at)
    return [_text(f"Dataset revision {dataset.revision} (published {published})", y=0.10,
                  size=20, colour=MUTED)]


def _card(map_figure: dict[str, Any], annotations: list[dict[str, Any]]) -> dict[str, Any]:
    """The map on the right two thirds, the words on the left, on a white 1200x630 page."""
    layout = dict(map_figure["layout"])
    layout.update(
        geo={**layout["geo"], "domain": {"x": [0.40, 1.0], "y": [0.0, 1.0]}},
        width=WIDTH, height=HEIGHT, margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="#FFFFFF", annotations=annotations,
    )
    return {"data": map_figure["data"], "layout": layout}


def _header() -> dict[str, Any]:
    return _text("<b>Coalition Tracker</b>", y=0.94, size=24, colour=MUTED)


def _country_words(country: MapCountry, dated: date | None) -> list[dict[str, Any]]:
    """Name, category (a dated view says the date: the card shows that view, not today's)."""
    words = [
        _header(),
        _text(f"<b>{plotly_text(country.name)}</b>", y=0.80,
              size=56 if len(country.name) <= 12 else 44),
        _badge(country.stance_label, y=0.60, colour=country.colour,
               text_colour=country.text_colour),
        _text(f"Latest statement: {_long_date(country.latest_date, country.latest_precision)}",
              y=0.38, size=26),
    ]
    if dated:
        words.append(_text(f"Position on {format_date(dated)}", y=0.28, size=26))
    return words


def country_card(*, dataset: Dataset, code: str, as_of: date, dated: bool = False
                 ) -> dict[str, Any] | None:
    """The card figure of one country (None when the dataset has no such country); `dated`:
    the card of a view asked for a date, which names it."""
    data = map_data(dataset=dataset, as_of=as_of)
    chosen = next((c for c in data.in_view + data.outside if c.code == code.upper()), None)
    if chosen is None:
        return None
    words = _country_words(chosen, as_of if dated else None) + _footer(dataset)
    return _card(locator_figure(data=data, code=chosen.code, height=HEIGHT), words)


def _legend_lines(data: MapData) -> list[dict[str, Any]]:
    return [
        _text(f"<span style='color:{entry.colour}'>■</span> {entry.label}: {entry.count}",
              y=0.64 - 0.055 * index, size=19)
        for index, entry in enumerate(data.legend)
    ]


def dashboard_card(*, dataset: Dataset, as_of: date, dated: bool = False) -> dict[str, Any]:
    data = map_data(dataset=dataset, as_of=as_of)
    words = [_header(), _text("<b>Where countries stand</b><br><b>on security guarantees</b>"
                              "<br><b>for Ukraine</b>", y=0.86, size=30)]
    if dated:
        words.append(_text(f"Position on {format_date(as_of)}", y=0.18, size=22))
    return _card(figure(data=data, height=HEIGHT), words + _legend_lines(data)
                 + _footer(dataset))


def card_path(*, dataset: Dataset, name: str, card: dict[str, Any]) -> Path:
    """Where the card is cached: by revision, then by a hash of exactly what it shows."""
    digest = hashlib.sha256(json.dumps(card, sort_keys=True, default=str).encode()).hexdigest()
    folder = get_settings().data_dir / "cards" / f"rev{dataset.revision}"
    return folder / f"{name.lower()}-{digest[:16]}.png"


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


RENDER_WAIT = 10.0  # seconds a request waits for its card before it gets the placeholder
MAX_QUEUED = 16  # cards waiting to be drawn; beyond that, requests get the placeholder
KEEP_REVISIONS = 3  # cards of older revisions are deleted, and never drawn on request

_render_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="card-render")
_jobs: dict[Path, Future[bytes]] = {}
_jobs_lock = threading.Lock()


def _draw(path: Path, card: dict[str, Any]) -> bytes:
    if path.exists():
        return path.read_bytes()
    png = renderer().render(card, width=WIDTH, height=HEIGHT)
    _write_atomically(path, png)
    return png


def _queue(path: Path, card: dict[str, Any]) -> Future[bytes] | None:
    """The one render job of this card (drawn once however many ask); None when the queue is
    full. Jobs run one at a time, on one thread."""
    with _jobs_lock:
        job = _jobs.get(path)
        if job is None and len(_jobs) < MAX_QUEUED:
            job = _jobs[path] = _render_pool.submit(_draw, path, card)
            job.add_done_callback(lambda _done: _forget(path))
        return job


def _forget(path: Path) -> None:
    with _jobs_lock:
        _jobs.pop(path, None)


def card_png(*, dataset: Dataset, name: str, card: dict[str, Any]) -> bytes:
    """The card's PNG: from the disk cache, else drawn now (pre-rendering waits for it)."""
    path = card_path(dataset=dataset, name=name, card=card)
    if path.exists():
        return path.read_bytes()
    job = _queue(path, card) or _render_pool.submit(_draw, path, card)
    return job.result()


def requested_card(*, dataset: Dataset, name: str, card: dict[str, Any]) -> bytes | None:
    """A request's card: cached, or drawn within RENDER_WAIT. None (show the placeholder) when
    the queue is full, the drawing takes longer, or the revision is older than the ones pages
    link to. Raises CardUnavailable when the renderer cannot work."""
    path = card_path(dataset=dataset, name=name, card=card)
    if path.exists():
        return path.read_bytes()
    if dataset.revision <= _latest_revision() - KEEP_REVISIONS:
        return None
    job = _queue(path, card)
    try:
        return job.result(timeout=RENDER_WAIT) if job is not None else None
    except FutureTimeout:
        return None


def _latest_revision() -> int:
    with Session(get_engine()) as session:
        return latest_revision_id(session=session) or 0


def prune_cards(*, latest: int) -> None:
    """Delete the cards of revisions older than the last KEEP_REVISIONS, and, within those,
    every file but the newest of each card."""
    root = get_settings().data_dir / "cards"
    for folder in root.glob("rev*"):
        number = folder.name.removeprefix("rev")
        if number.isdecimal() and int(number) <= latest - KEEP_REVISIONS:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        newest: dict[str, Path] = {}
        for file in sorted(folder.glob("*.png"), key=lambda f: f.stat().st_mtime):
            name = file.name.split("-")[0]
            if name in newest:
                newest[name].unlink(missing_ok=True)
            newest[name] = file


def placeholder_png() -> bytes:
    """A plain 1200x630 image in the site's light grey, served while a card is drawn."""
    return _PLACEHOLDER


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


_PLACEHOLDER = _png(WIDTH, HEIGHT, (0xF2, 0xF2, 0xF2))


def _all_cards(dataset: Dataset, as_of: date) -> dict[str, dict[str, Any]]:
    cards = {DASHBOARD: dashboard_card(dataset=dataset, as_of=as_of)}
    for country in dataset.countries:
        card = country_card(dataset=dataset, code=country.code, as_of=as_of)
        if card is not None:
            cards[country.code] = card
    return cards


def prerender(*, dataset: Dataset, as_of: date) -> list[Path]:
    """Render (or find cached) every card of the dataset; returns their files."""
    paths = []
    for name, card in _all_cards(dataset, as_of).items():
        card_png(dataset=dataset, name=name, card=card)
        paths.append(card_path(dataset=dataset, name=name, card=card))
    return paths


_prerender_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="share-cards")
_pending: list[Future[Any]] = []


def schedule_prerender(job: Any, *args: Any) -> Future[Any]:
    """Run `job(*args)` on the one background pre-render thread (jobs never run in parallel)."""
    future = _prerender_pool.submit(job, *args)
    _pending[:] = [f for f in _pending if not f.done()] + [future]
    return future


def wait_for_prerender(timeout: float | None = None) -> None:
    """Block until scheduled pre-renders finish (the seed command waits before exiting)."""
    for future in list(_pending):
        future.exception(timeout=timeout)


def _prerender_revision(revision: int) -> None:
    with Session(get_engine()) as session:
        if latest_revision_id(session=session) != revision:
            return  # a newer revision was published: its own job renders its cards
        dataset = dataset_at(session=session, revision=revision)
    if dataset is None:
        return
    try:
        paths = prerender(dataset=dataset, as_of=date.today())
    except CardUnavailable as exc:
        log.warning("share cards of revision %s not pre-rendered: %s", revision, exc)
        return
    log.info("pre-rendered %d share cards of revision %s", len(paths), revision)
    prune_cards(latest=revision)


def prerender_after_publish(revision: int) -> None:
    """After-publish hook: render the new revision's cards in the background (PRERENDER_CARDS)."""
    if get_settings().prerender_cards:
        schedule_prerender(_prerender_revision, revision)


def install_prerender() -> None:
    on_published(prerender_after_publish)
