"""Serving from the page cache: pages, their JSON twins and the hot API answers are rendered once
per data revision (app/services/pagecache.py) and sent as stored bytes, gzip when accepted."""

import json
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from app.db import get_engine
from app.services.pagecache import CachedPage, Rendered, pages, revision_key
from app.services.records import Dataset
from app.services.revisions import newest_revision, rendering_against
from app.templating import is_htmx, render
from app.templating import wants_fragment as wants_fragment  # pages.py imports it from here
from app.web.pagememo import MEMO_FLAG
from app.web.responses import json_error

JSON = "application/json"


def is_json_path(path: str) -> bool:
    return path.endswith(".json") or path.startswith("/api/")


def accepts_gzip(header: str) -> bool:
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _response(request: Request, page: CachedPage, headers: dict[str, str] | None = None
              ) -> Response:
    request.scope.setdefault("state", {})[MEMO_FLAG] = True  # keepable by app/web/pagememo.py
    extra = {"Vary": "HX-Request, Accept-Encoding", **dict(page.headers), **(headers or {})}
    if page.location:
        extra["Location"] = page.location
    if page.gzipped and accepts_gzip(request.headers.get("accept-encoding", "")):
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
        return json_error(message, status)
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


def kept(request: Request, dataset: Dataset, render_page: Callable[[], Rendered]) -> Response:
    """An answer computed from `dataset` (already resolved by the route, `?rev=N` included) and
    this request's path, query and HTMX flag, kept per revision like the pages. A pinned answer
    is also keyed by the newest revision, which its banner names."""
    newest = 0
    if "rev" in request.query_params:
        latest = revision_key(get_engine())
        newest = latest[0] if latest else 0
    key = ("kept", dataset.revision, dataset.published_at, newest, date.today(),
           request.url.path, is_htmx(request), wants_fragment(request),
           tuple(request.query_params.multi_items()))
    with rendering_against(newest):
        page = pages.kept(key=key, revision=dataset.revision, render=render_page)
    return _response(request, page)


class Answer(Protocol):
    """An answer kept per revision (`kept_answer`): a typed value that renders itself on a miss."""

    def render(self) -> Rendered: ...


def kept_answer(request: Request, *, dataset: Dataset, answer: Answer) -> Response:
    """`kept` for a typed answer object (routes pass values, not lambdas)."""
    return kept(request, dataset, answer.render)


class PageAnswer(Protocol):
    """A page served from the page cache (`serve_answer`): rendered from the dataset of the
    revision in force on a miss."""

    def render(self, dataset: Dataset) -> Rendered: ...


def serve_answer(request: Request, *, rev: int | None, key: tuple[object, ...],
                 answer: PageAnswer, headers: dict[str, str] | None = None) -> Response:
    """`serve` for a typed page object (routes pass values, not closures)."""
    return serve(request, rev=rev, key=key, render_page=answer.render, headers=headers)


def json_body(content: Any) -> Rendered:
    """`content` as FastAPI would send it from a route returning it (plain values are written
    straight away; only what JSON cannot hold goes through FastAPI's encoder)."""
    try:
        body = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":"), default=jsonable_encoder).encode()
    except (TypeError, ValueError):
        body = bytes(JSONResponse(jsonable_encoder(content)).body)
    return Rendered(body, JSON)


def html_page(request: Request, name: str, context: dict[str, Any], *,
              block: str | None = None) -> Rendered:
    """`name` rendered for this request (only `block` when HTMX asks), as `page_response` does."""
    return Rendered(render(name, {"request": request, **context},
                           block=block if wants_fragment(request) else None))
