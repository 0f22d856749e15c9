"""Many readers and writers at once, over HTTP against a real server (issue 9, points 1-3).

Readers: 4x the worker threads reading the hot pages must get no error, and /healthz must keep
answering (the event loop never waits for a database connection). Writers: 10 curators saving at
the same moment: every acknowledged save (303) is in the latest revision when the 303 arrives,
no revision loses anything its predecessor had, and no save gets a 500. The bound on /healthz
here is generous because the machine is shared; bench/load.py prints the real figures.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlmodel import Session

from app.db import THREADS, get_engine
from app.services import locking
from app.services.auth import create_user
from tests.support.admin import PASSWORD, Curator
from tests.support.load import (
    finish_probe,
    published,
    read_load,
    run,
    start_probe,
    write_load,
)
from tests.support.server import LiveServer, start_server

WRITERS = 10
# Before issue 9 it stalled for the 30 s pool timeout. In stop 17 the worst reached 1-2.3 s: the
# first burst rendered the same cold pages dozens of times at once (each drawing the dashboard's
# still picture, a second of CPU), and those threads held the GIL the event loop needs. Renders
# are single-flight and the picture's geometry is drawn at start-up now (0.2-0.4 s under a load
# average of 6); the bound is generous because the machine is shared.
HEALTHZ_BOUND_MS = 2000.0
PATIENCE = 120.0  # a reader waits this long: on a crowded machine slowness is not an error
LOAD_ENV = {"RATE_LIMIT_WRITES_PER_MINUTE": "100000", "RATE_LIMIT_LOGINS_PER_MINUTE": "100000",
            "PRERENDER_CARDS": "false"}


@pytest.fixture
def server(db: Session) -> Iterator[LiveServer]:
    """A server of its own (rate limits off: every request comes from 127.0.0.1)."""
    live = start_server(env=LOAD_ENV)
    try:
        yield live
    finally:
        live.stop()


def test_readers_at_four_times_the_threads_get_no_error(server: LiveServer) -> None:
    seconds = 6.0
    prober = start_probe(server.url, seconds)
    figures = run(read_load(server.url, readers=4 * THREADS, seconds=seconds,
                             timeout=PATIENCE))
    probe = finish_probe(prober)
    assert figures.requests > 4 * THREADS
    assert figures.errors() == 0, (figures.statuses, figures.failures)
    assert probe.failures == 0 and probe.count > 20
    assert probe.worst_ms < HEALTHZ_BOUND_MS, probe


def test_concurrent_saves_are_all_published(server: LiveServer, db: Session) -> None:
    accounts = [f"writer{n}" for n in range(WRITERS)]
    for name in accounts:
        create_user(session=db, username=name, password=PASSWORD)
    log = run(write_load(server.url, accounts=accounts, password=PASSWORD, saves=4))
    assert 500 not in log.figures.statuses and not log.figures.failures, log.figures
    assert len(log.acknowledged) == log.figures.statuses[303]
    assert len(log.acknowledged) >= WRITERS * 4 - log.figures.statuses[503]
    assert log.missing_at_ack == []
    result = run(published(server.url, since_revision=1))
    assert set(log.acknowledged) <= result.latest
    assert result.lost_between_revisions == []


@pytest.mark.skipif(inspect(get_engine()).dialect.name != "sqlite", reason="SQLite's write lock")
def test_a_save_blocked_by_a_held_write_lock_gets_503_keeping_the_input(
    curator: Curator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locking, "BEGIN_ATTEMPTS", 1)
    monkeypatch.setattr(locking, "BEGIN_WAIT_MS", 200)
    database = get_engine().url.database
    assert database is not None
    holder = sqlite3.connect(Path(database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = curator.client.post(
            "/admin/sources", data={"title": "Typed while busy", "csrf_token": curator.csrf},
            headers={"Accept": "text/html"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "Typed while busy" in response.text and "busy" in response.text
    api = curator.client.post("/admin/sources", data={"title": "Now free",
                                                      "csrf_token": curator.csrf},
                              follow_redirects=False)
    assert api.status_code == 303


def test_no_async_route_touches_the_database(client: TestClient) -> None:
    """An `async def` route runs on the event loop: only ones that never wait on the database
    may be async (a pooled connection checked out there stalls every request)."""
    import inspect as pyinspect

    from fastapi.routing import APIRoute

    def walk(routes: list[object]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            inner = getattr(route, "original_router", None) or getattr(route, "router", None)
            if inner is not None and inner is not route:
                yield from walk(list(getattr(inner, "routes", [])))

    routes = list(walk(list(client.app.routes)))  # type: ignore[attr-defined]
    assert len(routes) > 30
    asynchronous = {route.path for route in routes
                    if pyinspect.iscoroutinefunction(route.endpoint)}
    assert asynchronous == {"/healthz"}
