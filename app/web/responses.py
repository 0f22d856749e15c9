"""The one JSON error shape, `{"detail": "what is wrong, in words", "errors": [{"loc", "msg",
"type"}, ...]}` (`errors` lists each refused parameter when there are several to name, else is
empty), for every API answer, `.json` twin and middleware refusal; and small raw ASGI answers
sent by middleware before the app runs."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import Send


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str | int, ...]
    msg: str
    type: str


def error_content(detail: str, errors: Sequence[FieldError] = ()) -> dict[str, object]:
    return {"detail": detail,
            "errors": [{"loc": list(e.loc), "msg": e.msg, "type": e.type} for e in errors]}


def json_error(detail: str, status: int, *, errors: Sequence[FieldError] = (),
               headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_content(detail, errors), status, headers=headers)


async def send_json_error(send: Send, status: int, detail: str,
                          headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(error_content(detail)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
