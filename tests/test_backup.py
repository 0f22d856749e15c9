"""`backup` then `restore` brings the database back to the backed-up state, audit trail and
revisions included (SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL)."""

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.cli import main
from app.db import get_engine
from app.models import AuditEvent, Commitment
from app.services.backup import BackupError, pg_tool
from app.services.dataset import dataset_at, latest_revision_id
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
