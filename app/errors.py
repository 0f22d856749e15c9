"""Clear 4xx answers: validation errors say which parameter is wrong and what is expected; and
fast 503s instead of stalls when the database is busy (no free connection within POOL_TIMEOUT,
or SQLite's write lock held by other saves). One error shape: JSON `{"detail", "errors"}`
(app/web/responses.py) for API and `.json` addresses, the message page for the rest."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.routes.cached import plain
from app.routes.query import QueryRefused
from app.services.locking import DatabaseBusy
from app.templating import render
from app.web.responses import FieldError, json_error

# Addresses that answer machines: their errors stay JSON whatever the client accepts.
MACHINE_SUFFIXES = (".json", ".atom", ".csv", ".zip", ".png", ".xml", ".txt")
BUSY = "The server is busy: try again in a moment."
RETRY = {"Retry-After": "2", "Cache-Control": "no-store"}


def describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    errors = list(exc.errors()) if isinstance(exc, RequestValidationError) else []
    fields = [FieldError(loc=tuple(e.get("loc", ())), msg=str(e.get("msg", "")),
                         type=str(e.get("type", ""))) for e in errors]
    return json_error(describe(errors), 422, errors=fields)


async def query_refused(_request: Request, exc: Exception) -> JSONResponse:
    """A refused public query (app/routes/query.py): the same words a page shows at its fields."""
    errors = exc.errors if isinstance(exc, QueryRefused) else ()
    return json_error(str(exc), 422, errors=errors)


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
    return json_error(str(detail), status, headers=headers)


def is_busy(exc: Exception) -> bool:
    """A pool timeout, a busy SQLite, or DatabaseBusy: worth a 503 and a retry, not a 500."""
    if isinstance(exc, OperationalError):
        return "database is locked" in str(exc) or "database is busy" in str(exc)
    return isinstance(exc, PoolTimeout | DatabaseBusy)


async def busy(request: Request, exc: Exception) -> Response:
    if not is_busy(exc):
        raise exc
    response = plain(request, BUSY, 503)
    response.headers.update(RETRY)
    return response


ERROR_BODY = {"type": "object", "title": "ErrorBody", "required": ["detail", "errors"],
              "properties": {"detail": {"type": "string", "title": "Detail"},
                             "errors": {"type": "array", "items": {"type": "object"}}}}
VALIDATION_BODY = {
    "type": "object", "title": "HTTPValidationError", "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "title": "Detail", "description": "What is wrong, in words"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
    },
}
ERROR_ANSWERS = {
    "404": "No such record, or no such revision (`rev`)",
    "503": "The database is busy (retry after Retry-After seconds), or nothing is published yet",
}


def _document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation documents the errors it can answer, in the one shape they have."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ERROR_BODY
    schemas["HTTPValidationError"] = VALIDATION_BODY
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = ERROR_ANSWERS if path != "/healthz" else {}
            for status, description in wanted.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return schema


def install_openapi(app: FastAPI) -> None:
    """Call after every router is included."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(QueryRefused, query_refused)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for kind in (PoolTimeout, DatabaseBusy, OperationalError):
        app.add_exception_handler(kind, busy)
