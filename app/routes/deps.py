"""Shared request dependencies: the database session and the dataset a request reads."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.db import get_engine
from app.numbers import MAX_ID
from app.routes.query import PinnedQuery, ReadQuery, asked_date, today
from app.services.countries import CountrySummary, list_countries
from app.services.dataset import dataset_at
from app.services.mapmarks import sorted_rows
from app.services.records import Dataset

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The record's id")]


def read_dataset(*, rev: int | None) -> Dataset:
    """Revision `rev`'s dataset (the latest when None); 404 for a revision never published."""
    # Its own short session, closed before the route runs: a yield-session held until the
    # response is sent let 200 concurrent requests exhaust the pool and hang (fastapi#3205).
    with Session(get_engine()) as session:
        dataset = dataset_at(session=session, revision=rev)
    if dataset is None:
        if rev is not None:
            raise HTTPException(404, detail=f"Revision {rev} does not exist.")
        raise HTTPException(503, detail="No dataset has been published yet: run the seed command.")
    return dataset


def get_dataset(query: PinnedQuery) -> Dataset:
    return read_dataset(rev=query.rev)


DatasetDep = Annotated[Dataset, Depends(get_dataset)]


def country_rows(*, dataset: Dataset, query: ReadQuery) -> list[CountrySummary]:
    """The country list a query asks for: its date, stance and name filters, in its order
    (/api/countries, its CSV and the dashboard table's CSV)."""
    rows = list_countries(dataset=dataset, as_of=query.day, stance=query.stance, query=query.q)
    return rows if query.sort is None else sorted_rows(rows=rows, sort=query.sort)


AsOfQuery = Annotated[date | None, Depends(asked_date)]


def resolve_as_of(as_of: date | None) -> date:
    """The asked date (already bounded by the parser), or today."""
    return as_of or today()


__all__ = ["AsOfQuery", "DatasetDep", "IdPath", "country_rows", "page_with_twin", "read_dataset",
           "resolve_as_of", "today"]


Endpoint = TypeVar("Endpoint", bound=Callable[..., Response])


def page_with_twin(router: APIRouter, *, path: str, twin: str | None = None,
                   twin_model: type[BaseModel] | None = None, documented: bool = False
                   ) -> Callable[[Endpoint], Endpoint]:
    """Register one route function for the page `path` and its JSON twin (`path.json`, or
    `twin`): the function reads the format from the request (`is_twin`). The twin is registered
    first, so `/countries/{code}.json` is not taken for a code ending in ".json"; only the twin
    can appear in OpenAPI (`documented`, with `twin_model` as its answer's schema)."""
    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(twin or f"{path}.json", endpoint, methods=["GET"],
                             response_model=twin_model, include_in_schema=documented)
        router.add_api_route(path, endpoint, methods=["GET"], response_class=HTMLResponse,
                             include_in_schema=False)
        return endpoint

    return register
