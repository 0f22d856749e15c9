"""The latest published revision, asked for the cached public path (app/web/pagememo.py) without
ever touching the database on the event loop or taking a pooled connection: one connection of
its own, used by one thread of its own.

Checks are coalesced but exact: a request never trusts a check that started before it arrived
(a save acknowledged just before could be missing from it). While a check runs, every request
that arrives waits for the next one, which starts when the running one ends; under load one
check answers a whole batch of requests.
"""

import asyncio
import os
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from app.services.pagecache import LATEST_REVISION, RevisionKey

Waiter = asyncio.Future[RevisionKey | None]


class _Connection:
    """A DBAPI connection outside the pool, opened on first use, reopened after an error."""

    def __init__(self, engine_of: Callable[[], Engine]) -> None:
        self.engine_of = engine_of
        self.engine: Engine | None = None
        self.raw: Any = None
        self.file: tuple[int, int] | None = None  # SQLite: the database file it opened

    @staticmethod
    def _file_of(engine: Engine) -> tuple[int, int] | None:
        """A restore swaps SQLite's file by a rename: an open connection would keep reading the
        old one, so the file's identity is checked before each query."""
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        if not database or database == ":memory:":
            return None
        try:
            stat = os.stat(database)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def _open(self, engine: Engine) -> Any:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        raw = engine.dialect.connect(*cargs, **cparams)
        if engine.dialect.name == "postgresql":
            raw.autocommit = True  # no transaction left open between checks
        return raw

    def close(self) -> None:
        if self.raw is not None:
            try:
                self.raw.close()
            finally:
                self.raw = None

    def latest(self) -> RevisionKey | None:
        engine = self.engine_of()
        file = self._file_of(engine)
        if engine is not self.engine or file != self.file:
            self.close()
            self.engine, self.file = engine, file
        if self.raw is None:
            self.raw = self._open(engine)
        try:
            cursor = self.raw.cursor()
            cursor.execute(LATEST_REVISION)
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            self.close()
            raise
        return (row[0], row[1]) if row is not None else None


def _close(connection: _Connection, executor: ThreadPoolExecutor) -> None:
    executor.shutdown(wait=False)
    connection.close()


class RevisionWatch:
    def __init__(self, engine_of: Callable[[], Engine]) -> None:
        self._connection = _Connection(engine_of)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="revision-watch")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: Waiter | None = None
        self._next: Waiter | None = None
        # An app dropped (tests build many) closes its connection rather than leak it.
        weakref.finalize(self, _close, self._connection, self._executor)

    async def latest(self) -> RevisionKey | None:
        """The latest revision's (number, time), from a check that started after this call."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): forget the old one's checks
            self._loop, self._running, self._next = loop, None, None
        if self._running is None:
            waiter: Waiter = loop.create_future()
            self._launch(loop, waiter)
        else:
            if self._next is None:
                self._next = loop.create_future()
            waiter = self._next
        return await asyncio.shield(waiter)

    def _launch(self, loop: asyncio.AbstractEventLoop, waiter: Waiter) -> None:
        self._running = waiter
        job = loop.run_in_executor(self._executor, self._connection.latest)
        job.add_done_callback(lambda done: self._finish(loop, waiter, done))

    def _finish(self, loop: asyncio.AbstractEventLoop, waiter: Waiter,
                done: "asyncio.Future[RevisionKey | None]") -> None:
        error = done.exception()
        if error is not None:
            waiter.set_exception(error)
            waiter.exception()  # retrieved here: a waiter that went away must not warn
        else:
            waiter.set_result(done.result())
        if loop is not self._loop:
            return
        self._running = None
        if self._next is not None:
            upcoming, self._next = self._next, None
            self._launch(loop, upcoming)
