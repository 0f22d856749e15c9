"""After-publish hooks: code that must react to a new revision (e.g. pre-rendering share cards)
registers here; whoever publishes a revision calls `notify_published` after committing."""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_after_publish: list[Callable[[int], None]] = []


def on_published(callback: Callable[[int], None]) -> None:
    if callback not in _after_publish:
        _after_publish.append(callback)


def notify_published(revision: int) -> None:
    for callback in _after_publish:
        try:
            callback(revision)
        except Exception:  # a failing hook must never undo or block a saved change
            log.exception("after-publish hook %r failed for revision %s", callback, revision)
