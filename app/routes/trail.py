"""Public history: what changed between two dates (stances) and the edit trail of saved changes,
for the whole dataset (`/changes`) and per country (`/countries/{code}/history`), each with JSON
and Atom twins. Answers depend only on the revision read, never on who is logged in."""

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from app.config import get_settings
from app.db import SessionDep
from app.routes.cached import html_page, json_body, kept
from app.routes.deps import DatasetDep, today
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


@router.get("/changes", response_class=HTMLResponse, include_in_schema=False)
def changes_page(request: Request, session: SessionDep, dataset: DatasetDep,
                 start: FromQuery = None, end: ToQuery = None) -> Response:
    def render_page() -> Rendered:
        body = _changes(session, dataset, start, end)
        context: dict[str, Any] = {"dataset": dataset, "changes": body,
                                   "names": _names(dataset)}
        return html_page(request, "changes.html", context, block="stance_changes")

    return kept(request, dataset, render_page)


@router.get("/changes.json", response_model=ChangesBody)
def changes_json(request: Request, session: SessionDep, dataset: DatasetDep,
                 start: FromQuery = None, end: ToQuery = None) -> Response:
    return kept(request, dataset, lambda: json_body(_changes(session, dataset, start, end)))


@router.get("/changes.atom", include_in_schema=False)
def changes_atom(request: Request, session: SessionDep, dataset: DatasetDep) -> Response:
    entries = edit_trail(session=session, upto_revision=dataset.revision, limit=50)
    return _atom(request, title="Coalition Tracker: saved changes", path="/changes",
                 entries=entries, dataset=dataset)


@router.get("/countries/{code}/history", response_class=HTMLResponse, include_in_schema=False)
def history_page(request: Request, session: SessionDep, dataset: DatasetDep,
                 code: str) -> Response:
    def render_page() -> Rendered:
        body = _history(session, dataset, code)
        context = {"dataset": dataset, "history": body, "names": _names(dataset)}
        return html_page(request, "history.html", context)

    return kept(request, dataset, render_page)


@router.get("/countries/{code}/history.json", response_model=HistoryBody)
def history_json(request: Request, session: SessionDep, dataset: DatasetDep,
                 code: str) -> Response:
    return kept(request, dataset, lambda: json_body(_history(session, dataset, code)))


@router.get("/countries/{code}/history.atom", include_in_schema=False)
def history_atom(request: Request, session: SessionDep, dataset: DatasetDep,
                 code: str) -> Response:
    body = _history(session, dataset, code)
    return _atom(request, title=f"Coalition Tracker: {body.country.name}",
                 path=f"{body.country.url}/history", entries=body.edits, dataset=dataset)
