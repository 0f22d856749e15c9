"""One computation per key at a time: when many requests miss the same cache entry at once (a
cold start, the first requests after an edit), one thread computes it and the others wait for
its result instead of each doing the same work. Without this, a burst of readers renders the
same page dozens of times at once, and the CPU (and the GIL) they take starves the event loop
that answers /healthz.

A failed computation is not shared: each waiter then computes for itself, so an error reaches
only the request that met it and a transient failure does not fail a whole batch.
"""

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Flight(Generic[T]):
    done: threading.Event = field(default_factory=threading.Event)
    outcome: tuple[T] | None = None  # set when the computation succeeded


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight[T]] = {}

    def __len__(self) -> int:
        """How many computations are running now."""
        return len(self._flights)

    def run(self, *, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, unless another thread is computing `key` now: then its result."""
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            return self._follow(flight=flight, compute=compute)
        try:
            flight.outcome = (compute(),)
            return flight.outcome[0]
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    @staticmethod
    def _follow(*, flight: _Flight[T], compute: Callable[[], T]) -> T:
        flight.done.wait()
        return flight.outcome[0] if flight.outcome is not None else compute()
