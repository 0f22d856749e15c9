"""The public pages and their JSON twins, served from the page cache (rendered once per revision).

Routes parse input and pick a template; what a page shows comes from app/services/pageviews.py.
"""

import json as json_text
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.config import get_settings
from app.routes.cached import JSON, json_twin, plain, serve, wants_fragment
from app.routes.deps import page_with_twin
from app.routes.query import (
    MAX_PARAM,
    DashboardQuery,
    DatedPageQuery,
    PinnedQuery,
    ReadQuery,
    is_twin,
    today,
)
from app.services.events import EventSummary, get_event, list_events
from app.services.pagecache import Rendered
from app.services.pageviews import codebook, country_page, dashboard, find_country_code
from app.services.records import Dataset
from app.services.sources import SourceSummary, get_source, list_sources
from app.templating import render
from app.web.responses import error_content

router = APIRouter(include_in_schema=False)


def page_context(dataset: Dataset, path: str, query: str = "") -> dict[str, Any]:
    """What every full page gets: the dataset (footer) and, for the "cite this page" line, a
    request for the canonical address: a cached page must not repeat a visitor's stray query."""
    scope = {"type": "http", "method": "GET", "path": path, "headers": [],
             "query_string": query.lstrip("?").encode()}
    return {"dataset": dataset, "request": Request(scope)}


# --- the dashboard -------------------------------------------------------------------------

def _dashboard_renderer(request: Request, filters: ReadQuery, json: bool
                        ) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        view = dashboard(dataset=dataset, as_of=filters.day, today=today(),
                         stance=filters.stance, query=filters.q, since=filters.since,
                         sort=filters.sort)
        if json:
            return json_twin(view, dataset)
        context = {"view": view, "filters": filters, **page_context(dataset, "/", filters.query())}
        block = "results" if wants_fragment(request) else None
        status = 422 if filters.errors else 200
        return Rendered(render("dashboard.html", context, block=block), status=status)

    return render_page


@page_with_twin(router, path="/", twin="/index.json")
def dashboard_page(request: Request, filters: DashboardQuery) -> Response:
    """The map, legend and table; ?stance=, ?q=, ?as_of=, ?since=, ?sort=, ?rev= (HTMX: the
    results block); `/index.json` is its twin."""
    key = (filters.query(), filters.day, *filters.messages)
    headers = {"HX-Push-Url": "/" + filters.query()} if wants_fragment(request) else None
    return serve(request, rev=filters.rev, key=key, headers=headers,
                 render_page=_dashboard_renderer(request, filters, is_twin(request)))


# --- country pages -------------------------------------------------------------------------

def _country_renderer(code: str, pin: ReadQuery, *, json: bool) -> Callable[[Dataset], Rendered]:
    """The country page; a 301 to the canonical URL for another spelling; a 404 page if none.
    With errors in `pin` (a refused date), today's page with the message beside the date field."""
    def render_page(dataset: Dataset) -> Rendered:
        canonical = find_country_code(dataset=dataset, text=code)
        if canonical is None:
            return _country_not_found(dataset, code, json=json)
        if canonical.lower() != code:
            suffix = ".json" if json else ""
            return Rendered("", status=301,
                            location=f"/countries/{canonical.lower()}{suffix}{pin.query()}")
        page = country_page(dataset=dataset, code=canonical, as_of=pin.day, today=today())
        if page is None:
            return _country_not_found(dataset, code, json=json)
        if json:
            return json_twin(page, dataset)
        view_query = pin.query()
        context = {"page": page, "rev_query": f"?rev={pin.rev}" if pin.rev else "",
                   **page_context(dataset, page.url, view_query), "view_query": view_query,
                   "share_url": _absolute(page.url + view_query), "as_of": pin.as_of,
                   "errors": pin.messages}
        return Rendered(render("country.html", context), status=422 if pin.errors else 200)

    return render_page


def _country_not_found(dataset: Dataset, code: str, *, json: bool) -> Rendered:
    if json:
        return _json_error(f"No country with code or name {code!r}.")
    context = {"code": code, **page_context(dataset, f"/countries/{code}"),
               "countries": sorted(dataset.countries, key=lambda c: c.name)}
    return Rendered(render("country_not_found.html", context), status=404)


def _json_error(message: str, status: int = 404) -> Rendered:
    return Rendered(json_text.dumps(error_content(message)), JSON, status)


def _absolute(path: str) -> str:
    return get_settings().public_base_url.rstrip("/") + path


@page_with_twin(router, path="/countries/{code}")
def country(request: Request, code: str, pin: DatedPageQuery) -> Response:
    """The country page (canonical: lower-case code); ?as_of= and ?rev= as on the dashboard."""
    if len(code) > MAX_PARAM:
        return plain(request, "Country name too long.", 422)
    return serve(request, rev=pin.rev, key=(code, pin.as_of, pin.day, *pin.messages),
                 render_page=_country_renderer(code, pin, json=is_twin(request)))


# --- sources and the codebook --------------------------------------------------------------

def _sources_renderer(*, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        sources = list_sources(dataset=dataset)
        if json:
            return json_twin(SourceListView(revision=dataset.revision, sources=sources),
                             dataset)
        return Rendered(render("sources.html", {"sources": sources,
                                                **page_context(dataset, "/sources")}))

    return render_page


def _source_renderer(source_id: int, *, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        source = get_source(dataset=dataset, source_id=source_id)
        if source is None:
            message = f"No source with id {source_id}."
            if json:
                return _json_error(message)
            return Rendered(render("not_found.html", {"detail": message, "dataset": dataset}),
                            status=404)
        if json:
            return json_twin(source, dataset)
        context = {"source": source, **page_context(dataset, source.url_path)}
        return Rendered(render("source.html", context))

    return render_page


class SourceListView(BaseModel):
    revision: int
    sources: list[SourceSummary]


@page_with_twin(router, path="/sources")
def sources_page(request: Request, pin: PinnedQuery) -> Response:
    return serve(request, rev=pin.rev, key=(),
                 render_page=_sources_renderer(json=is_twin(request)))


@page_with_twin(router, path="/sources/{source_id}")
def source_page(request: Request, source_id: int, pin: PinnedQuery) -> Response:
    return serve(request, rev=pin.rev, key=(),
                 render_page=_source_renderer(source_id, json=is_twin(request)))


def _about_renderer(*, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        book = codebook(dataset=dataset)
        if json:
            return json_twin(book, dataset)
        return Rendered(render("about.html", {"codebook": book,
                                              **page_context(dataset, "/about")}))

    return render_page


@page_with_twin(router, path="/about")
def about_page(request: Request, pin: PinnedQuery) -> Response:
    return serve(request, rev=pin.rev, key=(), render_page=_about_renderer(json=is_twin(request)))


# --- events --------------------------------------------------------------------------------

class EventListView(BaseModel):
    revision: int
    events: list[EventSummary]


def _events_renderer(rev_query: str, *, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        events = list_events(dataset=dataset)
        if json:
            return Rendered(EventListView(revision=dataset.revision,
                                          events=events).model_dump_json(), JSON)
        context = {"events": events, "rev_query": rev_query,
                   **page_context(dataset, "/events", rev_query)}
        return Rendered(render("events.html", context))

    return render_page


def _event_renderer(slug: str, rev_query: str, *, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        event = get_event(dataset=dataset, slug=slug)
        if event is None:
            message = f"No event with slug {slug[:MAX_PARAM]!r}."
            if json:
                return _json_error(message)
            return Rendered(render("message.html", {"title": message, "message": message,
                                                    "dataset": dataset}), status=404)
        if json:
            return Rendered(event.model_dump_json(), JSON)
        context = {"event": event, "rev_query": rev_query,
                   **page_context(dataset, event.url, rev_query)}
        return Rendered(render("event.html", context))

    return render_page


@page_with_twin(router, path="/events")
def events_page(request: Request, pin: PinnedQuery) -> Response:
    """Meetings, calls and documents, newest first; ?rev= as everywhere."""
    return serve(request, rev=pin.rev, key=(pin.query(),),
                 render_page=_events_renderer(pin.query(), json=is_twin(request)))


@page_with_twin(router, path="/events/{slug}")
def event_page(request: Request, slug: str, pin: PinnedQuery) -> Response:
    """One event: its facts with citations, signatories and the commitments made there."""
    return serve(request, rev=pin.rev, key=(pin.query(),),
                 render_page=_event_renderer(slug[:MAX_PARAM], pin.query(),
                                             json=is_twin(request)))
