"""/healthz says the process answers; /readyz that the database answers and is migrated."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.db import get_engine
from app.routes import health
from app.services.readiness import check_readiness, database_revision, migration_head


def test_healthz_answers_without_caching(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_when_the_schema_is_at_the_newest_migration(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["database_revision"] == body["head_revision"] == migration_head()
    assert body["head_revision"] == database_revision(engine=get_engine())


def test_head_is_the_newest_migration_file() -> None:
    versions = Path(__file__).parent.parent / "migrations" / "versions"
    revisions = {line.split("=", 1)[1].strip().strip("\"'")
                 for file in versions.glob("*.py")
                 for line in file.read_text().splitlines() if line.startswith("revision")}
    assert migration_head() in revisions


def test_readyz_is_503_on_an_unmigrated_database(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    monkeypatch.setattr(health, "get_engine", lambda: empty)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "run migrate" in response.json()["detail"]
    empty.dispose()


def test_readiness_reports_a_schema_behind_the_migrations(tmp_path: Path) -> None:
    behind = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with behind.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0000_old')"))
    readiness = check_readiness(engine=behind)
    assert not readiness.ready
    assert readiness.database_revision == "0000_old"
    behind.dispose()


def test_readiness_reports_an_unreachable_database(tmp_path: Path) -> None:
    nowhere = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}")
    readiness = check_readiness(engine=nowhere)
    assert not readiness.ready
    assert readiness.detail.startswith("database unreachable")
    nowhere.dispose()
