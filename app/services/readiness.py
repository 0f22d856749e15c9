"""Readiness: the database answers and its schema is at the newest migration."""

from dataclasses import dataclass
from functools import lru_cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.config import PROJECT_ROOT


@dataclass(frozen=True)
class Readiness:
    ready: bool
    detail: str
    database_revision: str | None
    head_revision: str | None


@lru_cache
def migration_head() -> str | None:
    """The newest migration in migrations/ (one head; alembic raises if there are several)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    return ScriptDirectory.from_config(config).get_current_head()


def database_revision(*, engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_readiness(*, engine: Engine) -> Readiness:
    head = migration_head()
    try:
        current = database_revision(engine=engine)
    except SQLAlchemyError as exc:
        reason = type(exc).__name__
        return Readiness(False, f"database unreachable ({reason})", None, head)
    if current != head:
        detail = f"database schema at {current or 'nothing'}, migrations at {head}: run migrate"
        return Readiness(False, detail, current, head)
    return Readiness(True, "database reachable, schema at the newest migration", current, head)
