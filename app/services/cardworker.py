"""The card worker: share cards drawn in a process of their own (`python -m app cards`, which
`python -m app serve` starts beside the web workers, or a compose service), never in a web
process, when CARD_DRAWING is `worker`.

The worker and the web processes talk through the database and a spool folder
(DATA_DIR/cards/queue): the worker polls the latest revision and pre-renders its cards (only
those whose content has no image yet: cards are named by a hash of what they show); a web
process that needs a card not drawn yet (an older revision's, a dated view's) leaves a request
file in the spool and answers at once with the card's previous image or the placeholder.
Requests are bounded in number (MAX_QUEUED); those of revisions pages no longer link to are
abandoned, and a pre-render overtaken by a newer revision stops for the newer one.
"""

import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.config import get_settings
from app.services import cards
from app.services.renderer import CardUnavailable, renderer

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


@dataclass
class WorkerState:
    """What the worker has finished: the revision whose cards are all drawn."""

    done: int | None = None


def _draw(file: Path, card: dict[str, Any]) -> None:
    if not file.exists():
        cards.write_atomically(file, cards.draw_card(card))


def _prerender_latest(state: WorkerState, latest: int) -> None:
    """Draw the latest revision's cards that have no image yet, answering readers' requests
    before each; stop when a newer revision comes (the next round starts on it)."""
    dataset = cards.dataset_of(latest)
    if dataset is None:
        return

    def requests_first(file: Path, card: dict[str, Any]) -> None:
        drain_spool(latest=latest)
        _draw(file, card)

    cards.prerender(dataset=dataset, as_of=date.today(),
                    superseded=lambda: cards.latest_revision() != latest, draw=requests_first)
    if cards.latest_revision() == latest:
        state.done = latest
        cards.prune_cards(latest=latest)


def _requests() -> list[Path]:
    """Spooled requests, newest first (a reader is waiting for the newest)."""
    return sorted(cards.spool_folder().glob("*.json"), key=cards.modified, reverse=True)


def _read(request: Path) -> tuple[int, Path, dict[str, Any]] | None:
    """(revision, image file, card) of a request; None when it cannot be read."""
    try:
        asked = json.loads(request.read_text())
        file = cards.cards_folder() / Path(str(asked["file"])).name
        return int(asked["revision"]), file, dict(asked["card"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def drain_spool(*, latest: int) -> int:
    """Draw the requested cards of revisions pages still link to; drop the others (abandoned:
    superseded). Stops when a newer revision is published. Returns how many were drawn."""
    drawn = 0
    for request in _requests():
        asked = _read(request)
        if asked is not None and asked[0] > latest - cards.KEEP_REVISIONS \
                and asked[1].suffix == ".png" and not asked[1].exists():
            _draw(asked[1], asked[2])
            drawn += 1
        request.unlink(missing_ok=True)
        if cards.latest_revision() != latest:
            break
    return drawn


def work_once(state: WorkerState) -> None:
    """One round: readers' requests, then the latest revision's new cards (PRERENDER_CARDS)."""
    latest = cards.latest_revision()
    if not latest:
        return
    drain_spool(latest=latest)
    if latest != state.done and get_settings().prerender_cards:
        _prerender_latest(state, latest)


def _orphaned() -> bool:
    """The `serve` process that started this worker is gone (CARD_WORKER_PARENT)."""
    parent = os.environ.get("CARD_WORKER_PARENT")
    return parent is not None and os.getppid() != int(parent)


def run_worker(*, stop: threading.Event, poll: float = POLL_SECONDS) -> None:
    """Work until `stop` is set (or the parent `serve` is gone); a renderer that cannot work
    is retried after a pause."""
    log.info("card worker started")
    state = WorkerState()
    while not stop.is_set() and not _orphaned():
        try:
            work_once(state)
        except CardUnavailable as exc:
            log.warning("card worker: renderer unavailable: %s", exc)
            stop.wait(30 * poll)
        except Exception:  # a bad card must not end the worker; logged, retried next round
            log.exception("card worker round failed")
            stop.wait(5 * poll)
        stop.wait(poll)
    renderer().stop()
    log.info("card worker stopped")
