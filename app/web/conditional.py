"""Conditional GETs for HTML and JSON: every 200 answer carries an ETag (the page cache's, which
follows the dataset revision, or a hash of the body when the route set none) and `no-cache`, so
clients revalidate and an unchanged page costs a 304 with no body."""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from app.web.base import HttpMiddleware

VALIDATED_TYPES = ("text/html", "application/json")
KEPT_ON_304 = frozenset({b"etag", b"cache-control", b"vary", b"content-location", b"expires"})


def body_etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:24]}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def is_validated(message: Message) -> bool:
    content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
    return message["status"] == 200 and content_type.startswith(VALIDATED_TYPES)


class _ConditionalResponder:
    def __init__(self, send: Send, if_none_match: str | None) -> None:
        self.send = send
        self.if_none_match = if_none_match
        self.start: Message = {}
        self.mode = "pass"  # pass | buffer | not_modified
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._on_start(message)
        elif message["type"] == "http.response.body" and self.mode != "pass":
            await self._on_body(message)
        else:
            await self.send(message)

    async def _on_start(self, message: Message) -> None:
        if not is_validated(message):
            await self.send(message)
            return
        headers = MutableHeaders(raw=message["headers"])
        headers.setdefault("cache-control", "no-cache")
        self.start = message
        etag = headers.get("etag")
        if etag is None:
            self.mode = "buffer"
        elif self.if_none_match and etag_matches(self.if_none_match, etag):
            self.mode = "not_modified"
            await self._send_not_modified()
        else:
            await self.send(message)

    async def _on_body(self, message: Message) -> None:
        if self.mode == "not_modified":
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(self.chunks)
        etag = body_etag(body)
        MutableHeaders(raw=self.start["headers"])["etag"] = etag
        if self.if_none_match and etag_matches(self.if_none_match, etag):
            await self._send_not_modified()
            return
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": body})

    async def _send_not_modified(self) -> None:
        kept = [(k, v) for k, v in self.start["headers"] if k.lower() in KEPT_ON_304]
        await self.send({"type": "http.response.start", "status": 304, "headers": kept})
        await self.send({"type": "http.response.body", "body": b""})


class ConditionalGetMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        await self.app(scope, receive, _ConditionalResponder(send, if_none_match))
