"""The public pages and their JSON twins, served from the page cache (rendered once per revision).

Routes parse input and pick a template; what a page shows comes from app/services/pageviews.py.
"""

import json as json_text
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.config import get_settings
from app.models import Stance
from app.numbers import MAX_ID, parse_id
from app.routes.cached import JSON, json_twin, plain, serve, wants_fragment
from app.routes.deps import future_date_error, resolve_as_of, today
from app.services.events import EventSummary, get_event, list_events
from app.services.mapmarks import TableSort
from app.services.pagecache import Rendered
from app.services.pageviews import codebook, country_page, dashboard, find_country_code
from app.services.records import Dataset
from app.services.sources import SourceSummary, get_source, list_sources
from app.templating import render
from app.web.responses import error_content, json_error

router = APIRouter(include_in_schema=False)

MAX_PARAM = 100


class Filters(BaseModel):
    """The dashboard's filter state as it appears in the URL."""

    as_of: date | None = None
    stance: Stance | None = None
    q: str | None = None
    rev: int | None = None
    since: date | None = None
    sort: TableSort | None = None
    errors: list[str] = []

    def query(self) -> str:
        values = {"stance": self.stance, "q": self.q, "as_of": self.as_of, "since": self.since,
                  "sort": self.sort, "rev": self.rev}
        pairs = [(k, str(v)) for k, v in values.items() if v not in (None, "")]
        return "?" + urlencode(pairs) if pairs else ""


def _parse_date(text: str | None, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(f"“{text}” is not a date: use YYYY-MM-DD.")
        return None
    future = future_date_error(day)
    if future:
        errors.append(future)
        return None
    return day


def _parse_stance(text: str | None, errors: list[str]) -> Stance | None:
    if not text:
        return None
    if text in Stance.__members__:
        return Stance(text)
    errors.append(f"“{text}” is not a stance: use one of {', '.join(Stance)}.")
    return None


def _parse_rev(text: str | None, errors: list[str]) -> int | None:
    if not text:
        return None
    number = parse_id(text)
    if number is not None:
        return number
    errors.append(f"“{text[:20]}” is not a revision number: use a whole number from 1 to {MAX_ID}.")
    return None


def _parse_sort(text: str | None, errors: list[str]) -> TableSort | None:
    if not text:
        return None
    if text in TableSort._value2member_map_:
        return TableSort(text)
    errors.append(f"“{text[:20]}” is not a table order: use one of {', '.join(TableSort)} "
                  "(“-” first for descending).")
    return None


def _check_since(since: date | None, as_of: date | None, errors: list[str]) -> date | None:
    """`since` (the earlier date of a comparison) must not be after the date shown."""
    if since is None or since <= (as_of or today()):
        return since
    errors.append(f"since: {since.isoformat()} is after the date shown; pick an earlier date to "
                  "compare with.")
    return None


def _param(request: Request, name: str, errors: list[str]) -> str | None:
    """A query parameter of at most MAX_PARAM characters (read directly: this is a hot path)."""
    value = request.query_params.get(name)
    if value is not None and len(value) > MAX_PARAM:
        errors.append(f"{name}: at most {MAX_PARAM} characters.")
        return None
    return value


def parse_filters(request: Request) -> Filters:
    """Empty fields (a form sent without JavaScript) mean "no filter"; bad values are reported."""
    errors: list[str] = []
    as_of, stance, q, rev, since, sort = (_param(request, name, errors) for name in
                                          ("as_of", "stance", "q", "rev", "since", "sort"))
    day = _parse_date(as_of, errors)
    return Filters(as_of=day, stance=_parse_stance(stance, errors),
                   q=(q or "").strip() or None, rev=_parse_rev(rev, errors),
                   since=_check_since(_parse_date(since, errors), day, errors),
                   sort=_parse_sort(sort, errors), errors=errors)


def page_context(dataset: Dataset, path: str, query: str = "") -> dict[str, Any]:
    """What every full page gets: the dataset (footer) and, for the "cite this page" line, a
    request for the canonical address: a cached page must not repeat a visitor's stray query."""
    scope = {"type": "http", "method": "GET", "path": path, "headers": [],
             "query_string": query.lstrip("?").encode()}
    return {"dataset": dataset, "request": Request(scope)}


def _day_key(as_of: date | None) -> date:
    """Part of the key: the asked date, or today's, since "current" moves with the calendar."""
    return resolve_as_of(as_of)


# --- the dashboard -------------------------------------------------------------------------

def _dashboard_renderer(request: Request, filters: Filters, json: bool
                        ) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        view = dashboard(dataset=dataset, as_of=resolve_as_of(filters.as_of), today=today(),
                         stance=filters.stance, query=filters.q, since=filters.since,
                         sort=filters.sort)
        if json:
            return json_twin(view, dataset)
        context = {"view": view, "filters": filters, **page_context(dataset, "/", filters.query())}
        block = "results" if wants_fragment(request) else None
        status = 422 if filters.errors else 200
        return Rendered(render("dashboard.html", context, block=block), status=status)

    return render_page


def _dashboard(request: Request, filters: Filters, *, json: bool) -> Response:
    key = (filters.query(), _day_key(filters.as_of), *filters.errors)
    headers = {"HX-Push-Url": "/" + filters.query()} if wants_fragment(request) else None
    return serve(request, rev=filters.rev, key=key,
                  render_page=_dashboard_renderer(request, filters, json), headers=headers)


@router.get("/")
def dashboard_page(request: Request) -> Response:
    """The map, legend and table; ?stance=, ?q=, ?as_of=, ?rev= (HTMX: the results block)."""
    filters = parse_filters(request)
    return _dashboard(request, filters, json=False)


@router.get("/index.json")
def dashboard_json(request: Request) -> Response:
    filters = parse_filters(request)
    if filters.errors:
        return json_error(" ".join(filters.errors), 422)
    return _dashboard(request, filters, json=True)


# --- country pages -------------------------------------------------------------------------

def _country_renderer(code: str, as_of: date | None, rev: int | None, *, json: bool,
                      errors: tuple[str, ...] = ()) -> Callable[[Dataset], Rendered]:
    """The country page; a 301 to the canonical URL for another spelling; a 404 page if none.
    With `errors` (a refused date), today's page with the message beside the date field."""
    def render_page(dataset: Dataset) -> Rendered:
        canonical = find_country_code(dataset=dataset, text=code)
        if canonical is None:
            return _country_not_found(dataset, code, json=json)
        if canonical.lower() != code:
            query = Filters(as_of=as_of, rev=rev).query()
            suffix = ".json" if json else ""
            return Rendered("", status=301,
                            location=f"/countries/{canonical.lower()}{suffix}{query}")
        page = country_page(dataset=dataset, code=canonical, as_of=resolve_as_of(as_of),
                            today=today())
        if page is None:
            return _country_not_found(dataset, code, json=json)
        if json:
            return json_twin(page, dataset)
        view_query = Filters(as_of=as_of, rev=rev).query()
        context = {"page": page, "rev_query": f"?rev={rev}" if rev else "",
                   **page_context(dataset, page.url, view_query), "view_query": view_query,
                   "share_url": _absolute(page.url + view_query), "as_of": as_of,
                   "errors": errors}
        return Rendered(render("country.html", context), status=422 if errors else 200)

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


def _country(request: Request, code: str, *, json: bool) -> Response:
    filters = parse_filters(request)
    if len(code) > MAX_PARAM or (filters.errors and json):
        return plain(request, " ".join(filters.errors) or "Country name too long.", 422)
    day, rev, errors = filters.as_of, filters.rev, tuple(filters.errors)
    return serve(request, rev=rev, key=(code, day, _day_key(day), *errors),
                  render_page=_country_renderer(code, day, rev, json=json, errors=errors))


@router.get("/countries/{code}.json")
def country_json(request: Request, code: str) -> Response:
    return _country(request, code, json=True)


@router.get("/countries/{code}")
def country(request: Request, code: str) -> Response:
    """The country page (canonical: lower-case code); ?as_of= and ?rev= as on the dashboard."""
    return _country(request, code, json=False)


def _serve_plain(request: Request, render_page: Callable[[Dataset], Rendered]) -> Response:
    """A page with no parameter but ?rev= (anything but a revision number reads the latest)."""
    rev = _parse_rev(request.query_params.get("rev"), [])
    return serve(request, rev=rev, key=(), render_page=render_page)


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


@router.get("/sources.json")
def sources_json(request: Request) -> Response:
    return _serve_plain(request, _sources_renderer(json=True))


@router.get("/sources")
def sources_page(request: Request) -> Response:
    return _serve_plain(request, _sources_renderer(json=False))


@router.get("/sources/{source_id}.json")
def source_json(request: Request, source_id: int) -> Response:
    return _serve_plain(request, _source_renderer(source_id, json=True))


@router.get("/sources/{source_id}")
def source_page(request: Request, source_id: int) -> Response:
    return _serve_plain(request, _source_renderer(source_id, json=False))


def _about_renderer(*, json: bool) -> Callable[[Dataset], Rendered]:
    def render_page(dataset: Dataset) -> Rendered:
        book = codebook(dataset=dataset)
        if json:
            return json_twin(book, dataset)
        return Rendered(render("about.html", {"codebook": book,
                                              **page_context(dataset, "/about")}))

    return render_page


@router.get("/about.json")
def about_json(request: Request) -> Response:
    return _serve_plain(request, _about_renderer(json=True))


@router.get("/about")
def about_page(request: Request) -> Response:
    return _serve_plain(request, _about_renderer(json=False))


# --- events --------------------------------------------------------------------------------

class EventListView(BaseModel):
    revision: int
    events: list[EventSummary]


def _pin(request: Request) -> tuple[int | None, str]:
    """The asked revision and the query that keeps it on the page's links (?rev=N or "")."""
    rev = _parse_rev(request.query_params.get("rev"), [])
    return rev, f"?rev={rev}" if rev else ""


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


@router.get("/events.json")
def events_json(request: Request) -> Response:
    rev, pin = _pin(request)
    return serve(request, rev=rev, key=(pin,), render_page=_events_renderer(pin, json=True))


@router.get("/events")
def events_page(request: Request) -> Response:
    """Meetings, calls and documents, newest first; ?rev= as everywhere."""
    rev, pin = _pin(request)
    return serve(request, rev=rev, key=(pin,), render_page=_events_renderer(pin, json=False))


@router.get("/events/{slug}.json")
def event_json(request: Request, slug: str) -> Response:
    rev, pin = _pin(request)
    return serve(request, rev=rev, key=(pin,),
                 render_page=_event_renderer(slug[:MAX_PARAM], pin, json=True))


@router.get("/events/{slug}")
def event_page(request: Request, slug: str) -> Response:
    """One event: its facts with citations, signatories and the commitments made there."""
    rev, pin = _pin(request)
    return serve(request, rev=rev, key=(pin,),
                 render_page=_event_renderer(slug[:MAX_PARAM], pin, json=False))
