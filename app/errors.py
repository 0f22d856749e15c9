"""Clear 4xx answers: validation errors say which parameter is wrong and what is expected."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    errors = list(exc.errors()) if isinstance(exc, RequestValidationError) else []
    payload = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors]
    return JSONResponse(status_code=422, content={"detail": describe(errors), "errors": payload})


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
