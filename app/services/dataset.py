"""Building datasets from the tables, publishing revisions, and loading a revision's dataset."""

import json
from collections import defaultdict
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
from app.services.search import refresh_search_index

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
        countries=tuple(CountryRecord(**c.model_dump(exclude={"created_at"})) for c in countries),
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
    """Snapshot the current tables as a new revision and attach its audit events. Caller commits.
    Publishing is serialised: the snapshot is built after every earlier revision committed, so
    revision N+1 holds all of revision N and its own change."""
    session.flush()
    serialise_publishing(session=session)
    revision = Revision(summary=summary, user_id=user_id, snapshot="{}")
    session.add(revision)
    session.flush()
    number = revision.id or 0  # assigned by the flush above
    dataset = build_dataset(session=session, revision=number, published_at=revision.created_at)
    revision.snapshot = dataset.model_dump_json(exclude={"revision", "published_at"})
    refresh_search_index(session=session, dataset=dataset)
    for event in events:
        event.revision_id = number
        event.at = revision.created_at
        session.add(event)
    return revision


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


# Revisions never change once written; the time in the key guards against a recreated database.
_datasets: dict[tuple[int, datetime], Dataset] = {}


def dataset_at(*, session: Session, revision: int | None = None) -> Dataset | None:
    """The dataset as published at `revision` (the latest when None); None if there is none."""
    key = _revision_key(session, revision)
    if key is None:
        return None
    cached = _datasets.get(key)
    if cached is not None:
        return cached
    snapshot = session.exec(select(Revision.snapshot).where(Revision.id == key[0])).one()
    dataset = Dataset(revision=key[0], published_at=key[1], **json.loads(snapshot))
    if len(_datasets) >= 64:
        _datasets.clear()
    _datasets[key] = dataset
    return dataset
