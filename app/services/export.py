"""Open data: the dataset as tables (countries, commitments, citations, sources, events, event
facts), written as CSV,
as JSON, or as one zip with a README codebook that describes every column and how to cite.

Every table is computed from a `Dataset`, so a download at `?rev=N` is exactly revision N.
"""

import csv
import io
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from app.models import Firmness, Stance
from app.services.countries import CountrySummary, list_countries
from app.services.evidence import dispute_reason, is_disputed
from app.services.licence import (
    CODEBOOK_CHANGES,
    CODEBOOK_VERSION,
    LICENCE_NAME,
    LICENCE_NOTE,
    LICENCE_URL,
)
from app.services.records import CommitmentRecord, Dataset, EventRecord
from app.services.revisions import RevisionSummary
from app.services.sources import SourceSummary, list_sources

DATASET_NAME = "coalition-tracker"
EXCEL_FOLDER = "excel"
Cell = str | int | bool | date | datetime | None


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def records(self) -> list[dict[str, Cell]]:
        names = self.column_names
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, description) for name, description in pairs)


STANCE_WORDS = ", ".join(stance.value for stance in Stance)

COUNTRY_COLUMNS = _columns(
    ("code", "ISO 3166-1 alpha-2 country code (upper case); the key of the country"),
    ("name", "Country name in English"),
    ("role", "Role in the coalition: member, host, partner or non_member"),
    ("in_europe", "true when the country is shown on the Europe map"),
    ("stance", f"Stance on as_of, derived from the commitments: one of {STANCE_WORDS}"),
    ("as_of", "The date (YYYY-MM-DD) the stance is computed for"),
    ("latest_date", "Date of the commitment that decides the stance; empty when undeclared"),
    ("source_count", "Number of distinct sources quoted by the commitments in force on as_of"),
    ("page", "Path of the country's page on the site (prefix it with the site's address)"),
    ("firmness", "firm or tentative: how firm the commitment deciding the stance is; empty "
                 "when undeclared"),
    ("disputed", "true when sources disagree about the position on its latest date (see "
                 "commitments.disputed)"),
)
COMMITMENT_COLUMNS = _columns(
    ("id", "Commitment number; the key citations refer to"),
    ("country_code", "The country that made the commitment (countries.code)"),
    ("kind", "troops, logistics, political_only or opposed"),
    ("date", "Date of the event the commitment reports (YYYY-MM-DD)"),
    ("date_precision", "day, or month when only the month is known (then date is the 1st)"),
    ("date_basis", "How the date was established when the source gives no explicit date"),
    ("summary", "One-sentence summary of the commitment, written by the editors"),
    ("after_ceasefire", "Condition: only after a ceasefire (true, false, or empty: not stated)"),
    ("us_backstop", "Condition: only with a United States backstop (true/false/empty)"),
    ("parliament_approval", "Condition: needs parliamentary approval (true/false/empty)"),
    ("non_combat", "Condition: non-combat role only (true/false/empty)"),
    ("location", "Where forces would be: ukraine or neighbouring_nato; empty: not stated"),
    ("troop_numbers", "Troop numbers as stated by the source; empty: not stated"),
    ("other_conditions", "Any other condition, in words"),
    ("retracted_at", "When the editors retracted the commitment (UTC); empty: in force"),
    ("retraction_reason", "Why it was retracted; a retracted commitment never decides a stance"),
    ("event_slug", "The event at which the commitment was made (events.slug); empty: none"),
    ("firmness", f"How firm it is: {', '.join(Firmness)} (tentative: hedged, conditional on "
                 "something undecided, reported but unconfirmed, or only floated)"),
    ("disputed", "true when sources disagree about it: a curator marked it, or another live "
                 "commitment of the country on the same date has another kind or contradicting "
                 "conditions"),
    ("dispute_reason", "Why it is disputed; empty when it is not"),
    ("dispute_citation_id", "The citation a curator named as the conflicting account "
                            "(citations.id); empty: none named"),
    ("recorded_at", "When the editors first recorded the commitment (UTC). On one date the "
                    "commitment recorded last decides the stance; id follows the same order and "
                    "breaks ties. Empty in revisions published before codebook 1.2"),
)
ATTRIBUTION_WORDS = (
    "Whose words the quote is: direct (the named speaker's own words, inside quotation marks in "
    "the source), reported (the outlet's paraphrase of what a named person said or decided) or "
    "outlet (the outlet's own reporting or analysis; no speaker)")
EVENT_COLUMNS = _columns(
    ("slug", "Key of the event, also its page /events/{slug}"),
    ("name", "Name of the meeting, call or document"),
    ("date", "Date of the event (YYYY-MM-DD)"),
    ("date_precision", "day, or month when only the month is known (then date is the 1st)"),
    ("date_basis", "How the date was established when the sources give no explicit date"),
    ("place", "Where it took place, when the sources say"),
    ("summary", "What happened, in the editors' words, saying only what the citations say"),
    ("signatories", "ISO codes of the countries that signed a document there, separated by "
                    "spaces (a signature is not a stance)"),
    ("documents", "What they signed, in the same order, separated by ' | '"),
)
QUOTE_WORDS = ("Verbatim quote from the source: its publisher's text, not covered by the data "
               "licence (CC BY 4.0 applies to every other column)")
EVENT_FACT_COLUMNS = _columns(
    ("fact_id", "Number of the coalition-level fact"),
    ("event_slug", "The event it is about (events.slug)"),
    ("statement", "The fact, in the editors' words"),
    ("citation_id", "Number of one citation backing the fact (one row per citation)"),
    ("source_id", "The source quoted (sources.id)"),
    ("attribution", ATTRIBUTION_WORDS),
    ("speaker", "Who is quoted or paraphrased; empty for outlet"),
    ("quote", QUOTE_WORDS),
)
MENTION_COLUMNS = _columns(
    ("id", "Mention number"),
    ("country_code", "The country named (countries.code)"),
    ("source_id", "The source that names it without stating a position (sources.id)"),
    ("quote", QUOTE_WORDS),
)
TIMELINE_COLUMNS = _columns(
    ("country_code", "The country (countries.code)"),
    ("date", "A date on which its stance changed: the date of the commitment that changed it"),
    ("stance", "Its stance from that date on (troops, logistics, political_only, opposed, "
               "undeclared), by the rule in the README (on one date, the commitment recorded "
               "last wins: commitments.id orders them)"),
    ("previous_stance", "Its stance the day before (undeclared before any commitment)"),
)
CITATION_COLUMNS = _columns(
    ("id", "Citation number"),
    ("commitment_id", "The commitment the quote supports (commitments.id)"),
    ("country_code", "The commitment's country (countries.code), repeated for convenience"),
    ("source_id", "The source quoted (sources.id)"),
    ("speaker", "Who is quoted, when the source names them"),
    ("quote", QUOTE_WORDS),
    ("attribution", ATTRIBUTION_WORDS),
)
SOURCE_COLUMNS = _columns(
    ("id", "Source number; the key citations refer to"),
    ("title", "Headline of the article"),
    ("title_is_lede", "true when the article has no headline and title is its opening words"),
    ("outlet", "Publication, when the article names it"),
    ("author", "Author, when the article names one"),
    ("published", "Publication date (YYYY-MM-DD), when the article gives it"),
    ("url", "Address of the article, when known"),
    ("note", "Editors' note on the source (for example how its date was established)"),
    ("claim_count", "Number of quotes from this source in the dataset (citations and mentions)"),
)


REVISION_COLUMNS = _columns(
    ("number", "Revision number; `?rev=N` on any address shows exactly this revision"),
    ("published_at", "When the revision was published (UTC, ISO 8601)"),
    ("summary", "What changed, in words"),
    ("url", "Path of the dashboard at this revision (prefix it with the site's address)"),
)


def revisions_table(*, revisions: Sequence[RevisionSummary]) -> Table:
    """The published revisions, as the revisions page lists them (newest first)."""
    return Table(
        name="revisions",
        description="Every published revision of the dataset, newest first.",
        columns=REVISION_COLUMNS,
        rows=tuple((r.number, r.published_at, r.summary, r.url) for r in revisions),
    )


def countries_table(*, rows: Sequence[CountrySummary], as_of: date) -> Table:
    """The country list exactly as a page or the API shows it (already filtered)."""
    return Table(
        name="countries",
        description="One row per country with its stance on as_of.",
        columns=COUNTRY_COLUMNS,
        rows=tuple(
            (r.code, r.name, r.role, r.in_europe, r.stance.value, as_of, r.latest_date,
             r.source_count, r.url, r.firmness.value if r.firmness else None, r.disputed)
            for r in rows
        ),
    )


def _commitment_row(dataset: Dataset, c: CommitmentRecord) -> tuple[Cell, ...]:
    k = c.conditions
    event = dataset.event(c.event_id)
    return (c.id, c.country_code, c.kind, c.date, c.date_precision, c.date_basis, c.summary,
            k.after_ceasefire, k.us_backstop, k.parliament_approval, k.non_combat, k.location,
            k.troop_numbers, k.other, c.retracted_at, c.retraction_reason,
            event.slug if event else None, c.firmness.value,
            is_disputed(dataset=dataset, commitment=c),
            dispute_reason(dataset=dataset, commitment=c),
            c.dispute_citation_id if c.disputed else None, c.recorded_at)


def _by_id(commitments: Iterable[CommitmentRecord]) -> list[CommitmentRecord]:
    return sorted(commitments, key=lambda c: c.id)


def commitments_table(*, dataset: Dataset) -> Table:
    """(Worked out once per dataset: the zip, the JSON and /data share it.)"""
    return dataset.derived(("commitments_table",), partial(_commitments_table, dataset))


def _commitments_table(dataset: Dataset) -> Table:
    return Table(
        name="commitments",
        description="Every dated commitment, retracted ones included, with its conditions.",
        columns=COMMITMENT_COLUMNS,
        rows=tuple(_commitment_row(dataset, c) for c in _by_id(dataset.commitments)),
    )


def citations_table(*, dataset: Dataset) -> Table:
    return dataset.derived(("citations_table",), partial(_citations_table, dataset))


def _citations_table(dataset: Dataset) -> Table:
    return Table(
        name="citations",
        description="The verbatim quotes that back each commitment.",
        columns=CITATION_COLUMNS,
        rows=tuple(
            (cit.id, c.id, c.country_code, cit.source_id, cit.speaker, cit.quote,
             cit.attribution.value)
            for c in _by_id(dataset.commitments) for cit in c.citations
        ),
    )


def _event_row(event: EventRecord) -> tuple[Cell, ...]:
    return (event.slug, event.name, event.date, event.date_precision, event.date_basis,
            event.place, event.summary, " ".join(s.country_code for s in event.signatories),
            " | ".join(s.document for s in event.signatories))


def events_table(*, dataset: Dataset) -> Table:
    return Table(
        name="events",
        description="Meetings, calls and documents at which commitments were made.",
        columns=EVENT_COLUMNS,
        rows=tuple(_event_row(e) for e in sorted(dataset.events, key=lambda e: (e.date, e.id))),
    )


def event_facts_table(*, dataset: Dataset) -> Table:
    return Table(
        name="event_facts",
        description="Coalition-level facts about each event, one row per citation backing one.",
        columns=EVENT_FACT_COLUMNS,
        rows=tuple(
            (f.id, e.slug, f.statement, cit.id, cit.source_id, cit.attribution.value,
             cit.speaker, cit.quote)
            for e in sorted(dataset.events, key=lambda e: (e.date, e.id))
            for f in e.facts for cit in f.citations
        ),
    )


def mentions_table(*, dataset: Dataset) -> Table:
    return Table(
        name="mentions",
        description="Sources naming a country without stating its position.",
        columns=MENTION_COLUMNS,
        rows=tuple((m.id, m.country_code, m.source_id, m.quote)
                   for m in sorted(dataset.mentions, key=lambda m: m.id)),
    )


def stance_timeline_table(*, dataset: Dataset) -> Table:
    """Long format: one row per country per date its stance changed (retracted commitments
    never count)."""
    rows: list[tuple[Cell, ...]] = []
    before: dict[str, Stance] = {}
    for day in sorted({c.date for c in dataset.commitments if not c.is_retracted}):
        after = {r.code: r.stance for r in list_countries(dataset=dataset, as_of=day)}
        rows += [(code, day, stance.value, before.get(code, Stance.undeclared).value)
                 for code, stance in sorted(after.items())
                 if stance != before.get(code, Stance.undeclared)]
        before = after
    return Table(name="stance_timeline", description=(
        "Every change of stance: one row per country per date its stance changed."),
        columns=TIMELINE_COLUMNS, rows=tuple(rows))


def sources_table(*, sources: Sequence[SourceSummary]) -> Table:
    return Table(
        name="sources",
        description="The articles quoted, with the metadata they give (never invented).",
        columns=SOURCE_COLUMNS,
        rows=tuple(
            (s.id, s.title, s.title_is_lede, s.outlet, s.author, s.published, s.url, s.note,
             s.claim_count)
            for s in sources
        ),
    )


def full_tables(*, dataset: Dataset, countries: Sequence[CountrySummary], as_of: date
                ) -> list[Table]:
    """The whole dataset: countries (stance on as_of), commitments, citations, sources."""
    return [
        countries_table(rows=countries, as_of=as_of),
        commitments_table(dataset=dataset),
        citations_table(dataset=dataset),
        sources_table(sources=list_sources(dataset=dataset)),
        events_table(dataset=dataset),
        event_facts_table(dataset=dataset),
        mentions_table(dataset=dataset),
        stance_timeline_table(dataset=dataset),
    ]


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_NOTE = ("A text cell that would start with =, +, -, @, a tab or a carriage return is "
                "written with an apostrophe (') before it, so that spreadsheets show it as text "
                "instead of running it as a formula: drop that first apostrophe to get the "
                "stored text. The JSON downloads are not changed.")


def neutralised(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (see FORMULA_NOTE)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(table: Table) -> str:
    """RFC 4180 CSV with a header row; booleans true/false, dates ISO 8601, empty for none;
    formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.column_names)
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    """neutralised(_text(value)), with text (most cells) taken the short way."""
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return neutralised(_text(value))


def _json_cell(value: Cell) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def table_json(table: Table) -> list[dict[str, Any]]:
    return [{k: _json_cell(v) for k, v in record.items()} for record in table.records()]


def cite_as(*, dataset: Dataset, url: str) -> str:
    """The line to cite a revision with; `url` should carry `?rev=N`."""
    published = dataset.published_at.strftime("%Y-%m-%d")
    return (f"Coalition Tracker, dataset revision {dataset.revision} "
            f"(published {published}), {url}")


def codebook(tables: Sequence[Table]) -> dict[str, dict[str, str]]:
    return {t.name: {c.name: c.description for c in t.columns} for t in tables}


def full_json(*, dataset: Dataset, tables: Sequence[Table], as_of: date, cite_url: str
              ) -> dict[str, Any]:
    return {
        "name": DATASET_NAME,
        "revision": dataset.revision,
        "published_at": dataset.published_at.isoformat(),
        "as_of": as_of.isoformat(),
        "cite_as": cite_as(dataset=dataset, url=cite_url),
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL, "note": LICENCE_NOTE},
        "codebook_version": CODEBOOK_VERSION,
        "codebook_changes": [{"version": v, "changes": text} for v, text in CODEBOOK_CHANGES],
        "codebook": codebook(tables),
        "tables": {table.name: table_json(table) for table in tables},
    }


def _readme_table(table: Table) -> list[str]:
    lines = [f"## {table.name}.csv", "", table.description, "",
             "| column | description |", "| --- | --- |"]
    lines += [f"| `{c.name}` | {c.description} |" for c in table.columns]
    return [*lines, ""]


def readme(*, dataset: Dataset, tables: Sequence[Table], as_of: date, cite_url: str) -> str:
    """The zip's README: what the files are, how to cite them, and every column described."""
    lines = [
        f"# Coalition Tracker dataset, revision {dataset.revision}",
        "",
        "Where countries stand on the Coalition of the Willing security guarantees for Ukraine:",
        "dated commitments backed by verbatim quotes from named sources.",
        "",
        f"Cite as: {cite_as(dataset=dataset, url=cite_url)}",
        "",
        f"Revision {dataset.revision} was published {dataset.published_at.isoformat()}. "
        f"Stances in countries.csv are as of {as_of.isoformat()}.",
        "A stance is the kind of the latest commitment in force (not retracted, dated on or",
        "before the date); the one recorded last wins on the same date; none: undeclared.",
        "",
        "Files are UTF-8 CSV with a header row. Booleans are true/false, dates YYYY-MM-DD,",
        "an empty cell means not stated. The folder excel/ holds the same files with a UTF-8",
        "byte-order mark, which Excel and other spreadsheet programs need to read accents.",
        "",
        FORMULA_NOTE,
        "",
        "## Licence",
        "",
        LICENCE_NOTE,
        "",
        f"## Codebook version {CODEBOOK_VERSION}",
        "",
        *[f"- {version}: {text}" for version, text in CODEBOOK_CHANGES],
        "",
    ]
    for table in tables:
        lines += _readme_table(table)
    return "\n".join(lines)


def zip_bytes(*, dataset: Dataset, tables: Sequence[Table], as_of: date, cite_url: str) -> bytes:
    """One zip: README.md (codebook, cite as) and one CSV per table, in a dated folder."""
    folder = f"{DATASET_NAME}-rev{dataset.revision}"
    buffer = io.BytesIO()
    stamp = dataset.published_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = {"README.md": readme(dataset=dataset, tables=tables, as_of=as_of,
                                     cite_url=cite_url)}
        tables_csv = {table.name: to_csv(table) for table in tables}  # each written once
        files.update({f"{name}.csv": text for name, text in tables_csv.items()})
        # The same tables for spreadsheet programs, which read UTF-8 only after a byte-order mark.
        files.update({f"{EXCEL_FOLDER}/{name}.csv": "\ufeff" + text
                      for name, text in tables_csv.items()})
        for name, text in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so unzip applies the mode below
            info.external_attr = (stat.S_IFREG | 0o644) << 16  # an ordinary file, rw-r--r--
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
