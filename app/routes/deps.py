"""Shared request dependencies: the database session and the dataset a request reads."""

from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query
from sqlmodel import Session

from app.db import get_engine
from app.numbers import MAX_ID
from app.services.dataset import dataset_at
from app.services.records import Dataset

RevQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID,
                      description="Answer from this dataset revision; latest when omitted"),
]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The record's id")]


def get_dataset(rev: RevQuery = None) -> Dataset:
    # Its own short session, closed before the route runs: a yield-session held until the
    # response is sent let 200 concurrent requests exhaust the pool and hang (fastapi#3205).
    with Session(get_engine()) as session:
        dataset = dataset_at(session=session, revision=rev)
    if dataset is None:
        if rev is not None:
            raise HTTPException(404, detail=f"Revision {rev} does not exist.")
        raise HTTPException(503, detail="No dataset has been published yet: run the seed command.")
    return dataset


DatasetDep = Annotated[Dataset, Depends(get_dataset)]


def today() -> date:
    return date.today()


AsOfQuery = Annotated[
    date | None,
    Query(description="Stances as they stood on this date (YYYY-MM-DD); today when omitted"),
]


def future_date_error(day: date) -> str | None:
    """The message refusing a date after today (no stance is known for the future)."""
    if day <= today():
        return None
    return (f"as_of: {day.isoformat()} is in the future; positions are recorded only up to "
            f"today ({today().isoformat()}).")


def refuse_future(as_of: date | None) -> None:
    """422 with a JSON detail for an `as_of` after today (the API)."""
    message = future_date_error(as_of) if as_of else None
    if message:
        raise HTTPException(422, detail=message)


def resolve_as_of(as_of: date | None) -> date:
    """The asked date (a future one is refused with 422), or today."""
    refuse_future(as_of)
    return as_of or today()
