"""Load against a running server: anonymous readers, curators saving at the same moment, and a
/healthz probe in its own process (so the clients' own work does not count as server latency).

Used by tests/test_concurrency.py (short runs, invariants only) and bench/load.py (the figures).
"""

import asyncio
import http.client
import multiprocessing
import re
import time
import uuid
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a fresh event loop in a thread of its own (pytest-playwright's sync API may be
    running a loop in the main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


READ_PATHS = ["/", "/changes.json", "/revisions.json", "/countries/fr/history.json",
              "/api/countries", "/api/sources", "/countries/fr"]
CLIENT_TIMEOUT = 30.0
# A client must drop an idle connection before the server does (uvicorn: after 5 s), or a
# request sent as the server closes it fails with a ReadError that says nothing of the server.
KEEPALIVE_EXPIRY = 2.0


@dataclass
class Figures:
    """What one kind of client saw: answers by status, failures without one, latencies."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    def errors(self, *, ok: frozenset[int] = frozenset({200})) -> int:
        bad = sum(n for status, n in self.statuses.items() if status not in ok)
        return bad + sum(self.failures.values())

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered \
            else 0.0

    def record(self, started: float, status: int | None, failure: str | None = None) -> None:
        self.latencies.append(time.perf_counter() - started)
        if status is not None:
            self.statuses[status] += 1
        else:
            self.failures[failure or "error"] += 1


@dataclass
class Probe:
    count: int
    failures: int
    worst_ms: float


def _probe(url: str, stop_after: float, out: Connection, stop: Any) -> None:
    """Ask /healthz every 50 ms on one keep-alive connection until `stop` is set or the time is
    up; send (count, failures, worst)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    count = failures = 0
    worst = 0.0
    deadline = time.monotonic() + stop_after
    while time.monotonic() < deadline and not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            failures += response.status != 200
        except OSError:
            failures += 1
            connection.close()
        worst = max(worst, time.perf_counter() - started)
        count += 1
        time.sleep(0.05)
    out.send((count, failures, worst * 1000))


@dataclass
class Prober:
    process: Any
    receiver: Connection
    stop: Any


def start_probe(url: str, seconds: float) -> Prober:
    """Probe /healthz from another process for at most `seconds` (finish_probe stops it)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    process = context.Process(target=_probe, args=(url, seconds, sender, stop))
    process.start()
    return Prober(process=process, receiver=receiver, stop=stop)


def finish_probe(prober: Prober) -> Probe:
    prober.stop.set()
    process, receiver = prober.process, prober.receiver
    count, failures, worst = receiver.recv()
    process.join(timeout=10)
    return Probe(count=count, failures=failures, worst_ms=worst)


async def _read(client: httpx.AsyncClient, figures: Figures, deadline: float, offset: int
                ) -> None:
    index = offset
    while time.monotonic() < deadline:
        path = READ_PATHS[index % len(READ_PATHS)]
        index += 1
        started = time.perf_counter()
        try:
            response = await client.get(path)
            figures.record(started, response.status_code)
        except httpx.HTTPError as exc:
            figures.record(started, None, type(exc).__name__)


async def read_load(url: str, *, readers: int, seconds: float,
                    timeout: float = CLIENT_TIMEOUT) -> Figures:
    """`readers` clients, each on its own connection, reading the hot pages for `seconds`."""
    figures = Figures()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers,
                          keepalive_expiry=KEEPALIVE_EXPIRY)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        await asyncio.gather(*(_read(client, figures, deadline, n) for n in range(readers)))
    return figures


# ---- writers ----------------------------------------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


@dataclass
class WriteLog:
    figures: Figures = field(default_factory=Figures)
    acknowledged: list[str] = field(default_factory=list)
    missing_at_ack: list[str] = field(default_factory=list)
    refused_kept_input: int = 0


async def _log_in(client: httpx.AsyncClient, username: str, password: str) -> str:
    token = _token((await client.get("/admin/login")).text)
    response = await client.post("/admin/login", data={
        "username": username, "password": password, "csrf_token": token, "next": "/admin"})
    if response.status_code != 303:
        raise RuntimeError(f"login of {username} answered {response.status_code}")
    return _token((await client.get("/admin/sources/new")).text)


async def _save_source(client: httpx.AsyncClient, token: str, log: WriteLog, title: str,
                       start: asyncio.Event) -> None:
    await start.wait()
    started = time.perf_counter()
    try:
        response = await client.post("/admin/sources", data={"title": title, "csrf_token": token},
                                     headers={"Accept": "text/html"})
    except httpx.HTTPError as exc:
        log.figures.record(started, None, type(exc).__name__)
        return
    log.figures.record(started, response.status_code)
    if response.status_code == 303:
        log.acknowledged.append(title)
        latest = (await client.get("/api/sources")).json()
        if title not in {source["title"] for source in latest["sources"]}:
            log.missing_at_ack.append(title)
    elif response.status_code == 503 and title in response.text:
        log.refused_kept_input += 1


async def _writer(url: str, username: str, password: str, saves: int, log: WriteLog,
                  start: asyncio.Event, ready: asyncio.Queue[str]) -> None:
    limits = httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY)
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT, limits=limits) as client:
        token = await _log_in(client, username, password)
        await ready.put(username)
        for number in range(saves):
            title = f"Load {username} {number} {uuid.uuid4().hex[:8]}"
            await _save_source(client, token, log, title, start)


async def write_load(url: str, *, accounts: list[str], password: str, saves: int) -> WriteLog:
    """Every account logs in, then all save `saves` new sources each, starting together."""
    log = WriteLog()
    start = asyncio.Event()
    ready: asyncio.Queue[str] = asyncio.Queue()
    tasks = [asyncio.create_task(_writer(url, name, password, saves, log, start, ready))
             for name in accounts]
    for _ in accounts:
        await asyncio.wait_for(ready.get(), timeout=120)
    start.set()
    await asyncio.gather(*tasks)
    return log


async def _titles(client: httpx.AsyncClient, revision: int | None) -> set[str]:
    query = f"?rev={revision}" if revision else ""
    body = (await client.get(f"/api/sources{query}")).json()
    return {source["title"] for source in body["sources"]}


@dataclass
class Published:
    latest: set[str]
    lost_between_revisions: list[int]  # N where revision N+1 lacks something revision N had


async def published(url: str, *, since_revision: int) -> Published:
    """The sources' titles in the latest revision, and every revision that dropped one."""
    limits = httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY)
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT, limits=limits) as client:
        revisions = (await client.get("/revisions.json")).json()
        numbers = sorted(r["number"] for r in revisions["revisions"]
                         if r["number"] >= since_revision)
        lost = []
        previous = await _titles(client, numbers[0]) if numbers else set()
        for number in numbers[1:]:
            current = await _titles(client, number)
            if not previous <= current:
                lost.append(number - 1)
            previous = current
        return Published(latest=await _titles(client, None), lost_between_revisions=lost)
