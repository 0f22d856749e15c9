"""The cached public path (app/web/pagememo.py): a repeat public GET is answered from the kept
bytes with every header and access-log line the full path gives, one revision check that takes
no pooled connection and runs off the event loop, and a saved change shows at the next request."""

import asyncio
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event
from sqlmodel import Session

from app.db import get_engine
from app.services import revisionwatch
from app.web.pagememo import PageMemoMiddleware
from tests.support.load import run  # its own thread: a browser test may hold a loop
from tests.support.ops import publish_change

PATHS = ("/", "/countries/fr", "/api/countries", "/countries/fr.json", "/?stance=troops")
PER_REQUEST = {"x-request-id", "date"}


def memo_of(client: TestClient) -> PageMemoMiddleware:
    layer = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, PageMemoMiddleware):
        layer = layer.app
    return layer


@pytest.fixture
def checkouts() -> Iterator[list[str]]:
    """Every pooled connection checked out while the test runs (by thread name)."""
    taken: list[str] = []

    def record(*_: object) -> None:
        taken.append(threading.current_thread().name)

    event.listen(get_engine().pool, "checkout", record)
    yield taken
    event.remove(get_engine().pool, "checkout", record)


def test_a_repeat_answer_is_the_same_bytes_and_headers_without_the_database_pool(
        client: TestClient, checkouts: list[str]) -> None:
    for path in PATHS:
        first = client.get(path)
        checkouts.clear()
        again = client.get(path)
        assert checkouts == [], f"{path}: a kept answer took a pooled connection"
        assert again.status_code == first.status_code == 200
        assert again.content == first.content
        same = {k: v for k, v in first.headers.items() if k not in PER_REQUEST}
        assert {k: v for k, v in again.headers.items() if k not in PER_REQUEST} == same
        assert again.headers["x-request-id"] != first.headers["x-request-id"]
        assert again.headers["content-security-policy"] and again.headers["etag"]
    assert len(memo_of(client).store.entries) == len(PATHS)


def test_the_revision_check_runs_in_its_own_thread(client: TestClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    original = revisionwatch._Connection.latest

    def spy(self: revisionwatch._Connection) -> object:
        threads.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(revisionwatch._Connection, "latest", spy)
    client.get("/")
    client.get("/")
    assert threads and all(name.startswith("revision-watch") for name in threads)


def test_kept_answers_log_and_revalidate_like_the_full_path(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    client.get("/countries/fr")
    etag = client.get("/countries/fr").headers["etag"]
    with caplog.at_level(logging.INFO, logger="app.access"):
        not_modified = client.get("/countries/fr", headers={"If-None-Match": etag})
        head = client.head("/countries/fr")
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    lines = [r for r in caplog.records if r.name == "app.access"]
    assert [r.fields["status"] for r in lines] == [304, 200]  # type: ignore[attr-defined]
    assert all(r.fields["path"] == "/countries/fr" for r in lines)  # type: ignore[attr-defined]


def test_a_saved_change_shows_at_the_next_request(client: TestClient, db: Session) -> None:
    before = client.get("/api/countries/dk")
    assert client.get("/api/countries/dk").json() == before.json()
    publish_change(db, country_code="DK", summary="Memo freshness pledge")
    after = client.get("/api/countries/dk")
    assert after.json()["revision"] == before.json()["revision"] + 1
    assert "Memo freshness pledge" in after.text


def test_variants_and_sessions_are_kept_apart(client: TestClient) -> None:
    page = client.get("/?stance=troops")
    fragment = client.get("/?stance=troops", headers={"HX-Request": "true"})
    restore = client.get("/?stance=troops", headers={"HX-Request": "true",
                                                     "HX-History-Restore-Request": "true"})
    plain = client.get("/?stance=troops", headers={"Accept-Encoding": "identity"})
    assert "<html" in page.text and "<html" not in fragment.text and "<html" in restore.text
    assert plain.headers.get("content-encoding") is None
    assert page.headers.get("content-encoding") == "gzip"
    memo = memo_of(client)
    held = len(memo.store.entries)
    client.get("/about", headers={"Cookie": "ct_session=anything"})
    assert len(memo.store.entries) == held  # never kept for a request with a session
    client.get("/admin/login")
    assert len(memo.store.entries) == held


def _revision_file(path: Path, number: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE revision (id INTEGER PRIMARY KEY, created_at TEXT)")
        conn.execute("INSERT INTO revision VALUES (?, '2026-01-01')", (number,))
    conn.close()


def test_the_watch_follows_a_sqlite_file_swapped_in_by_a_restore(tmp_path: Path) -> None:
    live, restored = tmp_path / "live.sqlite3", tmp_path / "restored.sqlite3"
    _revision_file(live, 5)
    _revision_file(restored, 3)
    engine = create_engine(f"sqlite:///{live}")
    watch = revisionwatch.RevisionWatch(lambda: engine)

    async def twice() -> list[object]:
        first = await watch.latest()
        os.replace(restored, live)
        return [first, await watch.latest()]

    assert run(twice()) == [(5, "2026-01-01"), (3, "2026-01-01")]
    engine.dispose()


def test_concurrent_requests_share_checks_that_started_after_they_arrived() -> None:
    calls: list[int] = []
    engine = create_engine("sqlite://")
    watch = revisionwatch.RevisionWatch(lambda: engine)

    def counted(self: revisionwatch._Connection) -> object:
        calls.append(1)
        return (len(calls), "t")

    async def many() -> list[object]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(revisionwatch._Connection, "latest", counted)
            return list(await asyncio.gather(*(watch.latest() for _ in range(20))))

    answers = run(many())
    assert answers[0] == (1, "t") and set(answers[1:]) == {(2, "t")}
    assert len(calls) == 2  # the first request's own check, then one for all who came during it
    engine.dispose()


def test_clearing_the_page_cache_drops_what_was_kept_from_it(client: TestClient) -> None:
    from app.services.pagecache import pages

    client.get("/about")
    memo = memo_of(client)
    kept_before = memo.store.entries.copy()
    client.get("/about")
    assert kept_before and memo.store.entries.keys() == kept_before.keys()
    pages.clear()
    client.get("/about")  # rendered again, then kept again
    assert len(memo.store.entries) == 1 and memo.store.version[2] == pages.generation  # type: ignore[index]
