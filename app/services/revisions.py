"""Citable revisions: the list of published revisions and the permanent address of a view."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.db import get_engine
from app.models import Revision
from app.services.dataset import latest_revision_id
from app.services.records import Dataset

# The newest published revision while a page is rendered (set by the page cache's caller, so a
# page pinned to an older revision is cached per newest revision too); 0: the page's own.
_newest: ContextVar[int | None] = ContextVar("newest_revision", default=None)


class RevisionSummary(BaseModel):
    number: int
    published_at: datetime
    summary: str
    url: str


REVISIONS_PER_PAGE = 100


def list_revisions(*, session: Session, before: int | None = None,
                   limit: int | None = None) -> list[RevisionSummary]:
    """Published revisions, newest first, those numbered below `before` when given, at most
    `limit` (a page; every one when None). The stored datasets themselves are not read."""
    query = select(Revision.id, Revision.created_at, Revision.summary).order_by(
        col(Revision.id).desc()
    )
    if before is not None:
        query = query.where(col(Revision.id) < before)
    if limit is not None:
        query = query.limit(limit)
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


@contextmanager
def rendering_against(newest: int) -> Iterator[None]:
    """Render pages knowing that `newest` is the latest published revision (0: the page's)."""
    token = _newest.set(newest)
    try:
        yield
    finally:
        _newest.reset(token)


def newest_revision(dataset: Dataset) -> int:
    """The latest published revision, for the banner of a page pinned to an older one."""
    newest = _newest.get()
    if newest is None:
        with Session(get_engine()) as session:
            newest = latest_revision_id(session=session) or 0
    return max(newest, dataset.revision)
