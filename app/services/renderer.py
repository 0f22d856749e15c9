"""The image renderer behind share cards: one kaleido (headless Chromium) per process, started on
first use in its own event-loop thread, with local plotly.js and outlines and no MathJax.

Every wait is bounded: a browser that cannot start or render raises `CardUnavailable` instead
of hanging a request, and after a failed start the next attempt waits `RETRY_AFTER` seconds.
"""

import asyncio
import atexit
import logging
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from app.config import PROJECT_ROOT

log = logging.getLogger(__name__)

START_TIMEOUT = 45.0
RENDER_TIMEOUT = 30.0
RETRY_AFTER = 60.0
PLOTLY_JS = PROJECT_ROOT / "static" / "vendor" / "plotly-geo.min.js"
TOPOJSON_URL = (PROJECT_ROOT / "static" / "topojson").as_uri() + "/"


class CardUnavailable(RuntimeError):
    """The share-card renderer cannot start or render in this process."""


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()


def _wait(coro: Coroutine[Any, Any, Any], loop: asyncio.AbstractEventLoop, timeout: float
          ) -> Any:
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        future.cancel()
        raise TimeoutError(f"no answer within {timeout:.0f} s") from None


class Renderer:
    """A lazily started kaleido browser; `render` is safe to call from any thread."""

    def __init__(self, *, browser_path: str | None = None) -> None:
        self._browser_path = browser_path
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._failure: tuple[float, str] | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._kaleido is not None

    def render(self, figure: dict[str, Any], *, width: int, height: int) -> bytes:
        """PNG bytes of a Plotly figure; raises CardUnavailable within a bounded time."""
        with self._lock:
            kaleido, loop = self._ensure_started()
            opts = {"format": "png", "width": width, "height": height}
            try:
                png = _wait(kaleido.calc_fig(figure, opts=opts, topojson=TOPOJSON_URL), loop,
                            RENDER_TIMEOUT)
            except Exception as exc:
                self._stop()
                raise CardUnavailable(f"the image renderer failed: {exc}") from exc
            return bytes(png)

    def _ensure_started(self) -> tuple[Any, asyncio.AbstractEventLoop]:
        if self._kaleido is not None and self._loop is not None:
            return self._kaleido, self._loop
        if self._failure and time.monotonic() - self._failure[0] < RETRY_AFTER:
            raise CardUnavailable(self._failure[1])
        loop = asyncio.new_event_loop()
        threading.Thread(target=_run_loop, args=(loop,), daemon=True, name="kaleido").start()
        self._loop = loop
        try:
            self._kaleido = _wait(self._open(), loop, START_TIMEOUT)
        except Exception as exc:
            message = f"the image renderer could not start: {type(exc).__name__}: {exc}"
            self._failure = (time.monotonic(), message)
            self._stop()
            raise CardUnavailable(message) from exc
        self._failure = None
        atexit.register(self.stop)
        return self._kaleido, loop

    async def _open(self) -> Any:
        from kaleido import Kaleido  # imported here: processes that never render never load it

        options = {"path": self._browser_path} if self._browser_path else {}
        kaleido = Kaleido(n=1, mathjax=False, plotlyjs=str(PLOTLY_JS), timeout=RENDER_TIMEOUT,
                          **options)
        await kaleido.open()
        return kaleido

    def _stop(self) -> None:
        kaleido, loop = self._kaleido, self._loop
        self._kaleido = self._loop = None
        if loop is None:
            return
        if kaleido is not None:
            try:
                _wait(kaleido.close(), loop, 10)
            except Exception:  # closing is best effort; the browser dies with the process
                log.warning("kaleido browser did not close cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)

    def stop(self) -> None:
        with self._lock:
            self._stop()


_shared = Renderer()


def renderer() -> Renderer:
    """The process-wide renderer (its browser starts on the first render)."""
    return _shared
