"""Cache warming after a publish: when this worker first sees a new revision (its revision check
in app/web/pagememo.py, or a save it published itself, app/services/hooks.py), the answers that
are expensive to build at a large dataset (the change list, the downloads, the sources API) are
rendered into this process's page cache in the background, so a reader's first request after
an edit is a cache hit instead of a whole-dataset pass.

Each web worker warms its own cache (the cache is per process). One thread per worker, started
on first use: a notice never blocks or waits (it sets a flag), notices coalesce (single flight),
the work is bounded (the `WARM_PATHS`, one at a time), and a newer revision supersedes the one
being warmed: what is left of the older one is dropped. After a save in this process the pass
waits `AFTER_A_SAVE` seconds, so the curator's answer does not share the interpreter with it.
The answers are asked of the app below the cached public path, as plain GETs without query,
cookie or compression, so they are exactly what a reader's first GET of the same address would
render and keep (`?rev=N` answers are keyed by their own revision and are not touched). Turned
off by `WARM_CACHES=false`.
"""

import asyncio
import ctypes
import ctypes.util
import logging
import threading
import time
import weakref
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.types import ASGIApp, Message

from app.services.hooks import on_published
from app.services.pagecache import RevisionKey, revision_key

# Cold at 100x: 0.5-1 s each (bench/scale.py); "/" is the page most readers open.
WARM_PATHS = ("/changes", "/changes.json", "/countries.csv", "/api/sources",
              "/data/coalition-tracker.json", "/data/coalition-tracker.zip", "/")
IDLE_SECONDS = 60  # a warming thread with nothing to do for this long ends
AFTER_A_SAVE = 0.3  # seconds a pass waits after a save in this process, whose 303 goes first
log = logging.getLogger("app.warming")
_warmers: "weakref.WeakSet[Warmer]" = weakref.WeakSet()


class Warmer:
    def __init__(self, *, engine_of: Callable[[], Engine], base_url: str,
                 paths: tuple[str, ...] = WARM_PATHS) -> None:
        self.app: ASGIApp | None = None  # set by `ask`
        self.engine_of, self.paths = engine_of, paths
        split = urlsplit(base_url)
        self.scheme, self.host = split.scheme or "http", split.netloc or "localhost"
        self.warmed: RevisionKey | None = None  # the revision whose paths were all warmed
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._not_before = 0.0  # monotonic time before which a pass does not start
        _warmers.add(self)

    def ask(self, app: ASGIApp) -> None:
        """Warm by asking `app` (the stack below the cached public path)."""
        self.app = app

    def notice(self, *, after: float = 0.0) -> None:
        """A new revision may be published: warm it soon (not before `after` seconds). Never
        blocks."""
        if self.app is None:
            return
        self._not_before = max(self._not_before, time.monotonic() + after)
        self._wanted.set()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cache-warming",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            if not self._wanted.wait(timeout=IDLE_SECONDS):
                with self._lock:  # idle: the thread ends, unless a notice came just now
                    if not self._wanted.is_set():
                        self._thread = None
                        return
                continue
            time.sleep(max(0.0, self._not_before - time.monotonic()))
            self._wanted.clear()
            try:
                self.warm_latest()
            except Exception:  # warming is an optimisation: never let it take a worker down
                log.warning("cache warming failed", exc_info=True)

    def warm_latest(self) -> bool:
        """Warm every path for the latest revision; False when superseded or nothing to do."""
        latest = revision_key(self.engine_of())
        if latest is None or latest == self.warmed:
            return False
        try:
            done = asyncio.run(self._warm(latest))  # one loop (and its worker thread) a pass
        finally:
            release_free_memory()
        if done:
            self.warmed = latest
        return done

    async def _warm(self, latest: RevisionKey) -> bool:
        for path in self.paths:
            if self._wanted.is_set() and self._superseded(latest):
                return False  # a newer revision: the loop starts over with it
            await self._get(path)
        return True

    def _superseded(self, warming: RevisionKey) -> bool:
        return revision_key(self.engine_of()) != warming

    async def _get(self, path: str) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": self.scheme, "path": path,
                 "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", self.host.encode())], "client": ("127.0.0.1", 0),
                 "server": ("127.0.0.1", 0), "state": {}}
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)  # no disconnect while the answer is built
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            return None

        if self.app is not None:
            await self.app(scope, receive, send)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
        return trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def release_free_memory() -> None:
    """Hand the memory a warming pass freed back to the system (glibc keeps what a thread's own
    arena freed, so building the downloads in this thread would otherwise raise the worker's
    resident size for good)."""
    if _trim is not None:
        _trim(0)


def _notice_all(_revision: int) -> None:
    """A save published by this process: every warmer in it (one per app) warms, once the
    save's own answer has had time to go out (the pass competes with it for the interpreter)."""
    for warmer in list(_warmers):
        warmer.notice(after=AFTER_A_SAVE)


on_published(_notice_all)
