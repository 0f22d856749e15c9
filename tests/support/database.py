"""Bring the test database to a known state: migrated once, reset and seeded per test."""

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from app.cli import alembic_config
from app.services.seed import load_seed


def migrate_fresh(engine: Engine) -> None:
    """Drop everything, then build the schema with the real migrations (never create_all)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            conn.execute(text("DROP TABLE IF EXISTS search_fts"))  # 0007's, outside the models
            SQLModel.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    command.upgrade(alembic_config(), "head")


def reset_and_seed(engine: Engine, seed_dir: Path) -> None:
    empty_tables(engine)
    with Session(engine) as session:
        load_seed(session=session, seed_dir=seed_dir)


def empty_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
