"""Building datasets from the tables, publishing revisions, and loading a revision's dataset."""

import threading
from collections import OrderedDict, defaultdict
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

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
    apply_delta,
    dataset_from_snapshot,
    dataset_from_state,
    dataset_weight,
    delta_json,
    is_checkpoint,
    state_of,
)

CITATION_FIELDS = {"id", "source_id", "quote", "speaker", "attribution"}


def _conditions(row: Commitment) -> ConditionsRecord:
    return ConditionsRecord(
        after_ceasefire=row.cond_after_ceasefire,
        us_backstop=row.cond_us_backstop,
        parliament_approval=row.cond_parliament_approval,
        non_combat=row.cond_non_combat,
        location=row.cond_location,
        troop_numbers=row.cond_troop_numbers,
        other=row.cond_other,
    )


def _commitment_records(session: Session) -> list[CommitmentRecord]:
    citations: dict[int, list[CitationRecord]] = defaultdict(list)
    for cit in session.exec(select(Citation).order_by(col(Citation.id))
                            .execution_options(populate_existing=True)):
        citations[cit.commitment_id].append(
            CitationRecord(**cit.model_dump(include=CITATION_FIELDS))
        )
    return [
        CommitmentRecord(
            **row.model_dump(include={"id", "country_code", "kind", "date", "date_precision",
                                      "date_basis", "summary", "retracted_at",
                                      "retraction_reason", "firmness", "event_id", "disputed",
                                      "dispute_reason", "dispute_citation_id", "corrected_at",
                                      "correction_reason"}),
            conditions=_conditions(row),
            citations=tuple(citations[row.id or 0]),
        )
        for row in session.exec(select(Commitment).order_by(col(Commitment.id))
                                .execution_options(populate_existing=True))
    ]


def _fact_records(session: Session) -> dict[int, list[FactRecord]]:
    citations: dict[int, list[CitationRecord]] = defaultdict(list)
    for cit in session.exec(select(FactCitation).order_by(col(FactCitation.id))):
        citations[cit.fact_id].append(CitationRecord(**cit.model_dump(include=CITATION_FIELDS)))
    facts: dict[int, list[FactRecord]] = defaultdict(list)
    for fact in session.exec(select(EventFact).order_by(col(EventFact.id))):
        facts[fact.event_id].append(FactRecord(id=fact.id or 0, statement=fact.statement,
                                               citations=tuple(citations[fact.id or 0])))
    return facts


def _event_records(session: Session) -> list[EventRecord]:
    facts = _fact_records(session)
    signatories: dict[int, list[SignatoryRecord]] = defaultdict(list)
    for row in session.exec(select(Signatory).order_by(col(Signatory.id))):
        signatories[row.event_id].append(
            SignatoryRecord(id=row.id or 0, country_code=row.country_code,
                            document=row.document))
    return [
        EventRecord(**event.model_dump(exclude={"created_at"}),
                    facts=tuple(facts[event.id or 0]),
                    signatories=tuple(signatories[event.id or 0]))
        for event in session.exec(select(Event).order_by(col(Event.date), col(Event.id)))
    ]


def build_dataset(*, session: Session, revision: int, published_at: datetime) -> Dataset:
    """Read every table into one Dataset (the write model's state inside this transaction).
    Rows loaded earlier in the transaction are read again (others may have changed them)."""
    fresh = {"populate_existing": True}
    countries = session.exec(select(Country).order_by(col(Country.code))
                             .execution_options(**fresh)).all()
    sources = session.exec(select(Source).order_by(col(Source.id))
                           .execution_options(**fresh)).all()
    mentions = session.exec(select(Mention).order_by(col(Mention.id))).all()
    return Dataset(
        revision=revision,
        published_at=published_at,
        countries=tuple(sorted((CountryRecord(**c.model_dump(exclude={"created_at"}))
                                for c in countries), key=lambda c: c.code)),
        sources=tuple(
            SourceRecord(**s.model_dump(exclude={"text", "version", "created_at"}),
                         has_text=bool(s.text))
            for s in sources
        ),
        commitments=tuple(_commitment_records(session)),
        mentions=tuple(MentionRecord(**m.model_dump()) for m in mentions),
        events=tuple(_event_records(session)),
    )


def publish_revision(
    *, session: Session, summary: str, user_id: int | None, events: list[AuditEvent]
) -> Revision:
    """Publish the current tables as a new revision and attach its audit events. Caller commits.
    Publishing is serialised: the dataset is built after every earlier revision committed, so
    revision N+1 holds all of revision N and its own change. What is stored is the change since
    revision N, or a whole checkpoint (app/services/revstore.py)."""
    session.flush()
    serialise_publishing(session=session)
    previous = latest_revision_id(session=session)
    revision = Revision(summary=summary, user_id=user_id)
    session.add(revision)
    session.flush()
    number = revision.id or 0  # assigned by the flush above
    dataset = build_dataset(session=session, revision=number, published_at=revision.created_at)
    _store_change(session=session, revision=revision, dataset=dataset, previous=previous)
    for event in events:
        event.revision_id = number
        event.at = revision.created_at
        session.add(event)
    return revision


def _store_change(
    *, session: Session, revision: Revision, dataset: Dataset, previous: int | None
) -> None:
    """A checkpoint's whole dataset, or the delta from the revision before."""
    before = None if previous is None else dataset_at(session=session, revision=previous)
    if before is None or is_checkpoint(number=dataset.revision, previous=previous):
        revision.snapshot = dataset.model_dump_json(exclude={"revision", "published_at"})
    else:
        revision.delta = delta_json(before=before, after=dataset)


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

    def __init__(self, *, max_weight: int = 60_000, max_entries: int = 6) -> None:
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


def dataset_at(*, session: Session, revision: int | None = None) -> Dataset | None:
    """The dataset as published at `revision` (the latest when None); None if there is none."""
    key = _revision_key(session, revision)
    if key is None:
        return None
    dataset = _datasets.get(key)
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
