"""Alembic environment: the URL comes from Settings, the metadata from app.models."""

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)
from app.db import get_engine

target_metadata = SQLModel.metadata

# Full-text search objects made by migration 0007 in each engine's own SQL (FTS5's table and
# its shadow tables on SQLite; the tsvector column and its GIN index on PostgreSQL).
FULL_TEXT_OBJECTS = {"search_fts", "document", "ix_search_entry_document"}


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    return not (reflected and name is not None
                and (name in FULL_TEXT_OBJECTS or name.startswith("search_fts_")))


def run_migrations_offline() -> None:
    context.configure(
        url=str(get_engine().url),
        target_metadata=target_metadata,
        include_object=include_object,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = context.config.attributes.get("connection") or get_engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy a table, drop it and rename the copy: with foreign keys
            # enforced, SQLite refuses to drop a table other rows refer to. (Outside any
            # transaction, where this pragma takes effect; turned back on below.)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
