"""Serving from the page cache: pages, their JSON twins and the hot API answers are rendered once
per data revision (app/services/pagecache.py) and sent as stored bytes, gzip when accepted."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from app.db import get_engine
from app.services.pagecache import CachedPage, Rendered, pages, revision_key
from app.services.records import Dataset
from app.services.revisions import newest_revision, rendering_against
from app.templating import is_htmx, render

JSON = "application/json"


def is_json_path(path: str) -> bool:
    return path.endswith(".json") or path.startswith("/api/")


def wants_fragment(request: Request) -> bool:
    """An HTMX swap wants the named block; restoring history after a cache miss wants the page."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def accepts_gzip(header: str) -> bool:
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _response(request: Request, page: CachedPage, headers: dict[str, str] | None = None
              ) -> Response:
    extra = {"Vary": "HX-Request, Accept-Encoding", **(headers or {})}
    if page.location:
        extra["Location"] = page.location
    if page.body and accepts_gzip(request.headers.get("accept-encoding", "")):
        extra.update({"Content-Encoding": "gzip", "ETag": page.gzip_etag})
        return Response(page.gzipped, page.status, extra, page.media_type)
    extra["ETag"] = page.etag
    return Response(page.body, page.status, extra, page.media_type)


def _missing_revision(request: Request, rev: int | None) -> Response:
    if rev is None:
        message = "No dataset has been published yet: run the seed command."
        return plain(request, message, 503)
    return plain(request, f"Revision {rev} does not exist.", 404)


def plain(request: Request, message: str, status: int) -> Response:
    if is_json_path(request.url.path):
        return JSONResponse({"detail": message}, status)
    body = render("message.html", {"title": message, "message": message})
    return Response(body, status, media_type="text/html; charset=utf-8")


def json_twin(view: BaseModel, dataset: Dataset) -> Rendered:
    """A page's JSON twin: its view, with the latest published revision beside its own."""
    body = view.model_dump_json()
    latest = f'{{"latest_revision":{newest_revision(dataset)}'
    return Rendered(latest + ("," if body != "{}" else "") + body[1:], JSON)


def serve(request: Request, *, rev: int | None, key: tuple[object, ...],
          render_page: Callable[[Dataset], Rendered],
          headers: dict[str, str] | None = None) -> Response:
    """The cached page for this request's path + normalised query, HTMX flag and date. A page
    pinned to a revision (`rev`) is also keyed by the newest revision, which its banner names.
    It asks the database for the revision in force: call it from `def` routes (worker threads),
    never from `async def` ones, where a wait for a connection would stall the event loop."""
    newest = 0
    if rev is not None:
        latest = revision_key(get_engine())
        newest = latest[0] if latest else 0
    full_key = (request.url.path, wants_fragment(request), newest, *key)
    with rendering_against(newest):
        page = pages.page(engine=get_engine(), revision=rev, key=full_key, render=render_page)
    if page is None:
        return _missing_revision(request, rev)
    return _response(request, page, headers)
