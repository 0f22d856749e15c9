"""How revisions are stored: deltas with periodic checkpoints.

A revision stores what it changed: for each collection of the dataset (countries, sources,
commitments, mentions, events), the records put (added or changed, whole) and the keys dropped
since the revision before it. Every `CHECKPOINT_EVERY`-th revision, the first one, and every
revision written before migration 0008 hold the whole dataset instead (`snapshot`). Revision N is
rebuilt from the nearest checkpoint at or before N (or from a cached later dataset) by replaying
the deltas after it in order; publishing is serialised, so that order is the order of commits.
An edit therefore adds what it changed plus, amortised, one checkpoint in `CHECKPOINT_EVERY`.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.services.records import (
    CommitmentRecord,
    CountryRecord,
    Dataset,
    EventRecord,
    MentionRecord,
    Record,
    SourceRecord,
)

CHECKPOINT_EVERY = 100

Key = str | int
State = dict[str, dict[Key, Any]]

RECORD_TYPES: dict[str, type[Record]] = {
    "countries": CountryRecord,
    "sources": SourceRecord,
    "commitments": CommitmentRecord,
    "mentions": MentionRecord,
    "events": EventRecord,
}


def record_key(name: str, record: Any) -> Key:
    """What identifies a record within its collection: a country's code, otherwise its id."""
    key: Key = record.code if name == "countries" else record.id
    return key


def _order(name: str) -> Callable[[Any], Any]:
    """The order a collection has in a Dataset (the one `build_dataset` reads it in)."""
    if name == "events":
        return lambda event: (event.date, event.id)
    return lambda record: record_key(name, record)


def ordered(name: str, records: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(records, key=_order(name)))


def is_checkpoint(*, number: int, previous: int | None) -> bool:
    return previous is None or number % CHECKPOINT_EVERY == 0


def state_of(dataset: Dataset) -> State:
    """The dataset's collections as mutable maps keyed by record."""
    return {name: {record_key(name, record): record for record in getattr(dataset, name)}
            for name in RECORD_TYPES}


@dataclass(frozen=True)
class Change:
    """What one revision changed: per collection, the records put (added or changed, whole)
    and the keys dropped. Collections it did not touch are absent."""

    put: dict[str, list[Any]] = field(default_factory=dict)
    drop: dict[str, list[Key]] = field(default_factory=dict)

    def keys(self, name: str) -> set[Key]:
        """The keys of collection `name` this change put or dropped."""
        return {record_key(name, record) for record in self.put.get(name, ())} | set(
            self.drop.get(name, ()))

    def to_json(self) -> str:
        """The stored delta, as compact JSON (only the touched collections)."""
        delta = {name: {"put": [record.model_dump(mode="json")
                                for record in self.put.get(name, ())],
                        "drop": list(self.drop.get(name, ()))}
                 for name in RECORD_TYPES if self.put.get(name) or self.drop.get(name)}
        return json.dumps(delta, separators=(",", ":"), ensure_ascii=False)


def compare(*, name: str, old: dict[Key, Any], new: dict[Key, Any],
            keys: Iterable[Key]) -> tuple[list[Any], list[Key]]:
    """Among `keys`, the records of `new` that differ from `old`, and the keys `new` lacks."""
    put, drop = [], []
    for key in keys:
        record = new.get(key)
        if record is None:
            if key in old:
                drop.append(key)
        elif not _same(old.get(key), record):
            put.append(record)
    return list(ordered(name, put)), drop


def _same(old: Any, new: Any) -> bool:
    return old is new or old == new


def apply_delta(*, state: State, delta: str) -> None:
    """Replay one revision's delta onto `state` in place."""
    for name, change in json.loads(delta).items():
        records = state[name]
        for key in change["drop"]:
            records.pop(key, None)
        for raw in change["put"]:
            record = RECORD_TYPES[name].model_validate(raw)
            records[record_key(name, record)] = record


def dataset_from_state(*, state: State, revision: int, published_at: datetime) -> Dataset:
    collections = {name: ordered(name, records.values()) for name, records in state.items()}
    return Dataset(revision=revision, published_at=published_at, **collections)


def dataset_from_snapshot(*, snapshot: str, revision: int, published_at: datetime) -> Dataset:
    return Dataset(revision=revision, published_at=published_at, **json.loads(snapshot))


def dataset_weight(dataset: Dataset) -> int:
    """A size measure for caching: records plus citations."""
    citations = sum(len(commitment.citations) for commitment in dataset.commitments)
    return (len(dataset.countries) + len(dataset.sources) + len(dataset.commitments)
            + len(dataset.mentions) + len(dataset.events) + citations)
