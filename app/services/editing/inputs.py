"""What a curator's form says, typed: each posted form (the strings typed, kept as they are for
re-rendering with field messages) becomes one of these dataclasses once it is valid, and the
saves write the dataclass to the stored row. Enums stay enums from here to the templates."""

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlmodel import SQLModel

from app.models import Attribution, Firmness, Kind, Location, Precision, Role
from app.services.validation import (
    CONDITION_FLAGS,
    TRI_STATE,
    Values,
    attribution_of,
    parse_date,
    text,
)

CHECKED = {"on", "yes", "true"}


class Typed:
    """A form's typed fields, named as the stored row's columns."""

    def columns(self) -> dict[str, Any]:
        """As keywords for a new row."""
        return {field.name: getattr(self, field.name)
                for field in fields(self)}  # type: ignore[arg-type]

    def apply(self, row: SQLModel) -> None:
        """Onto a stored row (an edit)."""
        for name, value in self.columns().items():
            setattr(row, name, value)


def _optional(values: Values, name: str) -> str | None:
    return text(values, name) or None


def _optional_id(values: Values, name: str) -> int | None:
    raw = text(values, name)
    return int(raw) if raw.isdigit() else None


@dataclass(frozen=True)
class CommitmentInput(Typed):
    kind: Kind
    date: date | None
    date_precision: Precision
    date_basis: str | None
    summary: str
    cond_after_ceasefire: bool | None
    cond_us_backstop: bool | None
    cond_parliament_approval: bool | None
    cond_non_combat: bool | None
    cond_location: Location | None
    cond_troop_numbers: str | None
    cond_other: str | None
    firmness: Firmness
    event_id: int | None
    disputed: bool
    dispute_reason: str | None  # kept only while the commitment is marked disputed
    dispute_citation_id: int | None

    @classmethod
    def parse(cls, values: Values) -> "CommitmentInput":
        disputed = text(values, "disputed") in CHECKED
        location = text(values, "cond_location")
        flags = {f"cond_{flag}": TRI_STATE.get(text(values, f"cond_{flag}"))
                 for flag in CONDITION_FLAGS}
        return cls(
            kind=Kind(text(values, "kind")), date=parse_date(text(values, "date")),
            date_precision=Precision(text(values, "date_precision") or Precision.day),
            date_basis=_optional(values, "date_basis"), summary=text(values, "summary"),
            **flags, cond_location=Location(location) if location else None,
            cond_troop_numbers=_optional(values, "cond_troop_numbers"),
            cond_other=_optional(values, "cond_other"),
            firmness=Firmness(text(values, "firmness") or Firmness.firm),
            event_id=_optional_id(values, "event_id"), disputed=disputed,
            dispute_reason=_optional(values, "dispute_reason") if disputed else None,
            dispute_citation_id=_optional_id(values, "dispute_citation_id") if disputed
            else None)


@dataclass(frozen=True)
class CitationInput(Typed):
    """A citation's words (its source is chosen or added apart: `cited_source`)."""

    quote: str
    speaker: str | None
    attribution: Attribution

    @classmethod
    def parse(cls, values: Values) -> "CitationInput":
        return cls(quote=(values.get("quote") or "").strip(), speaker=_optional(values, "speaker"),
                   attribution=Attribution(attribution_of(values)))


@dataclass(frozen=True)
class SourceInput(Typed):
    title: str
    outlet: str | None
    author: str | None
    url: str | None
    note: str | None
    text: str | None
    published: date | None

    @classmethod
    def parse(cls, values: Values, prefix: str = "") -> "SourceInput":
        """`prefix`: "new_source_" for a source added with a citation."""
        def optional(name: str) -> str | None:
            return text(values, prefix + name) or None

        # one line ending, as a page shows it (browsers post text areas with CRLF)
        body = (values.get(prefix + "text") or "").replace("\r\n", "\n").strip() or None
        return cls(title=text(values, prefix + "title"), outlet=optional("outlet"),
                   author=optional("author"), url=optional("url"), note=optional("note"),
                   text=body, published=parse_date(text(values, prefix + "published")))


@dataclass(frozen=True)
class CountryInput(Typed):
    name: str
    role: Role
    in_europe: bool

    @classmethod
    def parse(cls, values: Values) -> "CountryInput":
        return cls(name=text(values, "name"), role=Role(text(values, "role")),
                   in_europe=text(values, "in_europe") in {"on", "true", "1", "yes"})


@dataclass(frozen=True)
class EventInput(Typed):
    slug: str
    name: str
    date: date | None
    date_precision: Precision
    date_basis: str | None
    place: str | None
    summary: str | None

    @classmethod
    def parse(cls, values: Values) -> "EventInput":
        return cls(slug=text(values, "slug"), name=text(values, "name"),
                   date=parse_date(text(values, "date")),
                   date_precision=Precision(text(values, "date_precision") or Precision.day),
                   date_basis=_optional(values, "date_basis"), place=_optional(values, "place"),
                   summary=_optional(values, "summary"))
