"""Building datasets from the tables, publishing revisions, and loading a revision's dataset."""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy import event as orm_events
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from app.models import (
    AuditEvent,
    Citation,
    Commitment,
    Country,
    Event,
    EventFact,
    FactCitation,
    Mention,
    Revision,
    Signatory,
    Source,
)
from app.services.changes import Touched, consume
from app.services.locking import serialise_publishing
from app.services.records import (
    CitationRecord,
    CommitmentRecord,
    ConditionsRecord,
    CountryRecord,
    Dataset,
    EventRecord,
    FactRecord,
    MentionRecord,
    SignatoryRecord,
    SourceRecord,
)
from app.services.revstore import (
    RECORD_TYPES,
    Change,
    Key,
    apply_delta,
    compare,
    dataset_from_snapshot,
    dataset_from_state,
    dataset_weight,
    is_checkpoint,
    ordered,
    record_key,
    state_of,
)
from app.services.search import refresh_search_index, update_search_index
from app.services.singleflight import SingleFlight

CITATION_FIELDS = ("id", "source_id", "quote", "speaker", "attribution")
COMMITMENT_FIELDS = ("id", "country_code", "kind", "date", "date_precision", "date_basis",
                     "summary", "retracted_at", "retraction_reason", "firmness", "event_id",
                     "disputed", "dispute_reason", "dispute_citation_id", "corrected_at",
                     "correction_reason")
CONDITION_FIELDS = ("after_ceasefire", "us_backstop", "parliament_approval", "non_combat",
                    "location", "troop_numbers", "other")

Raw = tuple[Any, ...]


class RecordMemo:
    """Records by the raw rows they are made of. A record is a pure function of its rows, so a
    memo entry is never stale: publishing re-reads the tables as plain rows (cheap) and builds
    records only for rows that changed since the last build in this process. Holds one build's
    records (the last), so its size follows the dataset, not the number of revisions."""

    def __init__(self) -> None:
        self._last: dict[Raw, Any] = {}
        self._next: dict[Raw, Any] = {}

    def get(self, raw: Raw, make: Callable[[], Any]) -> Any:
        record = self._last.get(raw)
        if record is None:
            record = make()
        self._next[raw] = record
        return record

    def done(self) -> None:
        self._last, self._next = self._next, {}


_memo_lock = threading.Lock()
_memo = RecordMemo()


def _rows(session: Session, model: type[SQLModel], *order: Any,
          where: ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    """The rows of `model`'s table (those matching `where`, every one when None) as plain
    mappings (Core: no ORM identity map, always what this transaction sees now), skipping the
    columns no record shows."""
    table = model.__table__  # type: ignore[attr-defined]
    unread = UNREAD - KEPT_TIMES.get(model.__name__, set())
    columns = [column for column in table.columns if column.name not in unread]
    if model is Source:
        columns.append((func.coalesce(func.length(table.c.text), 0) > 0).label("has_text"))
    query = sa_select(*columns).order_by(*order)
    if where is not None:
        query = query.where(where)
    result = session.connection().execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.fetchall()]


UNREAD = {"created_at", "updated_at", "text"}
KEPT_TIMES = {"Commitment": {"created_at"}}  # a commitment's recorded_at (the export shows it)
Keys = Collection[Key] | None  # the records to read, every one when None


def _among(column: Any, keys: Keys) -> ColumnElement[bool] | None:
    return None if keys is None else col(column).in_(sorted(keys))


def _citations(rows: list[dict[str, Any]], parent: str) -> dict[int, list[Raw]]:
    grouped: dict[int, list[Raw]] = defaultdict(list)
    for row in rows:
        grouped[row[parent]].append(tuple(row[name] for name in CITATION_FIELDS))
    return grouped


def _citation(raw: Raw) -> CitationRecord:
    return CitationRecord(**dict(zip(CITATION_FIELDS, raw, strict=True)))


def _commitment(row: dict[str, Any], citations: list[Raw]) -> CommitmentRecord:
    return CommitmentRecord(
        **{name: row[name] for name in COMMITMENT_FIELDS},
        conditions=ConditionsRecord(**{name: row[f"cond_{name}"] for name in CONDITION_FIELDS}),
        citations=tuple(_citation(raw) for raw in citations),
        recorded_at=row["created_at"],
    )


def _commitment_records(session: Session, memo: RecordMemo,
                        keys: Keys = None) -> list[CommitmentRecord]:
    citations = _citations(_rows(session, Citation, Citation.id,
                                 where=_among(Citation.commitment_id, keys)), "commitment_id")
    records = []
    for row in _rows(session, Commitment, Commitment.id, where=_among(Commitment.id, keys)):
        own = citations[row["id"]]
        raw = ("commitment", *row.values(), *own)
        records.append(memo.get(raw, partial(_commitment, row, own)))
    return records


def _fact(fact: dict[str, Any], citations: list[Raw]) -> FactRecord:
    return FactRecord(id=fact["id"], statement=fact["statement"],
                      citations=tuple(_citation(raw) for raw in citations))


def _fact_rows(session: Session,
               keys: Keys) -> dict[int, list[tuple[dict[str, Any], list[Raw]]]]:
    """Each event's facts (rows) with their citations (raw)."""
    rows = _rows(session, EventFact, EventFact.id, where=_among(EventFact.event_id, keys))
    citations = _citations(_rows(session, FactCitation, FactCitation.id, where=None if keys is None
                                 else _among(FactCitation.fact_id, [r["id"] for r in rows])),
                           "fact_id")
    facts: dict[int, list[tuple[dict[str, Any], list[Raw]]]] = defaultdict(list)
    for fact in rows:
        facts[fact["event_id"]].append((fact, citations[fact["id"]]))
    return facts


def _event(event: dict[str, Any], facts: list[tuple[dict[str, Any], list[Raw]]],
           signatories: list[Raw]) -> EventRecord:
    return EventRecord(**event, facts=tuple(_fact(fact, own) for fact, own in facts),
                       signatories=tuple(SignatoryRecord(id=i, country_code=c, document=d)
                                         for i, c, d in signatories))


def _event_records(session: Session, memo: RecordMemo, keys: Keys = None) -> list[EventRecord]:
    facts = _fact_rows(session, keys)
    signatories: dict[int, list[Raw]] = defaultdict(list)
    for row in _rows(session, Signatory, Signatory.id, where=_among(Signatory.event_id, keys)):
        signatories[row["event_id"]].append((row["id"], row["country_code"], row["document"]))
    records = []
    for event in _rows(session, Event, Event.date, Event.id, where=_among(Event.id, keys)):
        own_facts, own_signatories = facts[event["id"]], signatories[event["id"]]
        raw = ("event", *event.values(),
               *((*fact.values(), *own) for fact, own in own_facts), *own_signatories)
        records.append(memo.get(raw, partial(_event, event, own_facts, own_signatories)))
    return records


SIMPLE: dict[str, tuple[type[SQLModel], Callable[..., Any], Any]] = {
    "countries": (Country, CountryRecord, Country.code),
    "sources": (Source, SourceRecord, Source.id),
    "mentions": (Mention, MentionRecord, Mention.id),
}


def collection_records(*, session: Session, name: str, memo: RecordMemo,
                       keys: Keys = None) -> list[Any]:
    """The records of collection `name` as the tables hold them now: those with `keys`, or
    every one when None (in no particular order)."""
    if name == "commitments":
        return _commitment_records(session, memo, keys)
    if name == "events":
        return _event_records(session, memo, keys)
    model, record, key = SIMPLE[name]
    return [memo.get((model.__name__, *row.values()), partial(record, **row))
            for row in _rows(session, model, key, where=_among(key, keys))]


def build_dataset(*, session: Session, revision: int, published_at: datetime) -> Dataset:
    """Read every table into one Dataset (the write model's state inside this transaction), as
    plain rows; records are made only for rows that changed since this process last built."""
    with _memo_lock:
        collections = {name: ordered(name, collection_records(session=session, name=name,
                                                              memo=_memo))
                       for name in RECORD_TYPES}
        _memo.done()
    return Dataset(revision=revision, published_at=published_at, **collections)


MAX_KEYS = 400  # beyond this many touched records, a collection is re-read whole


def _keys_to_read(touched: Touched, name: str) -> Keys:
    """The touched keys of `name`; None to re-read it whole."""
    keys = touched.keys[name]
    return None if name in touched.whole or len(keys) > MAX_KEYS else keys


def _advance_collection(session: Session, before: Dataset, name: str, keys: Keys,
                        change: Change) -> tuple[Any, ...] | None:
    """Collection `name` now, when it changed (noted in `change`); None when it did not."""
    old = {record_key(name, record): record for record in getattr(before, name)}
    new = {record_key(name, record): record for record in collection_records(
        session=session, name=name, memo=RecordMemo(), keys=keys)}
    checked = [*new, *(key for key in old if key not in new)] if keys is None else keys
    put, drop = compare(name=name, old=old, new=new, keys=checked)
    if not put and not drop:
        return None
    change.put[name], change.drop[name] = put, drop
    state = {**old, **{record_key(name, record): record for record in put}}
    gone = set(drop)
    return ordered(name, (record for key, record in state.items() if key not in gone))


def advance(*, session: Session, before: Dataset, touched: Touched, revision: int,
            published_at: datetime) -> tuple[Dataset, Change]:
    """The dataset now: `before` (the previous revision's, immutable) with the records this
    transaction touched re-read from the tables, and what changed. Untouched collections are
    shared with `before`, not copied."""
    change, collections = Change(), {}
    for name in RECORD_TYPES:
        keys = _keys_to_read(touched, name)
        if keys is not None and not keys:
            continue
        records = _advance_collection(session, before, name, keys, change)
        if records is not None:
            collections[name] = records
    fixed = {"revision": revision, "published_at": published_at}
    if not collections:
        return before.model_copy(update=fixed), change
    kept = {name: getattr(before, name) for name in RECORD_TYPES if name not in collections}
    return Dataset(**fixed, **kept, **collections), change  # type: ignore[arg-type]


def publish_revision(
    *, session: Session, summary: str, user_id: int | None, events: list[AuditEvent]
) -> Revision:
    """Publish the current tables as a new revision and attach its audit events. Caller commits.
    Publishing is serialised, so the revision before this one holds every earlier change: the
    new dataset is that one's with the records this transaction touched re-read (see
    app/services/changes.py), and what is stored is that change, or every CHECKPOINT_EVERY-th
    revision the whole dataset (app/services/revstore.py). The search index gets the change."""
    session.flush()
    serialise_publishing(session=session)
    previous = latest_revision_id(session=session)
    revision = Revision(summary=summary, user_id=user_id)
    session.add(revision)
    session.flush()
    number = revision.id or 0  # assigned by the flush above
    before = None if previous is None else dataset_at(session=session, revision=previous)
    notes = consume(session)
    if before is not None and _is_stored_whole(session, previous):
        notes.whole.update(RECORD_TYPES)  # after a checkpoint, or a migration: compare all
    if before is None:
        dataset = build_dataset(session=session, revision=number,
                                published_at=revision.created_at)
        refresh_search_index(session=session, dataset=dataset)
    else:
        dataset, change = advance(session=session, before=before, touched=notes,
                                  revision=number, published_at=revision.created_at)
        revision.delta = change.to_json()
        update_search_index(session=session, before=before, after=dataset, change=change)
    if before is None or is_checkpoint(number=number, previous=previous):
        revision.delta = None
        revision.snapshot = dataset.model_dump_json(exclude={"revision", "published_at"})
    for event in events:
        event.revision_id = number
        event.at = revision.created_at
        session.add(event)
    session.info.setdefault(PUBLISHED, []).append(dataset)
    return revision


PUBLISHED = "published_datasets"


@orm_events.listens_for(Session, "after_commit")
def _keep_published(session: Session) -> None:
    """Once a publish is committed, its dataset is this worker's cached copy of the revision
    (the first read after an edit does not rebuild it from the delta just written)."""
    for dataset in session.info.pop(PUBLISHED, []):
        _datasets.put((dataset.revision, dataset.published_at), dataset)


@orm_events.listens_for(Session, "after_rollback")
def _forget_published(session: Session) -> None:
    session.info.pop(PUBLISHED, None)


def _is_stored_whole(session: Session, number: int | None) -> bool:
    """Whether revision `number` holds a whole snapshot: a checkpoint, or a revision written
    before migration 0008 (when the tables may hold what a migration added since). The revision
    after one is compared whole with the tables, so any drift is caught there."""
    return session.exec(select(col(Revision.snapshot).is_not(None))
                        .where(Revision.id == number)).first() is True


def latest_revision_id(*, session: Session) -> int | None:
    return session.exec(select(func.max(Revision.id))).one()


def _revision_key(session: Session, revision: int | None) -> tuple[int, datetime] | None:
    """(number, time) of a revision, the latest when None: one small indexed query."""
    query = select(Revision.id, Revision.created_at)
    if revision is None:
        query = query.order_by(col(Revision.id).desc()).limit(1)
    else:
        query = query.where(Revision.id == revision)
    row = session.exec(query).first()
    return (row[0], row[1]) if row and row[0] is not None else None


DatasetKey = tuple[int, datetime]


class DatasetCache:
    """Least-recently-used datasets, bounded by their total size (records and citations) and
    count, so a worker's memory does not grow with the number of revisions read. Revisions never
    change once written; the time in the key guards against a recreated database."""

    def __init__(self, *, max_weight: int = 40_000, max_entries: int = 4) -> None:
        self.max_weight, self.max_entries = max_weight, max_entries
        self._entries: OrderedDict[DatasetKey, tuple[Dataset, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: DatasetKey) -> Dataset | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: DatasetKey, dataset: Dataset) -> None:
        with self._lock:
            self._entries[key] = (dataset, dataset_weight(dataset))
            self._entries.move_to_end(key)
            while len(self._entries) > 1 and (
                len(self._entries) > self.max_entries
                or sum(weight for _, weight in self._entries.values()) > self.max_weight
            ):
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_datasets = DatasetCache()
_rebuilds: SingleFlight[Dataset] = SingleFlight()  # a burst of misses rebuilds a revision once


def dataset_at(*, session: Session, revision: int | None = None) -> Dataset | None:
    """The dataset as published at `revision` (the latest when None); None if there is none."""
    key = _revision_key(session, revision)
    if key is None:
        return None
    dataset = _datasets.get(key)
    if dataset is None:
        dataset = _rebuilds.run(key=key, compute=lambda: _rebuild_and_keep(session, key))
    return dataset


def _rebuild_and_keep(session: Session, key: DatasetKey) -> Dataset:
    dataset = _datasets.get(key)  # a rebuild that ended just before this one began
    if dataset is None:
        dataset = _rebuild(session, key)
        _datasets.put(key, dataset)
    return dataset


def _rebuild(session: Session, key: DatasetKey) -> Dataset:
    """Revision `key` from the nearest checkpoint at or before it, or from a cached revision
    after that checkpoint, replaying the deltas in between."""
    number = key[0]
    checkpoint = session.exec(
        select(Revision.id).where(col(Revision.id) <= number, col(Revision.snapshot).is_not(None))
        .order_by(col(Revision.id).desc()).limit(1)).first() or 0
    chain = session.exec(select(Revision.id, Revision.created_at)
                         .where(col(Revision.id) >= checkpoint, col(Revision.id) <= number)
                         .order_by(col(Revision.id).desc())).all()
    base = next(((row[0], cached) for row in chain
                 if (cached := _datasets.get((row[0] or 0, row[1]))) is not None), None)
    if base is None:
        snapshot = session.exec(select(Revision.snapshot).where(Revision.id == checkpoint)).one()
        base = (checkpoint, dataset_from_snapshot(snapshot=snapshot or "{}",
                                                  revision=number, published_at=key[1]))
    if base[0] == number:
        return base[1]
    state = state_of(base[1])
    for delta in session.exec(select(Revision.delta).where(col(Revision.id) > base[0],
                                                           col(Revision.id) <= number)
                              .order_by(col(Revision.id))):
        if delta is not None:
            apply_delta(state=state, delta=delta)
    return dataset_from_state(state=state, revision=number, published_at=key[1])
