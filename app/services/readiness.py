"""Readiness: the database answers, its schema is at the newest migration, and every table the
app reads answers."""

from dataclasses import dataclass
from functools import lru_cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)
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


def unanswered_tables(*, engine: Engine) -> list[str]:
    """The app's tables that do not answer a one-row read (missing, or unreadable)."""
    failing = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            try:
                connection.execute(select(literal(1)).select_from(table).limit(1)).all()
            except SQLAlchemyError:
                connection.rollback()
                failing.append(table.name)
    return failing


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
    try:
        failing = unanswered_tables(engine=engine)
    except SQLAlchemyError as exc:
        return Readiness(False, f"database unreachable ({type(exc).__name__})", current, head)
    if failing:
        return Readiness(False, f"tables not answering: {', '.join(failing)}", current, head)
    return Readiness(True, "database reachable, schema at the newest migration, every table "
                     "answers", current, head)
