"""Citable revisions: the list of published revisions and the permanent address of a view."""

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.models import Revision


class RevisionSummary(BaseModel):
    number: int
    published_at: datetime
    summary: str
    url: str


def list_revisions(*, session: Session) -> list[RevisionSummary]:
    """Every published revision, newest first (the snapshots themselves are not read)."""
    query = select(Revision.id, Revision.created_at, Revision.summary).order_by(
        col(Revision.id).desc()
    )
    return [
        RevisionSummary(number=number, published_at=at, summary=summary, url=f"/?rev={number}")
        for number, at, summary in session.exec(query)
        if number is not None
    ]


def pinned_url(*, base: str, path: str, query: Iterable[tuple[str, str]], revision: int) -> str:
    """Absolute URL of this view fixed at `revision` (any other `rev` parameter replaced)."""
    params = [(key, value) for key, value in query if key != "rev"]
    params.append(("rev", str(revision)))
    return f"{base.rstrip('/')}{path}?{urlencode(params)}"
