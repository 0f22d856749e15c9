"""Test fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set
(`make test` does both, with a real server started by tests/with_postgres.sh)."""

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

_DATA_DIR = tempfile.mkdtemp(prefix="ct-test-")
os.environ["DATA_DIR"] = _DATA_DIR
os.environ["SECRET_KEY"] = secrets.token_urlsafe(32)
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("PRERENDER_CARDS", "false")  # tests that need it turn it on
os.environ.setdefault("WARM_CACHES", "false")  # tests that need it turn it on

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.config import PROJECT_ROOT, get_settings  # noqa: E402
from app.db import get_engine  # noqa: E402
from tests.support.database import migrate_fresh, reset_and_seed  # noqa: E402
from tests.support.server import LiveServer, start_server  # noqa: E402

ARTICLES = PROJECT_ROOT.parent / "shared" / "seeds"

pytest_plugins = ["tests.support.browser", "tests.support.ops", "tests.support.opendata",
                  "tests.support.admin"]


@pytest.fixture(scope="session")
def migrated() -> None:
    migrate_fresh(get_engine())


@pytest.fixture
def db(migrated: None) -> Iterator[Session]:
    """A database holding exactly the seed dataset (revision 1)."""
    reset_and_seed(get_engine(), get_settings().seed_dir)
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def client(db: Session) -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(migrated: None) -> Iterator[LiveServer]:
    """The app under uvicorn in a subprocess, on a free loopback port, sharing the test database."""
    server = start_server(env={"DATA_DIR": _DATA_DIR})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """The live server's URL (pytest-playwright's pages resolve relative URLs against it)."""
    return live_server.url


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return ARTICLES
