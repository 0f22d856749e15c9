"""Engine and session: SQLite with WAL and foreign keys, or PostgreSQL with a sized pool.

Every route that touches the database runs in anyio's worker threads (THREADS of them), never on
the event loop, and the pools are sized so those threads do not wait for a connection; when one
must wait anyway, the wait is bounded by POOL_TIMEOUT and answered with a 503 (app/errors.py).
"""

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, event, make_url
from sqlmodel import Session, create_engine

from app.config import get_settings

THREADS = 40  # anyio's default worker-thread limit, which runs every sync route and dependency


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, *, pool_timeout: float = 3.0) -> Engine:
    """hide_parameters: an error message must never carry a password hash or token to the logs.
    A request holds at most two connections at once (its session and the dataset lookup)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               pool_size=THREADS, max_overflow=THREADS + 10,
                               pool_timeout=pool_timeout, hide_parameters=True)
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    # Sized to the threadpool (40) so sync routes never wait on the pool (fastapi#3205).
    return create_engine(url, pool_size=20, max_overflow=30, pool_pre_ping=True,
                         pool_timeout=pool_timeout, hide_parameters=True)


def create_private_file(path: Path) -> None:
    """Create `path` readable and writable by its owner only (0600), or make it so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    if settings.is_sqlite:
        database = make_url(settings.sqlalchemy_url).database
        if database and database != ":memory:":
            create_private_file(Path(database))  # SQLite gives its -wal/-shm the same mode
    return make_engine(settings.sqlalchemy_url, pool_timeout=settings.pool_timeout)


def get_db() -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
