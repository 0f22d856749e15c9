"""Public history: what changed between two dates (stances) and the edit trail of saved changes,
for the whole dataset (`/changes`) and per country (`/countries/{code}/history`), each with JSON
and Atom twins. Answers depend only on the revision read, never on who is logged in."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from app.config import get_settings
from app.db import SessionDep
from app.routes.cached import html_page, json_body, kept_answer
from app.routes.deps import DatasetDep, page_with_twin
from app.routes.query import is_twin, today
from app.services.audit import TrailEntry, edit_trail
from app.services.countries import (
    CountrySummary,
    StanceChange,
    get_country,
    last_stance_change,
    stance_changes,
)
from app.services.pagecache import Rendered
from app.services.records import Dataset
from app.services.revisions import newest_revision
from app.templating import render

router = APIRouter(tags=["history"])

DEFAULT_SPAN = timedelta(days=90)
FromQuery = Annotated[date | None, Query(alias="from", description="Start date (YYYY-MM-DD)")]
ToQuery = Annotated[date | None, Query(alias="to", description="End date; today when omitted")]


class ChangesBody(BaseModel):
    revision: int
    latest_revision: int
    start: date
    end: date
    last_change: date | None
    stance_changes: list[StanceChange]
    edits: list[TrailEntry]


class HistoryBody(BaseModel):
    revision: int
    latest_revision: int
    country: CountrySummary
    edits: list[TrailEntry]


def _changes(session: SessionDep, dataset: Dataset, start: date | None,
             end: date | None) -> ChangesBody:
    """Stance changes in a period. With no dates it opens on the DEFAULT_SPAN up to the latest
    change, so it is never empty by default while anything has changed."""
    latest = last_stance_change(dataset=dataset, upto=today())
    last = end or (latest if start is None and latest else today())
    first = start or max(date.min + DEFAULT_SPAN, last) - DEFAULT_SPAN
    if first > last:
        raise HTTPException(422, detail="from: must be on or before `to`.")
    return ChangesBody(
        revision=dataset.revision, latest_revision=newest_revision(dataset), start=first,
        end=last, last_change=latest,
        stance_changes=stance_changes(dataset=dataset, start=first, end=last),
        edits=edit_trail(session=session, upto_revision=dataset.revision),
    )


def _history(session: SessionDep, dataset: Dataset, code: str) -> HistoryBody:
    country = get_country(dataset=dataset, code=code, as_of=today())
    if country is None:
        raise HTTPException(404, detail=f"No country with code {code!r} (use ISO 3166-1 alpha-2).")
    summary = CountrySummary(**country.model_dump(include=set(CountrySummary.model_fields)))
    return HistoryBody(revision=dataset.revision, latest_revision=newest_revision(dataset),
                       country=summary,
                       edits=edit_trail(session=session, upto_revision=dataset.revision,
                                        country_code=country.code))


def _names(dataset: Dataset) -> dict[str, str]:
    return {country.code: country.name for country in dataset.countries}


def _atom(request: Request, *, title: str, path: str, entries: list[TrailEntry],
          dataset: Dataset) -> Response:
    base = get_settings().public_base_url
    updated: datetime = entries[0].at if entries else dataset.published_at
    body = render("atom.xml", {"title": title, "base": base, "path": path, "entries": entries,
                               "updated": updated, "names": _names(dataset)})
    return Response(body, media_type="application/atom+xml")


@dataclass(frozen=True)
class ChangesAnswer:
    """`/changes` or its twin `/changes.json`: stance changes in a period and the edit trail."""

    request: Request
    session: Session
    dataset: Dataset
    start: date | None
    end: date | None

    def render(self) -> Rendered:
        body = _changes(self.session, self.dataset, self.start, self.end)
        if is_twin(self.request):
            return json_body(body)
        context: dict[str, Any] = {"dataset": self.dataset, "changes": body,
                                   "names": _names(self.dataset)}
        return html_page(self.request, "changes.html", context, block="stance_changes")


@dataclass(frozen=True)
class HistoryAnswer:
    """`/countries/{code}/history` or its twin: one country's saved changes."""

    request: Request
    session: Session
    dataset: Dataset
    code: str

    def render(self) -> Rendered:
        body = _history(self.session, self.dataset, self.code)
        if is_twin(self.request):
            return json_body(body)
        context = {"dataset": self.dataset, "history": body, "names": _names(self.dataset)}
        return html_page(self.request, "history.html", context)


@page_with_twin(router, path="/changes", twin_model=ChangesBody, documented=True)
def changes_page(request: Request, session: SessionDep, dataset: DatasetDep,
                 start: FromQuery = None, end: ToQuery = None) -> Response:
    """What changed between two dates (stances) and the saved changes up to this revision."""
    return kept_answer(request, dataset=dataset, answer=ChangesAnswer(
        request=request, session=session, dataset=dataset, start=start, end=end))


@router.get("/changes.atom", include_in_schema=False)
def changes_atom(request: Request, session: SessionDep, dataset: DatasetDep) -> Response:
    entries = edit_trail(session=session, upto_revision=dataset.revision, limit=50)
    return _atom(request, title="Coalition Tracker: saved changes", path="/changes",
                 entries=entries, dataset=dataset)


@page_with_twin(router, path="/countries/{code}/history", twin_model=HistoryBody,
                documented=True)
def history_page(request: Request, session: SessionDep, dataset: DatasetDep,
                 code: str) -> Response:
    """One country's saved changes, newest first."""
    return kept_answer(request, dataset=dataset, answer=HistoryAnswer(
        request=request, session=session, dataset=dataset, code=code))


@router.get("/countries/{code}/history.atom", include_in_schema=False)
def history_atom(request: Request, session: SessionDep, dataset: DatasetDep,
                 code: str) -> Response:
    body = _history(session, dataset, code)
    return _atom(request, title=f"Coalition Tracker: {body.country.name}",
                 path=f"{body.country.url}/history", entries=body.edits, dataset=dataset)
