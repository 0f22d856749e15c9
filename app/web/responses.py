"""Small raw ASGI answers sent by middleware before the app runs."""

import json

from starlette.types import Send


async def send_json_error(send: Send, status: int, detail: str,
                          headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
