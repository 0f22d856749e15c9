"""The storage engines: SQLite runs in WAL mode with foreign keys enforced; both engines refuse
a citation that points at no commitment."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import get_engine
from app.models import Citation


def test_sqlite_uses_wal_and_foreign_keys(db: Session) -> None:
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(db: Session) -> None:
    db.add(Citation(commitment_id=999_999, source_id=1, quote="orphan"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
