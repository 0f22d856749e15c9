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


def resolve_as_of(as_of: date | None) -> date:
    return as_of or today()
