"""`backup` then `restore` brings the database back to the backed-up state, audit trail and
revisions included (SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL)."""

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.cli import main
from app.db import get_engine
from app.main import create_app
from app.models import AuditEvent, Commitment
from app.security import COOKIE_NAME
from app.services.backup import BackupError, pg_tool, required_tables
from app.services.dataset import dataset_at, latest_revision_id
from app.services.readiness import migration_head
from tests.support.admin import Curator
from tests.support.ops import publish_change


def state() -> tuple[int | None, list[str | None], list[str]]:
    """Latest revision, the audit trail's reasons, and every commitment summary."""
    with Session(get_engine()) as session:
        reasons = [e.reason for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
        summaries = list(session.exec(select(Commitment.summary).order_by(col(Commitment.id))))
        return latest_revision_id(session=session), reasons, summaries


def test_backup_edit_restore_finds_the_earlier_state(
    db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = publish_change(db, country_code="FR", summary="Kept: saved before the backup")
    backup = tmp_path / "backups" / "coalition.backup"
    assert main(["backup", str(backup)]) == 0
    assert backup.stat().st_size > 0 and str(backup) in capsys.readouterr().out
    before = state()

    lost = publish_change(db, country_code="DE", summary="Lost: saved after the backup")
    db.close()
    assert state()[0] == lost and "Lost: saved after the backup" in state()[1]

    assert main(["restore", str(backup)]) == 0
    revision, reasons, summaries = state()
    assert (revision, reasons, summaries) == before
    assert revision == kept and "Kept: saved before the backup" in reasons
    assert "Lost: saved after the backup" not in summaries
    with Session(get_engine()) as session:
        dataset = dataset_at(session=session)
        assert dataset is not None and dataset.revision == kept
        assert dataset_at(session=session, revision=lost) is None


def test_restore_refuses_a_file_that_is_not_a_backup(
    db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(b"this is not a database backup" * 100)
    before = state()
    db.close()
    assert main(["restore", str(garbage)]) == 1
    assert "restore failed" in capsys.readouterr().err
    assert state() == before
    assert main(["restore", str(tmp_path / "missing.backup")]) == 1


def test_pg_tools_come_from_pg_bin_when_it_is_set(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump not found"):
        pg_tool(tmp_path, "pg_dump")
    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    assert pg_tool(tmp_path, "pg_dump") == str(tool)


def hostile_sqlite(path: Path, *, version: str = "0002", tables: bool = False) -> Path:
    """An SQLite file holding only an alembic_version table (or the app's tables, empty)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (version,))
        if tables:
            for name in required_tables():
                conn.execute(f'CREATE TABLE "{name}" (id INTEGER)')
        conn.commit()
    return path


def test_restore_refuses_a_hostile_file_and_leaves_the_live_database(
    db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state()
    db.close()
    for hostile in (hostile_sqlite(tmp_path / "only-version.db"),
                    hostile_sqlite(tmp_path / "empty-tables.db", tables=True),
                    hostile_sqlite(tmp_path / "future.db", version="9999", tables=True)):
        assert main(["restore", str(hostile)]) == 1
        assert "restore failed" in capsys.readouterr().err
        assert state() == before
    with TestClient(create_app()) as client:
        assert client.get("/readyz").json()["status"] == "ready"
        assert client.get("/api/sources").status_code == 200


def test_restore_refuses_a_backup_from_a_future_schema(
    db: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "future.backup"
    assert main(["backup", str(backup)]) == 0
    with Session(get_engine()) as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        session.commit()
    future = tmp_path / "made-by-a-newer-app.backup"
    assert main(["backup", str(future)]) == 0
    with Session(get_engine()) as session:
        session.execute(text(f"UPDATE alembic_version SET version_num = '{migration_head()}'"))
        session.commit()
    before = state()
    db.close()
    assert main(["restore", str(future)]) == 1
    assert "does not know" in capsys.readouterr().err
    assert state() == before


def test_restore_does_not_revive_sessions_ended_by_a_logout(
    curator: Curator, db: Session, tmp_path: Path
) -> None:
    backup = tmp_path / "before-logout.backup"
    assert main(["backup", str(backup)]) == 0
    copied_cookie = curator.client.cookies[COOKIE_NAME]
    curator.client.post("/admin/logout", data={"csrf_token": curator.csrf})
    db.close()
    assert main(["restore", str(backup)]) == 0
    curator.client.cookies.clear()
    curator.client.cookies.set(COOKIE_NAME, copied_cookie)
    assert curator.client.get("/admin", follow_redirects=False).status_code == 303


def test_backups_are_private(db: Session, tmp_path: Path) -> None:
    backup = tmp_path / "private.backup"
    assert main(["backup", str(backup)]) == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_readyz_checks_that_the_tables_answer(client: TestClient, db: Session) -> None:
    assert client.get("/readyz").json()["status"] == "ready"
    db.close()
    with get_engine().begin() as conn:
        conn.execute(text("ALTER TABLE mention RENAME TO mention_gone"))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and "mention" in response.json()["detail"]
    finally:
        with get_engine().begin() as conn:
            conn.execute(text("ALTER TABLE mention_gone RENAME TO mention"))
