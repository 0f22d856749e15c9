"""The public pages and their JSON twins, served from the page cache (rendered once per revision).

Routes parse input and pick a template; what a page shows comes from app/services/pageviews.py.
"""

import json as json_text
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.config import get_settings
from app.routes.cached import JSON, json_twin, plain, serve_answer, wants_fragment
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

@dataclass(frozen=True)
class DashboardPage:
    """The map, legend and table for `filters` (the results block for HTMX), or the twin."""

    filters: ReadQuery
    json: bool
    fragment: bool

    def render(self, dataset: Dataset) -> Rendered:
        filters = self.filters
        view = dashboard(dataset=dataset, as_of=filters.day, today=today(),
                         stance=filters.stance, query=filters.q, since=filters.since,
                         sort=filters.sort)
        if self.json:
            return json_twin(view, dataset)
        context = {"view": view, "filters": filters, **page_context(dataset, "/", filters.query())}
        block = "results" if self.fragment else None
        status = 422 if filters.errors else 200
        return Rendered(render("dashboard.html", context, block=block), status=status)


@page_with_twin(router, path="/", twin="/index.json")
def dashboard_page(request: Request, filters: DashboardQuery) -> Response:
    """The map, legend and table; ?stance=, ?q=, ?as_of=, ?since=, ?sort=, ?rev= (HTMX: the
    results block); `/index.json` is its twin."""
    key = (filters.query(), filters.day, *filters.messages)
    fragment = wants_fragment(request)
    headers = {"HX-Push-Url": "/" + filters.query()} if fragment else None
    answer = DashboardPage(filters=filters, json=is_twin(request), fragment=fragment)
    return serve_answer(request, rev=filters.rev, key=key, answer=answer, headers=headers)


# --- country pages -------------------------------------------------------------------------

@dataclass(frozen=True)
class CountryPage:
    """The country page; a 301 to the canonical URL for another spelling; a 404 page if none.
    With errors in `pin` (a refused date), today's page with the message beside the date field."""

    code: str
    pin: ReadQuery
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        code, pin, json = self.code, self.pin, self.json
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
    return serve_answer(request, rev=pin.rev, key=(code, pin.as_of, pin.day, *pin.messages),
                        answer=CountryPage(code=code, pin=pin, json=is_twin(request)))


# --- sources and the codebook --------------------------------------------------------------

class SourceListView(BaseModel):
    revision: int
    sources: list[SourceSummary]


@dataclass(frozen=True)
class SourcesPage:
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        sources = list_sources(dataset=dataset)
        if self.json:
            return json_twin(SourceListView(revision=dataset.revision, sources=sources),
                             dataset)
        return Rendered(render("sources.html", {"sources": sources,
                                                **page_context(dataset, "/sources")}))


@dataclass(frozen=True)
class SourcePage:
    source_id: int
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        source = get_source(dataset=dataset, source_id=self.source_id)
        if source is None:
            message = f"No source with id {self.source_id}."
            if self.json:
                return _json_error(message)
            return Rendered(render("not_found.html", {"detail": message, "dataset": dataset}),
                            status=404)
        if self.json:
            return json_twin(source, dataset)
        context = {"source": source, **page_context(dataset, source.url_path)}
        return Rendered(render("source.html", context))


@page_with_twin(router, path="/sources")
def sources_page(request: Request, pin: PinnedQuery) -> Response:
    return serve_answer(request, rev=pin.rev, key=(), answer=SourcesPage(json=is_twin(request)))


@page_with_twin(router, path="/sources/{source_id}")
def source_page(request: Request, source_id: int, pin: PinnedQuery) -> Response:
    return serve_answer(request, rev=pin.rev, key=(),
                        answer=SourcePage(source_id=source_id, json=is_twin(request)))


@dataclass(frozen=True)
class AboutPage:
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        book = codebook(dataset=dataset)
        if self.json:
            return json_twin(book, dataset)
        return Rendered(render("about.html", {"codebook": book,
                                              **page_context(dataset, "/about")}))


@page_with_twin(router, path="/about")
def about_page(request: Request, pin: PinnedQuery) -> Response:
    return serve_answer(request, rev=pin.rev, key=(), answer=AboutPage(json=is_twin(request)))


# --- events --------------------------------------------------------------------------------

class EventListView(BaseModel):
    revision: int
    events: list[EventSummary]


@dataclass(frozen=True)
class EventsPage:
    rev_query: str
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        events = list_events(dataset=dataset)
        if self.json:
            return Rendered(EventListView(revision=dataset.revision,
                                          events=events).model_dump_json(), JSON)
        context = {"events": events, "rev_query": self.rev_query,
                   **page_context(dataset, "/events", self.rev_query)}
        return Rendered(render("events.html", context))


@dataclass(frozen=True)
class EventPage:
    slug: str
    rev_query: str
    json: bool

    def render(self, dataset: Dataset) -> Rendered:
        event = get_event(dataset=dataset, slug=self.slug)
        if event is None:
            message = f"No event with slug {self.slug[:MAX_PARAM]!r}."
            if self.json:
                return _json_error(message)
            return Rendered(render("message.html", {"title": message, "message": message,
                                                    "dataset": dataset}), status=404)
        if self.json:
            return Rendered(event.model_dump_json(), JSON)
        context = {"event": event, "rev_query": self.rev_query,
                   **page_context(dataset, event.url, self.rev_query)}
        return Rendered(render("event.html", context))


@page_with_twin(router, path="/events")
def events_page(request: Request, pin: PinnedQuery) -> Response:
    """Meetings, calls and documents, newest first; ?rev= as everywhere."""
    return serve_answer(request, rev=pin.rev, key=(pin.query(),),
                        answer=EventsPage(rev_query=pin.query(), json=is_twin(request)))


@page_with_twin(router, path="/events/{slug}")
def event_page(request: Request, slug: str, pin: PinnedQuery) -> Response:
    """One event: its facts with citations, signatories and the commitments made there."""
    return serve_answer(request, rev=pin.rev, key=(pin.query(),), answer=EventPage(
        slug=slug[:MAX_PARAM], rev_query=pin.query(), json=is_twin(request)))
