"""Share cards: 1200x630 PNG images for link previews (og:image), one per country and one for the
dashboard, and the map download's PNG (app/services/mapimage.py, a card of its own size that any
revision may ask for). Drawn by kaleido in a local headless Chromium from the same map data as
the pages, with local outlines and no MathJax, so rendering makes no outside request.

Cards follow content: a card is cached on disk under DATA_DIR/cards/, named by a hash of exactly
what it shows (no revision number is printed on it), so a revision that leaves a card unchanged
reuses its image, and pre-rendering after a publish draws only the cards whose content changed
(the edited country's and the dashboard's, typically); a pre-render overtaken by a newer revision
stops (that revision's own job renders its cards). Drawing costs about a CPU-second, so it is
rationed: one card at a time, at most MAX_QUEUED waiting, only for the revisions pages link to
(the last KEEP_REVISIONS). A card not drawn yet answers the previous image of the same card at
once (or, with none, waits at most RENDER_WAIT before a placeholder). With CARD_DRAWING=worker
a web process never draws: it queues the card for the card worker process
(app/services/cardworker.py) and answers the previous image or the placeholder at once. Disk
use is bounded: only the newest KEEP_IMAGES images of each card are kept. The browser starts
lazily, on the first render in a process; when it cannot start or render, `CardUnavailable` is
raised within a bounded time (never a hang).
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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.config import CardDrawing, get_settings
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
from app.services.mapimage import MAP_DOWNLOAD, map_picture_card
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
    """Neither the revision nor the day: a card whose content did not change keeps its image
    (the page it previews names the revision)."""
    return [_text("Sourced positions, with citations, at the address shared", y=0.10,
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


def country_card(*, dataset: Dataset, code: str, as_of: date, dated: bool = False,
                 data: MapData | None = None) -> dict[str, Any] | None:
    """The card figure of one country (None when the dataset has no such country); `dated`:
    the card of a view asked for a date, which names it. `data`: the map data of that view,
    when the caller already has it."""
    data = data or map_data(dataset=dataset, as_of=as_of)
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
    """Where the card is cached: by a hash of exactly what it shows, whatever the revision
    (`dataset` is the one it was computed from)."""
    digest = hashlib.sha256(json.dumps(card, sort_keys=True, default=str).encode()).hexdigest()
    return cards_folder() / f"{name.lower()}-{digest[:16]}.png"


def cards_folder() -> Path:
    return get_settings().data_dir / "cards"


def previous_image(name: str) -> bytes | None:
    """The newest image drawn of the card `name` (whatever it showed), if any."""
    files = sorted(cards_folder().glob(f"{name.lower()}-*.png"), key=modified)
    for file in reversed(files):
        try:
            return file.read_bytes()
        except OSError:  # pruned meanwhile
            continue
    return None


def modified(file: Path) -> float:
    try:
        return file.stat().st_mtime
    except OSError:
        return 0.0


def write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


RENDER_WAIT = 10.0  # seconds a request waits for its card before it gets the placeholder
MAX_QUEUED = 16  # cards waiting to be drawn; beyond that, requests get the placeholder
KEEP_REVISIONS = 3  # cards of older revisions are never drawn on request
KEEP_IMAGES = 2  # images kept per card (its current one and the one before)

_render_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="card-render")
_jobs: dict[Path, Future[bytes]] = {}
_jobs_lock = threading.Lock()


def card_size(card: dict[str, Any]) -> tuple[int, int]:
    """The pixel size a card's figure asks for (share cards 1200x630; the map download its
    own)."""
    layout = card.get("layout", {})
    return int(layout.get("width", WIDTH)), int(layout.get("height", HEIGHT))


def draw_card(card: dict[str, Any]) -> bytes:
    """The card's PNG, drawn now at its size (raises CardUnavailable)."""
    width, height = card_size(card)
    return renderer().render(card, width=width, height=height)


def _draw(path: Path, card: dict[str, Any]) -> bytes:
    if path.exists():
        return path.read_bytes()
    png = draw_card(card)
    write_atomically(path, png)
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


@dataclass(frozen=True)
class CardImage:
    png: bytes
    final: bool  # False: a stand-in (the card's previous image) while it is drawn


def requested_card(*, dataset: Dataset, name: str, card: dict[str, Any],
                   any_revision: bool = False) -> CardImage | None:
    """A request's card: cached; else its drawing is queued (for the revisions pages link to,
    or any revision when `any_revision`: a download asked for by its revision) and the card's
    previous image answers at once; with none, the card drawn within RENDER_WAIT. None (show
    the placeholder) when the queue is full, the drawing takes longer, or the revision is older
    than the ones pages link to. Raises CardUnavailable when the renderer cannot work."""
    path = card_path(dataset=dataset, name=name, card=card)
    if path.exists():
        return CardImage(path.read_bytes(), final=True)
    latest = latest_revision()
    recent = any_revision or dataset.revision > latest - KEEP_REVISIONS
    if get_settings().card_drawing is CardDrawing.worker:
        if recent:  # the worker drops requests of old revisions: this one counts as recent
            queue_card(revision=max(dataset.revision, latest), path=path, card=card)
        previous = previous_image(name)
        return None if previous is None else CardImage(previous, final=False)
    job = _queue(path, card) if recent else None
    previous = previous_image(name)
    if previous is not None:
        return CardImage(previous, final=False)
    try:
        return CardImage(job.result(timeout=RENDER_WAIT), final=True) if job else None
    except FutureTimeout:
        return None


def latest_revision() -> int:
    with Session(get_engine()) as session:
        return latest_revision_id(session=session) or 0


def dataset_of(revision: int) -> Dataset | None:
    with Session(get_engine()) as session:
        return dataset_at(session=session, revision=revision)


def spool_folder() -> Path:
    """Where web processes leave requests for the card worker (app/services/cardworker.py)."""
    return cards_folder() / "queue"


def queue_card(*, revision: int, path: Path, card: dict[str, Any]) -> bool:
    """Ask the card worker to draw `card` into `path`; False when the spool is full (MAX_QUEUED).
    Asking again for the same card is the same request."""
    spool = spool_folder()
    request = spool / f"{path.stem}.json"
    if request.exists():
        return True
    spool.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in spool.glob("*.json")) >= MAX_QUEUED:
        return False
    body = json.dumps({"revision": revision, "file": path.name, "card": card}, default=str)
    write_atomically(request, body.encode())
    return True


def prune_cards(*, latest: int) -> None:
    """Keep the newest KEEP_IMAGES images of each card and delete the rest, with the per-revision
    folders of the layout before cards followed content (`latest` is kept for callers)."""
    root = cards_folder()
    for folder in root.glob("rev*"):
        shutil.rmtree(folder, ignore_errors=True)
    kept: dict[str, int] = {}
    for file in sorted(root.glob("*.png"), key=modified, reverse=True):
        name = file.name.split("-")[0]
        kept[name] = kept.get(name, 0) + 1
        if kept[name] > KEEP_IMAGES:
            file.unlink(missing_ok=True)


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
    data = map_data(dataset=dataset, as_of=as_of)  # once, not once per country
    cards = {DASHBOARD: dashboard_card(dataset=dataset, as_of=as_of),
             MAP_DOWNLOAD: map_picture_card(dataset=dataset, as_of=as_of)}
    for country in dataset.countries:
        card = country_card(dataset=dataset, code=country.code, as_of=as_of, data=data)
        if card is not None:
            cards[country.code] = card
    return cards


def prerender(*, dataset: Dataset, as_of: date,
              superseded: Callable[[], bool] | None = None,
              draw: Callable[[Path, dict[str, Any]], None] | None = None) -> list[Path]:
    """Render every card of the dataset whose content has no image yet (the others are reused);
    returns their files. Stops early once `superseded()` says a newer revision took over.
    `draw(path, card)`: how to draw one (default: here, on the render thread)."""
    paths = []
    for name, card in _all_cards(dataset, as_of).items():
        path = card_path(dataset=dataset, name=name, card=card)
        if not path.exists():
            if superseded is not None and superseded():
                break
            if draw is None:
                card_png(dataset=dataset, name=name, card=card)
            else:
                draw(path, card)
        paths.append(path)
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
        paths = prerender(dataset=dataset, as_of=date.today(),
                          superseded=lambda: latest_revision() != revision)
    except CardUnavailable as exc:
        log.warning("share cards of revision %s not pre-rendered: %s", revision, exc)
        return
    log.info("pre-rendered %d share cards of revision %s", len(paths), revision)
    prune_cards(latest=revision)


def prerender_after_publish(revision: int) -> None:
    """After-publish hook: render the new revision's cards in the background (PRERENDER_CARDS);
    with a card worker (CARD_DRAWING=worker), the worker sees the revision and draws them."""
    settings = get_settings()
    if settings.prerender_cards and settings.card_drawing is CardDrawing.inline:
        schedule_prerender(_prerender_revision, revision)


def install_prerender() -> None:
    on_published(prerender_after_publish)
