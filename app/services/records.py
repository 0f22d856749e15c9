"""The read model: an immutable picture of the whole dataset at one revision.

Every public page, API answer and download is computed from a `Dataset`. Each saved change stores
what changed as a revision (app/services/revstore.py), so `?rev=N` reproduces revision N exactly.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from app.models import Attribution, Firmness, Kind, Location, Precision, Role


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class ConditionsRecord(Record):
    after_ceasefire: bool | None = None
    us_backstop: bool | None = None
    parliament_approval: bool | None = None
    non_combat: bool | None = None
    location: Location | None = None
    troop_numbers: str | None = None
    other: str | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in self.model_dump().values())


class SourceRecord(Record):
    id: int
    title: str
    title_is_lede: bool = False
    outlet: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None
    note: str | None = None
    has_text: bool = False


class CitationRecord(Record):
    id: int
    source_id: int
    quote: str
    speaker: str | None = None
    attribution: Attribution = Attribution.outlet

    @model_validator(mode="before")
    @classmethod
    def _older_snapshot(cls, data: Any) -> Any:
        """Snapshots from before attribution existed: a named speaker means `reported`."""
        if isinstance(data, dict) and "attribution" not in data:
            named = bool(data.get("speaker"))
            return {**data, "attribution": Attribution.reported if named else Attribution.outlet}
        return data


class CommitmentRecord(Record):
    id: int
    country_code: str
    kind: Kind
    date: date
    date_precision: Precision = Precision.day
    date_basis: str | None = None
    summary: str
    conditions: ConditionsRecord = ConditionsRecord()
    citations: tuple[CitationRecord, ...] = ()
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    firmness: Firmness = Firmness.firm
    event_id: int | None = None
    disputed: bool = False
    dispute_reason: str | None = None
    dispute_citation_id: int | None = None
    corrected_at: datetime | None = None
    correction_reason: str | None = None

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class MentionRecord(Record):
    id: int
    country_code: str
    source_id: int
    quote: str


class FactRecord(Record):
    id: int
    statement: str
    citations: tuple[CitationRecord, ...] = ()


class SignatoryRecord(Record):
    id: int = 0
    country_code: str
    document: str


class EventRecord(Record):
    id: int
    slug: str
    name: str
    date: date
    date_precision: Precision = Precision.day
    date_basis: str | None = None
    place: str | None = None
    summary: str | None = None
    version: int = 1
    facts: tuple[FactRecord, ...] = ()
    signatories: tuple[SignatoryRecord, ...] = ()


class CountryRecord(Record):
    code: str
    name: str
    in_europe: bool = True
    role: Role = Role.member
    version: int = 1
    reviewed_at: datetime | None = None


class Dataset(Record):
    revision: int
    published_at: datetime
    countries: tuple[CountryRecord, ...] = ()
    sources: tuple[SourceRecord, ...] = ()
    commitments: tuple[CommitmentRecord, ...] = ()
    mentions: tuple[MentionRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()  # absent from snapshots older than events

    _by_code: dict[str, CountryRecord] = PrivateAttr(default_factory=dict)
    _sources: dict[int, SourceRecord] = PrivateAttr(default_factory=dict)
    _by_country: dict[str, list[CommitmentRecord]] = PrivateAttr(default_factory=dict)
    _mentions: dict[str, list[MentionRecord]] = PrivateAttr(default_factory=dict)
    _events: dict[int, EventRecord] = PrivateAttr(default_factory=dict)
    _citations: dict[int, CitationRecord] = PrivateAttr(default_factory=dict)
    _holders: dict[int, CommitmentRecord] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: object) -> None:
        self._by_code = {country.code: country for country in self.countries}
        self._sources = {source.id: source for source in self.sources}
        by_country: dict[str, list[CommitmentRecord]] = defaultdict(list)
        for commitment in sorted(self.commitments, key=lambda c: (c.date, c.id)):
            by_country[commitment.country_code].append(commitment)
        self._by_country = dict(by_country)
        mentions: dict[str, list[MentionRecord]] = defaultdict(list)
        for mention in self.mentions:
            mentions[mention.country_code].append(mention)
        self._mentions = dict(mentions)
        self._events = {event.id: event for event in self.events}
        self._citations = {cit.id: cit for c in self.commitments for cit in c.citations}
        self._holders = {cit.id: c for c in self.commitments for cit in c.citations}

    def country(self, code: str) -> CountryRecord | None:
        return self._by_code.get(code.upper())

    def source(self, source_id: int) -> SourceRecord | None:
        return self._sources.get(source_id)

    def commitments_of(self, code: str) -> list[CommitmentRecord]:
        """All commitments of a country, retracted included, oldest first (date, then id)."""
        return self._by_country.get(code, [])

    def mentions_of(self, code: str) -> list[MentionRecord]:
        return self._mentions.get(code, [])

    def event(self, event_id: int | None) -> EventRecord | None:
        return self._events.get(event_id) if event_id is not None else None

    def event_by_slug(self, slug: str) -> EventRecord | None:
        return next((e for e in self.events if e.slug == slug), None)

    def citation(self, citation_id: int | None) -> CitationRecord | None:
        """A commitment's citation by id (any commitment's)."""
        return self._citations.get(citation_id) if citation_id is not None else None

    def commitment_of_citation(self, citation_id: int) -> CommitmentRecord | None:
        return self._holders.get(citation_id)
