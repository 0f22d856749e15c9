"""Engine and session: SQLite with WAL and foreign keys, or PostgreSQL with a sized pool."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from app.config import get_settings


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """hide_parameters: an error message must never carry a password hash or token to the logs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               hide_parameters=True)
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    # Sized to the threadpool (40) so sync routes never wait on the pool (fastapi#3205).
    return create_engine(url, pool_size=20, max_overflow=30, pool_pre_ping=True,
                         hide_parameters=True)


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.sqlalchemy_url)


def get_db() -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
