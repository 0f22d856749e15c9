"""One computation per key at a time (app/services/singleflight.py), and the caches built on it:
a burst of misses for one page or one revision computes it once."""

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session

from app.db import get_engine
from app.services import dataset as dataset_module
from app.services.pagecache import PageCache, Rendered
from app.services.records import Dataset
from app.services.singleflight import SingleFlight

BURST = 8


def _burst(call: Callable[[], object]) -> list[object]:
    """`call` from BURST threads released at the same moment."""
    gate = threading.Barrier(BURST)

    def one() -> object:
        gate.wait()
        return call()

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _: one(), range(BURST)))


def _slow_counter(calls: list[int], result: object = "done") -> Callable[[], object]:
    def compute() -> object:
        calls.append(1)
        time.sleep(0.2)  # long enough for the whole burst to arrive while it runs
        return result

    return compute


def test_concurrent_calls_for_one_key_compute_once() -> None:
    flights: SingleFlight[object] = SingleFlight()
    calls: list[int] = []
    compute = _slow_counter(calls)
    results = _burst(lambda: flights.run(key="k", compute=compute))
    assert results == ["done"] * BURST
    assert len(calls) == 1
    assert len(flights) == 0


def test_different_keys_do_not_wait_for_each_other() -> None:
    flights: SingleFlight[object] = SingleFlight()
    calls: list[int] = []
    compute = _slow_counter(calls)
    counter = iter(range(BURST))
    lock = threading.Lock()

    def call() -> object:
        with lock:
            key = next(counter)
        return flights.run(key=key, compute=compute)

    assert len(_burst(call)) == BURST
    assert len(calls) == BURST


def test_a_failure_is_not_shared_each_waiter_computes_for_itself() -> None:
    flights: SingleFlight[object] = SingleFlight()
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        time.sleep(0.2)
        if len(calls) == 1:
            raise RuntimeError("the first computation fails")
        return "retried"

    outcomes = _burst(lambda: _outcome(lambda: flights.run(key="k", compute=compute)))
    assert outcomes.count("RuntimeError") == 1
    assert outcomes.count("retried") == BURST - 1
    assert len(flights) == 0


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except RuntimeError as error:
        return type(error).__name__


def test_a_burst_of_misses_renders_a_page_once(db: Session) -> None:
    cache = PageCache()
    renders: list[int] = []

    def render(dataset: Dataset) -> Rendered:
        renders.append(dataset.revision)
        time.sleep(0.2)
        return Rendered("<p>page</p>")

    pages = _burst(lambda: cache.page(engine=get_engine(), revision=None, key=("/p",),
                                      render=render))
    assert renders == [1]
    assert len({id(page) for page in pages}) == 1


def test_a_burst_of_misses_keeps_an_answer_once() -> None:
    cache = PageCache()
    renders: list[int] = []

    def render() -> Rendered:
        renders.append(1)
        time.sleep(0.2)
        return Rendered(b"a,b\n", "text/csv")

    pages = _burst(lambda: cache.kept(key=("kept", 1), revision=1, render=render))
    assert len(renders) == 1 and len({id(page) for page in pages}) == 1


def test_a_burst_of_misses_rebuilds_a_revision_once(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    rebuilds: list[int] = []
    real = dataset_module._rebuild

    def counted(session: Session, key: tuple[int, object]) -> Dataset:
        rebuilds.append(key[0])
        time.sleep(0.2)
        return real(session, key)

    monkeypatch.setattr(dataset_module, "_rebuild", counted)
    dataset_module._datasets.clear()

    def read() -> object:
        with Session(get_engine()) as session:
            return dataset_module.dataset_at(session=session)

    datasets = _burst(read)
    assert rebuilds == [1]
    assert len({id(found) for found in datasets}) == 1
