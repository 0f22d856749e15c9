"""Database tables. Alembic owns the schema (migrations/); nothing here creates tables.

Public reads never query these tables directly: they go through a `Dataset` built from them
(app/services/dataset.py), and every saved change stores what it changed in `Revision`.
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Column, Dialect, String, Text, TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Kind(StrEnum):
    troops = "troops"
    logistics = "logistics"
    political_only = "political_only"
    opposed = "opposed"


class Stance(StrEnum):
    troops = "troops"
    logistics = "logistics"
    political_only = "political_only"
    opposed = "opposed"
    undeclared = "undeclared"


class Role(StrEnum):
    member = "member"
    host = "host"
    partner = "partner"
    non_member = "non_member"


class Precision(StrEnum):
    day = "day"
    month = "month"


class Location(StrEnum):
    ukraine = "ukraine"
    neighbouring_nato = "neighbouring_nato"


class Attribution(StrEnum):
    """Whose words a citation's quote is."""

    direct = "direct"  # the named speaker's own words, inside quotation marks in the source
    reported = "reported"  # the outlet's paraphrase of what a named person said or decided
    outlet = "outlet"  # the outlet's own reporting or analysis: no speaker


class Firmness(StrEnum):
    firm = "firm"
    tentative = "tentative"  # hedged, conditional or only floated


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E]):
    """A StrEnum stored as its value in a VARCHAR column (the schema stays plain text: no
    database enum type), read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


class Country(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=2)
    name: str = Field(max_length=100)
    in_europe: bool = True
    role: Role = Field(default=Role.member, sa_type=EnumText(Role, 20))
    version: int = Field(default=1, description="Optimistic-concurrency counter")
    created_at: datetime = Field(default_factory=utcnow)
    reviewed_at: datetime | None = Field(default=None, description="Position last reviewed")


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    title_is_lede: bool = Field(default=False, description="No headline: title = opening words")
    outlet: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=200)
    published: date | None = None
    url: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class Commitment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=2)
    kind: Kind = Field(sa_type=EnumText(Kind, 20))
    date: date
    date_precision: Precision = Field(default=Precision.day, sa_type=EnumText(Precision, 10))
    date_basis: str | None = Field(default=None, max_length=2000)
    summary: str = Field(max_length=1000)
    cond_after_ceasefire: bool | None = None
    cond_us_backstop: bool | None = None
    cond_parliament_approval: bool | None = None
    cond_non_combat: bool | None = None
    cond_location: Location | None = Field(default=None, sa_type=EnumText(Location, 30))
    cond_troop_numbers: str | None = Field(default=None, max_length=200)
    cond_other: str | None = Field(default=None, max_length=1000)
    retracted_at: datetime | None = None
    retraction_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    firmness: Firmness = Field(default=Firmness.firm, sa_type=EnumText(Firmness, 20))
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    disputed: bool = Field(default=False, description="Marked disputed by a curator")
    dispute_reason: str | None = Field(default=None, max_length=2000)
    dispute_citation_id: int | None = Field(
        default=None, description="The citation (of any commitment) that conflicts with this one")
    corrected_at: datetime | None = Field(default=None, description="Last public correction")
    correction_reason: str | None = Field(default=None, max_length=2000)


class Citation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    speaker: str | None = Field(default=None, max_length=200)
    attribution: Attribution = Field(default=Attribution.outlet,
                                     sa_type=EnumText(Attribution, 20))


class Event(SQLModel, table=True):
    """A meeting, call or document at which commitments were made."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=100)
    name: str = Field(max_length=300)
    date: date
    date_precision: Precision = Field(default=Precision.day, sa_type=EnumText(Precision, 10))
    date_basis: str | None = Field(default=None, max_length=2000)
    place: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)
    version: int = Field(default=1, description="Optimistic-concurrency counter")
    created_at: datetime = Field(default_factory=utcnow)


class EventFact(SQLModel, table=True):
    """A coalition-level fact about an event (attendance, figures floated, who signed)."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    statement: str = Field(max_length=1000)


class FactCitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    fact_id: int = Field(foreign_key="eventfact.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    speaker: str | None = Field(default=None, max_length=200)
    attribution: Attribution = Field(default=Attribution.outlet,
                                     sa_type=EnumText(Attribution, 20))


class Signatory(SQLModel, table=True):
    """A country that signed a document at an event (a signature is not a stance)."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=2)
    document: str = Field(max_length=300)


class Mention(SQLModel, table=True):
    """A source naming a country without stating its position (why it is listed)."""

    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=2)
    source_id: int = Field(foreign_key="source.id", index=True)
    quote: str = Field(sa_column=Column(Text, nullable=False))


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=100)
    password_hash: str = Field(max_length=500)
    role: str = Field(default="curator", max_length=20)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    sessions_valid_after: datetime | None = Field(
        default=None, description="Sessions issued before this are refused (set on logout)")


class LoginAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, max_length=100)
    client: str = Field(index=True, max_length=100)
    succeeded: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)


class Revision(SQLModel, table=True):
    """One published state of the whole dataset, stored as what changed: `delta` (the records
    put or dropped since the revision before) or, every few revisions, a full `snapshot`
    checkpoint (app/services/revstore.py), so ?rev=N is exact and an edit costs what it changed."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    summary: str = Field(max_length=1000)
    snapshot: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delta: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditEvent(SQLModel, table=True):
    """Append-only trail: who changed what, before and after (JSON), and why."""

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor_role: str = Field(default="system", max_length=20)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=20)
    entity_id: str = Field(max_length=40)
    country_code: str | None = Field(default=None, index=True, max_length=2)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str | None = Field(default=None, max_length=2000)


class SearchEntry(SQLModel, table=True):
    """One searchable thing of the latest revision (country, quote, source, event), rewritten by
    app/services/search.py inside each publish. The full-text index over `folded` (SQLite FTS5
    table `search_fts`, PostgreSQL GIN index on a tsvector column `document`) is made by
    migration 0007 with SQL of its own engine."""

    __tablename__ = "search_entry"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    url: str = Field(max_length=300, index=True)  # the rows of one record (0009)
    title: str = Field(max_length=500)
    detail: str = Field(sa_column=Column(Text, nullable=False))
    folded: str = Field(sa_column=Column(Text, nullable=False))


class SuggestionStatus(StrEnum):
    open = "open"
    accepted = "accepted"
    declined = "declined"


class Suggestion(SQLModel, table=True):
    """A reader's suggested correction to a country's record: plain text, never published; a
    curator accepts it (into a correction or a new commitment) or declines it with a reason."""

    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=2)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    what: str = Field(sa_column=Column(Text, nullable=False))
    source_url: str | None = Field(default=None, max_length=500)
    quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    contact: str | None = Field(default=None, max_length=200)
    client: str = Field(index=True, max_length=64, description="Hashed client address")
    status: str = Field(default=SuggestionStatus.open.value, index=True, max_length=10)
    decided_at: datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decision_reason: str | None = Field(default=None, max_length=1000)
