"""The cached public path, cheap: public GET answers that the routes served from the page cache
(app/routes/cached.py marks them) are kept here as the exact bytes and headers the rest of the
stack produced, keyed by everything they depend on (the latest revision, today's date, scheme,
host, path, query, HTMX headers, gzip). A repeat request is answered from here before the
body and rate limits, compression, conditional requests, routing and dependencies run; it sits
inside the security headers and request-id/access-log middleware, so every header and log line
stays the same. A conditional request gets its 304 here as it would below.

Never kept: a request with the session cookie, with a body, to /admin, /static or a probe
(probes never wait for the revision check); an answer
that is not a 200, sets a cookie, or was not marked by the page cache. One revision check per
request (app/services/revisionwatch.py: its own connection in its own thread, never a pooled
connection on the event loop); a new revision empties the store.
"""

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.services.pagecache import RevisionKey, pages
from app.services.revisionwatch import RevisionWatch
from app.web.base import HttpMiddleware
from app.web.conditional import KEPT_ON_304, etag_matches
from app.web.warming import Warmer

MEMO_FLAG = "page_memo"  # set in scope["state"] by a route whose answer follows the revision
SKIPPED_PREFIXES = ("/admin", "/static/", "/healthz", "/readyz")  # probes answer alone
SESSION_COOKIE = b"ct_session="
MAX_HEADER = 64
log = logging.getLogger("app.pagememo")
# What every kept answer depends on: the latest revision, the day, and the page cache's
# generation (clearing the page cache drops what was kept from it).
Version = tuple[RevisionKey, date, int]


@dataclass(frozen=True)
class Kept:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str


def request_key(scope: Scope) -> tuple[object, ...] | None:
    """What a kept answer depends on besides the revision and the date; None: not keepable."""
    if scope["method"] != "GET" or scope["path"].startswith(SKIPPED_PREFIXES):
        return None
    wanted = {b"host": b"", b"hx-request": b"", b"hx-history-restore-request": b"",
              b"accept-encoding": b""}
    for name, value in scope["headers"]:
        if name in wanted:
            wanted[name] = value
        elif name in (b"content-length", b"transfer-encoding") or (
                name == b"cookie" and SESSION_COOKIE in value):
            return None
    if len(wanted[b"hx-request"]) > MAX_HEADER or len(wanted[b"host"]) > 255:
        return None
    coding = wanted.pop(b"accept-encoding").lower()
    return (scope.get("scheme"), scope["path"], scope.get("query_string", b""),
            *wanted.values(), coding)


class _Capture:
    """Passes the answer on, keeping a copy of it."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message = {}
        self.chunks: list[bytes] = []
        self.complete = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        await self.send(message)

    def kept(self) -> Kept | None:
        headers = list(self.start.get("headers", []))
        names = {name.lower() for name, _ in headers}
        etag = next((v.decode("latin-1") for k, v in headers if k.lower() == b"etag"), "")
        if self.start.get("status") != 200 or not self.complete or b"set-cookie" in names:
            return None
        return Kept(200, headers, b"".join(self.chunks), etag)


class Store:
    """The kept answers of one revision and day, least recently used out first."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 32 * 2**20) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.version: Version | None = None
        self.entries: OrderedDict[tuple[object, ...], Kept] = OrderedDict()
        self.bytes = 0

    def get(self, version: Version, key: tuple[object, ...]) -> Kept | None:
        if version != self.version:
            self.version, self.bytes = version, 0
            self.entries.clear()
            return None
        kept = self.entries.get(key)
        if kept is not None:
            self.entries.move_to_end(key)
        return kept

    def put(self, version: Version, key: tuple[object, ...], kept: Kept) -> None:
        if version != self.version or len(kept.body) > self.max_bytes // 4:
            return
        old = self.entries.pop(key, None)
        self.bytes += len(kept.body) - (len(old.body) if old else 0)
        self.entries[key] = kept
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= len(self.entries.popitem(last=False)[1].body)


async def send_kept(kept: Kept, scope: Scope, send: Send) -> None:
    if_none_match = next((v.decode("latin-1") for k, v in scope["headers"]
                          if k == b"if-none-match"), None)
    if if_none_match and kept.etag and etag_matches(if_none_match, kept.etag):
        headers = [(k, v) for k, v in kept.headers if k.lower() in KEPT_ON_304]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": kept.status, "headers": kept.headers})
    await send({"type": "http.response.body", "body": kept.body})


class PageMemoMiddleware(HttpMiddleware):
    def __init__(self, app: ASGIApp, *, watch: RevisionWatch, warmer: Warmer | None = None
                 ) -> None:
        super().__init__(app)
        self.watch = watch
        self.store = Store()
        self.warmer = warmer  # cache warming (app/web/warming.py)
        self.seen: RevisionKey | None = None
        if warmer is not None:
            warmer.ask(app)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = request_key(scope)
        latest = await self._latest() if key is not None else None
        if key is None or latest is None:
            await self.app(scope, receive, send)
            return
        if latest != self.seen and self.warmer is not None:
            self.seen = latest
            self.warmer.notice()  # a revision new to this worker: warm its caches, not waiting
        version = (latest, date.today(), pages.generation)
        kept = self.store.get(version, key)
        if kept is not None:
            await send_kept(kept, scope, send)
            return
        capture = _Capture(send)
        await self.app(scope, receive, capture)
        answer = capture.kept() if scope.get("state", {}).get(MEMO_FLAG) else None
        if answer is not None:
            self.store.put(version, key, answer)

    async def _latest(self) -> RevisionKey | None:
        """None when the check fails: the request then takes the full path, which answers."""
        try:
            return await self.watch.latest()
        except Exception:
            log.warning("revision check failed; serving without the memo", exc_info=True)
            return None
