"""The JSON API: a contract other tools and our own pages rely on."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.models import Stance
from app.routes.cached import JSON, json_body, kept_answer, serve_answer
from app.routes.deps import DatasetDep, IdPath, country_rows
from app.routes.query import DatedQuery, ListQuery, PinnedQuery, ReadQuery
from app.services.countries import CountryDetail, CountrySummary, get_country
from app.services.events import EventDetail, EventSummary, get_event, list_events
from app.services.mapmarks import TableSort
from app.services.pagecache import Rendered
from app.services.records import Dataset
from app.services.sources import SourceDetail, SourceSummary, get_source, list_sources

router = APIRouter(prefix="/api", tags=["api"])


class CountryList(BaseModel):
    as_of: date
    revision: int
    stance: Stance | None
    sort: TableSort | None = None
    countries: list[CountrySummary]


class CountryOne(CountryDetail):
    as_of: date
    revision: int


class SourceList(BaseModel):
    revision: int
    sources: list[SourceSummary]


class SourceOne(SourceDetail):
    revision: int


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The one JSON error shape (app/web/responses.py)."""

    detail: str
    errors: list[ErrorItem] = []


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such record"}
}


@dataclass(frozen=True)
class CountryListAnswer:
    query: ReadQuery

    def render(self, dataset: Dataset) -> Rendered:
        query = self.query
        body = CountryList(as_of=query.day, revision=dataset.revision, stance=query.stance,
                           sort=query.sort, countries=country_rows(dataset=dataset, query=query))
        return Rendered(body.model_dump_json(), JSON)


@router.get("/countries", response_model=CountryList)
def api_countries(request: Request, query: ListQuery) -> Response:
    """Every country with its stance on `as_of` (served from the per-revision cache), filtered
    by `stance` and `q`, in the dashboard table's order `sort`."""
    return serve_answer(request, rev=query.rev,
                        key=(query.day, query.stance, query.q, query.sort),
                        answer=CountryListAnswer(query=query))


@dataclass(frozen=True)
class CountryAnswer:
    code: str
    day: date

    def render(self, dataset: Dataset) -> Rendered:
        country = get_country(dataset=dataset, code=self.code, as_of=self.day)
        if country is None:
            message = f"No country with code {self.code!r} (use ISO 3166-1 alpha-2)."
            return Rendered(ErrorBody(detail=message).model_dump_json(), JSON, 404)
        body = CountryOne(**country.model_dump(), as_of=self.day, revision=dataset.revision)
        return Rendered(body.model_dump_json(), JSON)


@router.get("/countries/{code}", response_model=CountryOne, responses=NOT_FOUND)
def api_country(request: Request, code: str, query: DatedQuery) -> Response:
    """One country (code case-insensitive) with its commitments, newest first."""
    return serve_answer(request, rev=query.rev, key=(code.upper(), query.day),
                        answer=CountryAnswer(code=code, day=query.day))


@dataclass(frozen=True)
class SourceListAnswer:
    """Every source with its claim count, kept per revision."""

    dataset: Dataset

    def render(self) -> Rendered:
        sources = list_sources(dataset=self.dataset)
        return json_body(SourceList(revision=self.dataset.revision, sources=sources))


@router.get("/sources", response_model=SourceList)
def api_sources(request: Request, dataset: DatasetDep) -> Response:
    return kept_answer(request, dataset=dataset, answer=SourceListAnswer(dataset=dataset))


@router.get("/sources/{source_id}", response_model=SourceOne, responses=NOT_FOUND)
def api_source(dataset: DatasetDep, source_id: IdPath) -> SourceOne:
    source = get_source(dataset=dataset, source_id=source_id)
    if source is None:
        raise HTTPException(404, detail=f"No source with id {source_id}.")
    return SourceOne(**source.model_dump(), revision=dataset.revision)


class EventList(BaseModel):
    revision: int
    events: list[EventSummary]


class EventOne(EventDetail):
    revision: int


@dataclass(frozen=True)
class EventListAnswer:
    def render(self, dataset: Dataset) -> Rendered:
        body = EventList(revision=dataset.revision, events=list_events(dataset=dataset))
        return Rendered(body.model_dump_json(), JSON)


@router.get("/events", response_model=EventList)
def api_events(request: Request, pin: PinnedQuery) -> Response:
    """Every event (meeting, call or document), newest first."""
    return serve_answer(request, rev=pin.rev, key=("api-events",), answer=EventListAnswer())


@dataclass(frozen=True)
class EventAnswer:
    slug: str

    def render(self, dataset: Dataset) -> Rendered:
        event = get_event(dataset=dataset, slug=self.slug)
        if event is None:
            message = f"No event with slug {self.slug!r}."
            return Rendered(ErrorBody(detail=message).model_dump_json(), JSON, 404)
        body = EventOne(**event.model_dump(), revision=dataset.revision)
        return Rendered(body.model_dump_json(), JSON)


@router.get("/events/{slug}", response_model=EventOne, responses=NOT_FOUND)
def api_event(request: Request, slug: str, pin: PinnedQuery) -> Response:
    """One event with its facts (each with citations) and the commitments made there."""
    return serve_answer(request, rev=pin.rev, key=("api-event", slug[:100]),
                        answer=EventAnswer(slug=slug[:100]))
