"""Request body size limit (413) and per-address rate limits on writes and logins (429).

The rate limit is a fixed one-minute window kept in this process's memory: with N workers a
client can reach N times the limit. Login throttling that holds across workers is done in the
database by the login code; this is the cheap first line."""

import math
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.numbers import parse_whole
from app.web.base import HttpMiddleware
from app.web.responses import send_json_error

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WINDOW_SECONDS = 60.0
MAX_TRACKED_CLIENTS = 100_000


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=f"Request body too large: the limit is {limit} bytes.")


def declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return parse_whole(value, maximum=2**62)


class BodySizeLimitMiddleware(HttpMiddleware):
    """Refuses a declared Content-Length over the limit at once, and stops a streamed
    (chunked) body as soon as it crosses the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        too_large = BodyTooLarge(self.max_bytes)
        if (declared_length(scope) or 0) > self.max_bytes:
            await send_json_error(send, 413, too_large.detail)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise too_large
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await send_json_error(send, 413, too_large.detail)


class FixedWindowCounter:
    """Counts hits per key in the current window; old windows are forgotten."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self.window_start = clock()
        self.hits: dict[str, int] = {}

    def retry_after(self, key: str) -> int | None:
        """Count one hit; None if allowed, else whole seconds until the window resets."""
        now = self.clock()
        if now - self.window_start >= WINDOW_SECONDS or len(self.hits) > MAX_TRACKED_CLIENTS:
            self.window_start, self.hits = now, {}
        count = self.hits.get(key, 0) + 1
        self.hits[key] = count
        if count <= self.limit:
            return None
        return max(1, math.ceil(self.window_start + WINDOW_SECONDS - now))


def bucket_for(method: str, path: str) -> str | None:
    """'login', 'write', or None for reads and for the form-validation posts that editing forms
    send while the curator types (they change nothing)."""
    path = path.rstrip("/")
    if method not in WRITE_METHODS or path.endswith("/validate"):
        return None
    return "login" if path.endswith("/login") else "write"


class RateLimitMiddleware(HttpMiddleware):
    def __init__(self, app: ASGIApp, *, writes_per_minute: int, logins_per_minute: int) -> None:
        super().__init__(app)
        self.counters = {"write": FixedWindowCounter(writes_per_minute),
                         "login": FixedWindowCounter(logins_per_minute)}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = bucket_for(scope["method"], scope["path"])
        if kind is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        counter = self.counters[kind]
        wait = counter.retry_after(client[0] if client else "unknown")
        if wait is None:
            await self.app(scope, receive, send)
            return
        detail = (f"Too many {kind} requests: at most {counter.limit} a minute from one address. "
                  f"Try again in {wait} seconds.")
        await send_json_error(send, 429, detail, [(b"retry-after", str(wait).encode())])
