"""Events (meetings, calls, documents) over a Dataset: the list, and one event with its
coalition-level facts, their citations, the signatories and every commitment made there."""

from datetime import date

from pydantic import BaseModel

from app.services.countries import (
    CitationView,
    CommitmentView,
    citation_view,
    commitment_view,
    country_url,
    event_url,
)
from app.services.records import Dataset, EventRecord


class SignatoryView(BaseModel):
    code: str
    name: str
    role: str
    document: str
    url: str


class EventSummary(BaseModel):
    slug: str
    name: str
    date: date
    date_precision: str
    date_basis: str | None
    place: str | None
    summary: str | None
    url: str
    version: int
    fact_count: int
    commitment_count: int
    signatories: list[SignatoryView]


class FactView(BaseModel):
    id: int
    statement: str
    citations: list[CitationView]


class EventCommitment(CommitmentView):
    country_code: str
    country_name: str
    country_url: str


class EventDetail(EventSummary):
    facts: list[FactView]
    commitments: list[EventCommitment]


def _signatories(dataset: Dataset, event: EventRecord) -> list[SignatoryView]:
    views = []
    for signatory in event.signatories:
        country = dataset.country(signatory.country_code)
        views.append(SignatoryView(
            code=signatory.country_code, name=country.name if country else signatory.country_code,
            role=country.role if country else "", document=signatory.document,
            url=country_url(signatory.country_code)))
    return views


def _commitments_at(dataset: Dataset, event: EventRecord) -> list[EventCommitment]:
    """Every commitment made at the event (retracted ones included, marked), by country name."""
    made = [c for c in dataset.commitments if c.event_id == event.id]
    views = []
    for commitment in made:
        country = dataset.country(commitment.country_code)
        name = country.name if country else commitment.country_code
        views.append(EventCommitment(
            **commitment_view(dataset, commitment).model_dump(),
            country_code=commitment.country_code, country_name=name,
            country_url=country_url(commitment.country_code)))
    return sorted(views, key=lambda v: (v.country_name, v.id))


def _summary(dataset: Dataset, event: EventRecord) -> EventSummary:
    return EventSummary(
        **event.model_dump(include={"slug", "name", "date", "date_precision", "date_basis",
                                    "place", "summary", "version"}),
        url=event_url(event.slug), fact_count=len(event.facts),
        commitment_count=sum(1 for c in dataset.commitments if c.event_id == event.id),
        signatories=_signatories(dataset, event),
    )


def list_events(*, dataset: Dataset) -> list[EventSummary]:
    """Every event, newest first."""
    return [_summary(dataset, e) for e in sorted(dataset.events, key=lambda e: (e.date, e.id),
                                                 reverse=True)]


def get_event(*, dataset: Dataset, slug: str) -> EventDetail | None:
    event = dataset.event_by_slug(slug.strip().lower())
    if event is None:
        return None
    facts = [FactView(id=f.id, statement=f.statement,
                      citations=[citation_view(dataset, c) for c in f.citations])
             for f in event.facts]
    return EventDetail(**_summary(dataset, event).model_dump(), facts=facts,
                       commitments=_commitments_at(dataset, event))
