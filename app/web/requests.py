"""Request id and access log: every request gets an id (a sane incoming X-Request-ID or a new
one), returned in X-Request-ID and attached to every log line written while serving it."""

import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from app.web.base import HttpMiddleware
from app.web.logs import request_id_var
from app.web.responses import send_json_error

access_log = logging.getLogger("app.access")
error_log = logging.getLogger("app.error")

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
SECRET_QUERY_KEY = re.compile(r"pass|secret|token|csrf|key|session|auth|cookie", re.I)
INTERNAL_ERROR = "Internal server error. Quote the X-Request-ID header if you report it."


def request_id_for(headers: Headers) -> str:
    incoming = headers.get("x-request-id", "")
    return incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def redacted_query(raw: bytes) -> str:
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, "[redacted]" if SECRET_QUERY_KEY.search(k) else v) for k, v in pairs])


class _Exchange:
    """What the access log needs to know about one response."""

    def __init__(self, send: Send, request_id: str) -> None:
        self.send = send
        self.header = (b"x-request-id", request_id.encode())
        self.status = 0
        self.bytes = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            message["headers"] = [*message.get("headers", []), self.header]
        elif message["type"] == "http.response.body":
            self.bytes += len(message.get("body", b""))
        await self.send(message)


class RequestContextMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_for(Headers(scope=scope))
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        exchange = _Exchange(send, request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, exchange)
        except Exception:
            error_log.exception("unhandled error", extra={"request_id": request_id})
            if not exchange.status:
                await send_json_error(exchange, 500, INTERNAL_ERROR)
            raise
        finally:
            self._log(scope, exchange, request_id, time.perf_counter() - started)
            request_id_var.reset(token)

    @staticmethod
    def _log(scope: Scope, exchange: _Exchange, request_id: str, seconds: float) -> None:
        client = scope.get("client")
        fields = {
            "method": scope["method"],
            "path": scope["path"],
            "query": redacted_query(scope.get("query_string", b"")),
            "status": exchange.status,
            "bytes": exchange.bytes,
            "duration_ms": round(seconds * 1000, 2),
            "client": client[0] if client else None,
        }
        access_log.info("%s %s %s", scope["method"], scope["path"], exchange.status,
                        extra={"fields": fields, "request_id": request_id})
