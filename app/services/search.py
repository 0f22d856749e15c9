"""Search across the latest revision: country names (with aliases and ISO codes), quotes,
speakers, source titles and event names, through each database's own full-text engine (SQLite
FTS5, PostgreSQL tsvector with a GIN index; migration 0007).

`refresh_search_index` rewrites the entries from the dataset being published, inside the publish
transaction, so the index always matches the latest revision. Text is folded (accents removed,
lower case) before it is indexed and before it is looked up, identically on both engines."""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select, text
from sqlmodel import Session

from app.labels import SEARCH_GROUP_LABELS
from app.models import SearchEntry
from app.services.mapdata import EUROPE_ALPHA3, PARTNER_ALPHA3
from app.services.records import CitationRecord, CommitmentRecord, Dataset, EventRecord

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


def fold(value: str) -> str:
    """Lower case without accents: "Türkiye" -> "turkiye" (the same on both engines)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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

def _country_entries(dataset: Dataset) -> list[SearchEntry]:
    entries = []
    for country in dataset.countries:
        codes = [country.code, EUROPE_ALPHA3.get(country.code) or PARTNER_ALPHA3.get(country.code)]
        names = [country.name, *ALIASES.get(country.code, ()), *(c for c in codes if c)]
        entries.append(SearchEntry(kind=HitKind.country, url=f"/countries/{country.code.lower()}",
                                   title=country.name, detail=", ".join(names[1:]),
                                   folded=fold(" ".join(names))))
    return entries


def _quote_entry(commitment: CommitmentRecord, citation: CitationRecord,
                 country: str) -> SearchEntry:
    speaker = citation.speaker or ""
    url = f"/countries/{commitment.country_code.lower()}#commitment-{commitment.id}"
    return SearchEntry(
        kind=HitKind.quote, url=url,
        title=f"{country}: {speaker}" if speaker else country, detail=citation.quote,
        folded=fold(" ".join((citation.quote, speaker, country))))


def _quote_entries(dataset: Dataset) -> list[SearchEntry]:
    names = {country.code: country.name for country in dataset.countries}
    return [_quote_entry(commitment, citation, names.get(commitment.country_code, ""))
            for commitment in dataset.commitments if commitment.retracted_at is None
            for citation in commitment.citations]


def _event_entry(event: EventRecord) -> SearchEntry:
    return SearchEntry(kind=HitKind.event, url=f"/events/{event.slug}", title=event.name,
                       detail=event.place or "", folded=fold(f"{event.name} {event.place or ''}"))


def search_entries(dataset: Dataset) -> list[SearchEntry]:
    sources = [SearchEntry(kind=HitKind.source, url=f"/sources/{source.id}", title=source.title,
                           detail=", ".join(p for p in (source.outlet, source.author) if p),
                           folded=fold(" ".join(p for p in (source.title, source.outlet,
                                                            source.author) if p)))
               for source in dataset.sources]
    return [*_country_entries(dataset), *_quote_entries(dataset), *sources,
            *(_event_entry(event) for event in dataset.events)]


def refresh_search_index(*, session: Session, dataset: Dataset) -> None:
    """Rewrite the entries for the dataset being published (inside its transaction)."""
    session.execute(delete(SearchEntry))
    session.add_all(search_entries(dataset))
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


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


def _match(terms: list[str], *, sqlite: bool) -> str:
    """Every term as a prefix; terms hold letters and digits only, so nothing needs quoting."""
    if sqlite:
        return " AND ".join(f'"{term}"*' for term in terms)
    return " & ".join(f"{term}:*" for term in terms)


def _words(value: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(value)))


def _exact_first(terms: list[str], hit: Hit) -> int:
    """0 when the query is the entry's title or one of its other names (UK -> United Kingdom)."""
    names = {_words(hit.title), *(_words(name) for name in hit.detail.split(", "))}
    return 0 if hit.kind is HitKind.country and " ".join(terms) in names else 1


def search(*, session: Session, query: str) -> SearchResults:
    """Entries matching every word of `query`, grouped by kind. Raises QueryError."""
    terms = query_terms(query)
    sqlite = session.get_bind().dialect.name == "sqlite"
    statement = SQLITE_QUERY if sqlite else POSTGRES_QUERY
    rows = session.execute(statement, {"match": _match(terms, sqlite=sqlite),
                                       "limit": MAX_RESULTS}).all()
    hits = [Hit(kind=HitKind(row[0]), url=row[1], title=row[2], detail=row[3]) for row in rows]
    groups: dict[HitKind, list[Hit]] = {kind: [] for kind in HitKind}
    for hit in sorted(hits, key=lambda hit: _exact_first(terms, hit)):  # stable: rank kept
        groups[hit.kind].append(hit)
    return SearchResults(query=query.strip(), groups=groups)
