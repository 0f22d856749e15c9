"""The read model: an immutable picture of the whole dataset at one revision.

Every public page, API answer and download is computed from a `Dataset`. Each saved change stores
what changed as a revision (app/services/revstore.py), so `?rev=N` reproduces revision N exactly.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from app.models import Attribution, Firmness, Kind, Location, Precision, Role

T = TypeVar("T")


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
    # When the commitment was first recorded (UTC); None in datasets stored before it was kept.
    recorded_at: datetime | None = None

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

    _lookup: "Lookup | None" = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal when the data is (whether the lookups were built yet does not count)."""
        if not isinstance(other, Dataset):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    @property
    def _index(self) -> "Lookup":
        """The lookups, built on first use (a publish makes datasets it never reads this way)."""
        private = self.__pydantic_private__  # read directly: pydantic's own path is slow
        lookup = private.get("_lookup") if private is not None else None
        if lookup is None:
            lookup = self._lookup = Lookup.of(self)
        return lookup

    def country(self, code: str) -> CountryRecord | None:
        return self._index.by_code.get(code.upper())

    def source(self, source_id: int) -> SourceRecord | None:
        return self._index.sources.get(source_id)

    def commitments_of(self, code: str) -> list[CommitmentRecord]:
        """All commitments of a country, retracted included, oldest first (date, then id)."""
        return self._index.by_country.get(code, [])

    def mentions_of(self, code: str) -> list[MentionRecord]:
        return self._index.mentions.get(code, [])

    def event(self, event_id: int | None) -> EventRecord | None:
        return self._index.events.get(event_id) if event_id is not None else None

    def event_by_slug(self, slug: str) -> EventRecord | None:
        return next((e for e in self.events if e.slug == slug), None)

    def citation(self, citation_id: int | None) -> CitationRecord | None:
        """A commitment's citation by id (any commitment's)."""
        return self._index.citations.get(citation_id) if citation_id is not None else None

    def commitment_of_id(self, commitment_id: int) -> CommitmentRecord | None:
        return self._index.by_id.get(commitment_id)

    def live_on_day(self, code: str, day: date) -> list[CommitmentRecord]:
        """A country's commitments dated `day` that are not retracted, by id."""
        return self._index.live_by_day.get((code, day), [])

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """A value computed from this dataset (which never changes), computed once."""
        memo = self._index.derived
        if key not in memo:
            memo[key] = make()
        return memo[key]  # type: ignore[return-value]

    def commitment_of_citation(self, citation_id: int) -> CommitmentRecord | None:
        return self._index.holders.get(citation_id)


@dataclass(frozen=True)
class Lookup:
    """A dataset's records by what pages look them up by."""

    by_code: dict[str, CountryRecord]
    sources: dict[int, SourceRecord]
    by_country: dict[str, list[CommitmentRecord]]
    mentions: dict[str, list[MentionRecord]]
    events: dict[int, EventRecord]
    citations: dict[int, CitationRecord]
    holders: dict[int, CommitmentRecord]
    live_by_day: dict[tuple[str, date], list[CommitmentRecord]]
    by_id: dict[int, CommitmentRecord]
    derived: dict[Hashable, object] = field(default_factory=dict)

    @classmethod
    def of(cls, dataset: Dataset) -> "Lookup":
        by_country: dict[str, list[CommitmentRecord]] = defaultdict(list)
        for commitment in sorted(dataset.commitments, key=lambda c: (c.date, c.id)):
            by_country[commitment.country_code].append(commitment)
        live_by_day: dict[tuple[str, date], list[CommitmentRecord]] = defaultdict(list)
        for commitment in dataset.commitments:
            if not commitment.is_retracted:
                live_by_day[(commitment.country_code, commitment.date)].append(commitment)
        mentions: dict[str, list[MentionRecord]] = defaultdict(list)
        for mention in dataset.mentions:
            mentions[mention.country_code].append(mention)
        return cls(
            by_code={country.code: country for country in dataset.countries},
            sources={source.id: source for source in dataset.sources},
            by_country=dict(by_country), mentions=dict(mentions),
            events={event.id: event for event in dataset.events},
            citations={cit.id: cit for c in dataset.commitments for cit in c.citations},
            holders={cit.id: c for c in dataset.commitments for cit in c.citations},
            live_by_day=dict(live_by_day),
            by_id={commitment.id: commitment for commitment in dataset.commitments})
