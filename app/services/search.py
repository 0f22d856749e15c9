"""Search across the latest revision: country names (with aliases and ISO codes), quotes,
speakers, source titles and event names, through each database's own full-text engine (SQLite
FTS5, PostgreSQL tsvector with a GIN index; migration 0007).

Each publish brings the entries from the previous revision to the new one inside its
transaction, touching only the entries of the records it changed (`update_search_index`; the
first publish writes them all, `refresh_search_index`), so the index always matches the latest
revision. Text is folded (accents removed, lower case) before it is indexed and before it is
looked up, identically on both engines.

A quote's entry does not hold its country's name, only a token naming the country's code
(`country_token`: it starts with "ß", which folded text and typed words never hold, so no typed
word can match it by prefix): a search term also matches the quotes of every country whose name
has a word starting with it, and a hit's title gets the country's name when it is looked up. So
renaming a country rewrites its own entry alone, not one entry per quote (migration 0009 empties
an index written the earlier way; the next publish rebuilds it whole)."""

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Table, delete, func, select, text
from sqlmodel import Session

from app.labels import SEARCH_GROUP_LABELS
from app.models import SearchEntry
from app.services.mapdata import EUROPE_ALPHA3, PARTNER_ALPHA3
from app.services.records import (
    CitationRecord,
    CommitmentRecord,
    CountryRecord,
    Dataset,
    EventRecord,
    SourceRecord,
)
from app.services.revstore import Change

TABLE: Table = SearchEntry.__table__  # type: ignore[attr-defined]
MAX_QUERY = 200
MAX_TERMS = 8
MAX_RESULTS = 50

# Other names readers type for a country (ISO codes are added from the map tables).
ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England", "United Kingdom"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "US": ("USA", "U.S.", "America", "United States of America"),
    "CZ": ("Czechia", "Czech Republic"),
    "NL": ("Holland",),
    "DE": ("Deutschland",),
    "MD": ("Moldova", "Republic of Moldova"),
    "MK": ("Macedonia", "North Macedonia"),
    "XK": ("Kosova",),
}


class HitKind(StrEnum):
    country = "country"
    quote = "quote"
    source = "source"
    event = "event"


KIND_LABELS = {kind: SEARCH_GROUP_LABELS[kind.value] for kind in HitKind}


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the reader."""


@dataclass(frozen=True)
class Hit:
    kind: HitKind
    url: str
    title: str
    detail: str


@dataclass(frozen=True)
class SearchResults:
    query: str
    groups: dict[HitKind, list[Hit]]

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.groups.values())


@lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """Lower case without accents: "Türkiye" -> "turkiye" (the same on both engines)."""
    if value.isascii():
        return value.lower()  # what casefold and NFKD make of ASCII
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_words(*parts: str) -> str:
    """fold(" ".join(parts)), piece by piece (pieces repeat: the cache serves them)."""
    return " ".join(fold(part) for part in parts)


def query_terms(query: str) -> list[str]:
    """The words to look up, or QueryError with a message a reader can act on."""
    stripped = query.strip()
    if not stripped:
        raise QueryError("Type a word to search for: a country, a name, words of a quote.")
    if len(stripped) > MAX_QUERY:
        raise QueryError(f"The search is too long: at most {MAX_QUERY} characters.")
    terms = re.findall(r"[^\W_]+", fold(stripped))
    if not terms:
        raise QueryError("Type letters or digits to search for.")
    return terms[:MAX_TERMS]


# --- building the entries ------------------------------------------------------------------

class Entry(NamedTuple):
    """One row of the index (search_entry), as plain values."""

    kind: str
    url: str
    title: str
    detail: str
    folded: str


def _country_entry(country: CountryRecord) -> Entry:
    codes = [country.code, EUROPE_ALPHA3.get(country.code) or PARTNER_ALPHA3.get(country.code)]
    names = [country.name, *ALIASES.get(country.code, ()), *(c for c in codes if c)]
    return Entry(HitKind.country, f"/countries/{country.code.lower()}", country.name,
                 ", ".join(names[1:]), fold(" ".join(names)))


COUNTRY_MARK = "ßc"  # + a country's code, lower case: see the module's docstring


def country_token(code: str) -> str:
    return f"{COUNTRY_MARK}{code.lower()}"


def _quote_entry(commitment: CommitmentRecord, citation: CitationRecord) -> Entry:
    """A quote's entry: its words and speaker, and its country by code only (its title gets the
    country's name at look-up, so a renamed country leaves its quotes' entries as they are)."""
    speaker = citation.speaker or ""
    code = commitment.country_code.lower()
    return Entry(HitKind.quote, f"/countries/{code}#commitment-{commitment.id}", speaker,
                 citation.quote, f"{_fold_words(citation.quote, speaker)} {country_token(code)}")


def _quote_entries(commitments: Iterable[CommitmentRecord]) -> list[Entry]:
    return [_quote_entry(commitment, citation)
            for commitment in commitments if commitment.retracted_at is None
            for citation in commitment.citations]


def _source_entry(source: SourceRecord) -> Entry:
    return Entry(HitKind.source, f"/sources/{source.id}", source.title,
                 ", ".join(p for p in (source.outlet, source.author) if p),
                 fold(" ".join(p for p in (source.title, source.outlet, source.author) if p)))


def _event_entry(event: EventRecord) -> Entry:
    return Entry(HitKind.event, f"/events/{event.slug}", event.name, event.place or "",
                 fold(f"{event.name} {event.place or ''}"))


def search_entries(dataset: Dataset) -> list[Entry]:
    return [*(_country_entry(country) for country in dataset.countries),
            *_quote_entries(dataset.commitments),
            *(_source_entry(source) for source in dataset.sources),
            *(_event_entry(event) for event in dataset.events)]


def _entries_of(dataset: Dataset, change: Change) -> Counter[Entry]:
    """The entries of `dataset` that `change` can affect: its countries, commitments (with
    their quotes), sources and events."""
    codes = change.keys("countries")
    commitments = change.keys("commitments")
    sources, events = change.keys("sources"), change.keys("events")
    return Counter([
        *(_country_entry(country) for country in dataset.countries if country.code in codes),
        *_quote_entries(c for c in dataset.commitments if c.id in commitments),
        *(_source_entry(source) for source in dataset.sources if source.id in sources),
        *(_event_entry(event) for event in dataset.events if event.id in events)])


# Statements taking a whole list as one parameter: a JSON array on SQLite (json_each), an array
# on PostgreSQL (= ANY); keyed by "is SQLite".
FIND = {True: text("SELECT id, kind, url, title, detail, folded FROM search_entry "
                   "WHERE url IN (SELECT value FROM json_each(:urls))"),
        False: text("SELECT id, kind, url, title, detail, folded FROM search_entry "
                    "WHERE url = ANY(:urls)")}
DROP = {True: text("DELETE FROM search_entry WHERE id IN (SELECT value FROM json_each(:ids))"),
        False: text("DELETE FROM search_entry WHERE id = ANY(:ids)")}
ADD = {True: text("INSERT INTO search_entry (kind, url, title, detail, folded) SELECT "
                  "json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                  "json_extract(value, '$[2]'), json_extract(value, '$[3]'), "
                  "json_extract(value, '$[4]') "
                  "FROM json_each(:rows) ORDER BY key"),
       False: text("INSERT INTO search_entry (kind, url, title, detail, folded) SELECT * FROM "
                   "unnest(CAST(:kind AS text[]), CAST(:url AS text[]), CAST(:title AS text[]), "
                   "CAST(:detail AS text[]), CAST(:folded AS text[]))")}
FTS_DROP = text("INSERT INTO search_fts(search_fts, rowid, folded) SELECT 'delete', id, folded "
                "FROM search_entry WHERE id IN (SELECT value FROM json_each(:ids))")


def _listed(values: list[Any], *, sqlite: bool) -> object:
    return json.dumps(values, ensure_ascii=False) if sqlite else values


def _insert(session: Session, entries: Iterable[Entry]) -> None:
    """Add entries (and, on SQLite, to the FTS5 index over them)."""
    rows = list(entries)
    if not rows:
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    start = session.execute(select(func.max(TABLE.c.id))).scalar() or 0 if sqlite else 0
    if sqlite:
        values: dict[str, object] = {"rows": json.dumps(rows, ensure_ascii=False)}
    else:
        values = {name: [row[index] for row in rows] for index, name in enumerate(Entry._fields)}
    session.execute(ADD[sqlite], values)
    if sqlite:
        session.execute(text("INSERT INTO search_fts(rowid, folded) "
                             "SELECT id, folded FROM search_entry WHERE id > :start"),
                        {"start": start})


def _remove(session: Session, entries: Counter[Entry]) -> None:
    """Remove one stored row per entry counted (and, on SQLite, from the FTS5 index)."""
    if not entries:
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    urls = _listed(sorted({entry.url for entry in entries}), sqlite=sqlite)
    left, doomed = Counter(entries), []
    for row in session.execute(FIND[sqlite], {"urls": urls}).all():
        entry = Entry(*row[1:])
        if left[entry] > 0:
            left[entry] -= 1
            doomed.append(row[0])
    ids = {"ids": _listed(doomed, sqlite=sqlite)}
    if sqlite:
        session.execute(FTS_DROP, ids)
    session.execute(DROP[sqlite], ids)


def update_search_index(*, session: Session, before: Dataset, after: Dataset,
                        change: Change) -> None:
    """Bring the index from `before` to `after` (inside the publish transaction), touching only
    the entries `change` affects. An empty index (after migration 0009) is rebuilt whole."""
    if session.execute(select(TABLE.c.id).limit(1)).first() is None:
        refresh_search_index(session=session, dataset=after)
        return
    old, new = _entries_of(before, change), _entries_of(after, change)
    _remove(session, old - new)
    _insert(session, (new - old).elements())


def refresh_search_index(*, session: Session, dataset: Dataset) -> None:
    """Rewrite every entry for the dataset being published (inside its transaction)."""
    session.execute(delete(TABLE))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
    _insert(session, search_entries(dataset))


def fill_empty_search_index(*, session: Session, dataset: Dataset) -> bool:
    """A database migrated to 0007 with a dataset already published has no entries until its
    next publish: `python -m app seed` builds them from the latest revision. Caller commits."""
    if session.execute(select(SearchEntry).limit(1)).first() is not None:
        return False
    refresh_search_index(session=session, dataset=dataset)
    return True


# --- looking up ----------------------------------------------------------------------------

SQLITE_QUERY = text(
    "SELECT e.kind, e.url, e.title, e.detail FROM search_fts "
    "JOIN search_entry e ON e.id = search_fts.rowid WHERE search_fts MATCH :match "
    "ORDER BY bm25(search_fts) LIMIT :limit")
POSTGRES_QUERY = text(
    "SELECT kind, url, title, detail FROM search_entry "
    "WHERE document @@ to_tsquery('simple', :match) "
    "ORDER BY ts_rank(document, to_tsquery('simple', :match)) DESC, id LIMIT :limit")


COUNTRY_NAMES = text("SELECT url, title FROM search_entry WHERE kind = :kind")


def _country_names(session: Session) -> dict[str, str]:
    """Code (lower case) -> name of every country in the index."""
    rows = session.execute(COUNTRY_NAMES, {"kind": HitKind.country.value}).all()
    return {url.rsplit("/", 1)[-1]: title for url, title in rows}


def _countries_named(term: str, words: dict[str, list[str]]) -> list[str]:
    """The codes of the countries with a word of their name starting with `term`."""
    return sorted(code for code, name in words.items()
                  if any(word.startswith(term) for word in name))


def _match(terms: list[str], names: dict[str, str], *, sqlite: bool) -> str:
    """Every term as a prefix, or the token of a country whose name it starts a word of (a
    quote's country); terms hold letters and digits only, so nothing needs quoting."""
    groups, words = [], {code: _words(name).split() for code, name in names.items()}
    for term in terms:
        tokens = [country_token(code) for code in _countries_named(term, words)]
        if sqlite:
            groups.append(" OR ".join([f'"{term}"*', *(f'"{token}"' for token in tokens)]))
        else:
            groups.append(" | ".join([f"{term}:*", *(f"'{token}'" for token in tokens)]))
    return (" AND " if sqlite else " & ").join(f"({group})" for group in groups)


def _words(value: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(value)))


def _exact_first(terms: list[str], hit: Hit) -> int:
    """0 when the query is the entry's title or one of its other names (UK -> United Kingdom)."""
    names = {_words(hit.title), *(_words(name) for name in hit.detail.split(", "))}
    return 0 if hit.kind is HitKind.country and " ".join(terms) in names else 1


def _hit(row: Any, names: dict[str, str]) -> Hit:
    """A row as a hit; a quote's title is its country's name and its speaker."""
    kind, url, title, detail = HitKind(row[0]), row[1], row[2], row[3]
    if kind is HitKind.quote:
        country = names.get(url.split("/")[2].split("#")[0], "")
        title = f"{country}: {title}" if title else country
    return Hit(kind=kind, url=url, title=title, detail=detail)


def search(*, session: Session, query: str) -> SearchResults:
    """Entries matching every word of `query`, grouped by kind. Raises QueryError."""
    terms = query_terms(query)
    sqlite = session.get_bind().dialect.name == "sqlite"
    statement = SQLITE_QUERY if sqlite else POSTGRES_QUERY
    names = _country_names(session)
    rows = session.execute(statement, {"match": _match(terms, names, sqlite=sqlite),
                                       "limit": MAX_RESULTS}).all()
    hits = [_hit(row, names) for row in rows]
    groups: dict[HitKind, list[Hit]] = {kind: [] for kind in HitKind}
    for hit in sorted(hits, key=lambda hit: _exact_first(terms, hit)):  # stable: rank kept
        groups[hit.kind].append(hit)
    return SearchResults(query=query.strip(), groups=groups)
