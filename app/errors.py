"""Clear 4xx answers: validation errors say which parameter is wrong and what is expected."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.templating import render

# Addresses that answer machines: their errors stay JSON whatever the client accepts.
MACHINE_SUFFIXES = (".json", ".atom", ".csv", ".zip", ".png", ".xml", ".txt")


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


def wants_page(request: Request) -> bool:
    """A browser asking for a public page (not /api, not a data file, not admin HTMX)."""
    path = request.url.path
    return (not path.startswith(("/api/", "/api", "/static/", "/cards/"))
            and not path.endswith(MACHINE_SUFFIXES)
            and "text/html" in request.headers.get("accept", ""))


async def http_error(request: Request, exc: Exception) -> Response:
    """HTTP errors as JSON `detail`; a 404 for a browser's public address: the HTML 404 page,
    with links and the search box."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    detail = exc.detail if isinstance(exc, StarletteHTTPException) else "Server error."
    headers = getattr(exc, "headers", None)
    if status in (204, 304):
        return Response(status_code=status, headers=headers)
    if status == 404 and wants_page(request):
        body = render("not_found.html", {"detail": detail if detail != "Not Found" else None})
        return HTMLResponse(body, 404, headers=headers)
    return JSONResponse({"detail": detail}, status, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
