"""The search index costs what an edit changes (issue 15): renaming a country rewrites its own
entry, not one per quote; changing one quote rewrites that quote's entry; quotes are still found
by their country's (new) name, on both engines. Migration 0009 empties an index written the old
way and the next publish rebuilds it, leaving every revision as it was."""

from datetime import date

from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from app.db import get_engine
from app.models import Citation, Commitment, Country, SearchEntry, Source
from app.services import dataset as dataset_service
from app.services.dataset import build_dataset, dataset_at, publish_revision
from app.services.search import HitKind, search
from tests.support.database import alembic_config

GROWN_QUOTES = 300


def _publish(session: Session, summary: str) -> int:
    number = publish_revision(session=session, summary=summary, user_id=None, events=[]).id
    session.commit()
    return number or 0


def _ids(session: Session) -> set[int]:
    return {row for row in session.exec(select(SearchEntry.id)) if row is not None}


def _written(session: Session, before: set[int]) -> tuple[int, int]:
    """(rows deleted, rows inserted) since `before`: the index is only ever deleted from and
    inserted into, so the ids tell every row written."""
    after = _ids(session)
    return len(before - after), len(after - before)


def _grow(session: Session) -> None:
    """A moderately grown dataset: GROWN_QUOTES more quotes for the United Kingdom."""
    source = session.exec(select(Source).order_by(Source.id)).first()
    assert source is not None
    for index in range(GROWN_QUOTES):
        row = Commitment(country_code="GB", kind="logistics", date=date(2026, 1, 1),
                         summary=f"grown {index}")
        session.add(row)
        session.flush()
        session.add(Citation(commitment_id=row.id or 0, source_id=source.id or 0,
                             quote=f"grown quote number {index}", speaker="John Healey"))
    _publish(session, "grown")


def _quote_titles(session: Session, query: str) -> list[str]:
    return [hit.title for hit in search(session=session, query=query).groups[HitKind.quote]]


def test_a_rename_rewrites_only_the_countrys_own_entry(db: Session) -> None:
    _grow(db)
    country = db.get(Country, "GB")
    assert country is not None
    before = _ids(db)
    country.name = "Britannia Major"
    _publish(db, "rename")
    assert _written(db, before) == (1, 1)
    titles = _quote_titles(db, "britannia grown healey")
    assert titles and all(title == "Britannia Major: John Healey" for title in titles)
    assert _quote_titles(db, "kingdom grown healey") == []  # the old name finds no quote
    assert _quote_titles(db, "brit grown 299") == ["Britannia Major: John Healey"]


def test_one_changed_quote_rewrites_one_entry(db: Session) -> None:
    _grow(db)
    citation = db.exec(select(Citation).where(Citation.quote == "grown quote number 7")).one()
    before = _ids(db)
    citation.quote = "an edited quotation"
    _publish(db, "one quote")
    assert _written(db, before) == (1, 1)
    assert _quote_titles(db, "edited quotation united") == ["United Kingdom: John Healey"]
    found = search(session=db, query="grown quote number 7").groups[HitKind.quote]
    assert found and "grown quote number 7" not in {hit.detail for hit in found}


def test_an_unrelated_edit_writes_no_entry(db: Session) -> None:
    commitment = db.exec(select(Commitment).order_by(Commitment.id)).first()
    assert commitment is not None
    before = _ids(db)
    commitment.summary = commitment.summary + " (reworded)"  # summaries are not indexed
    _publish(db, "summary")
    assert _written(db, before) == (0, 0)


def _database_bytes(session: Session) -> int:
    """SQLite: the file's used pages; PostgreSQL: the database's size, dead row versions
    included (no VACUUM)."""
    if get_engine().dialect.name == "postgresql":
        return int(session.execute(text("SELECT pg_database_size(current_database())")).scalar()
                   or 0)
    used = session.execute(text(
        "SELECT (SELECT page_count FROM pragma_page_count) - "
        "(SELECT freelist_count FROM pragma_freelist_count)")).scalar() or 0
    return int(used) * int(session.execute(text("PRAGMA page_size")).scalar() or 0)


def test_a_renames_storage_is_bounded(db: Session) -> None:
    """Renaming a country quoted 300 times, three times over, adds a few pages at most, far
    below the 50 KB per edit budget (rewriting the quotes' entries, as before 0009, added
    64 KB on SQLite and 480 KB on PostgreSQL here)."""
    _grow(db)
    before = _database_bytes(db)
    for step in range(3):
        country = db.get(Country, "GB")
        assert country is not None
        country.name = f"Britannia {step}"
        _publish(db, f"rename {step}")
    grown = _database_bytes(db) - before
    assert grown <= 32_768, grown  # measured: 4 KB on SQLite, none on PostgreSQL


def test_0009_rebuilds_the_index_and_keeps_every_revision(db: Session) -> None:
    """Down to 0008 (index emptied) and up again: every earlier revision reads as before, the
    next publish rebuilds the whole index, and quotes are found by their country's name."""
    country = db.get(Country, "FR")
    assert country is not None
    country.name = "France (renamed)"
    first = _publish(db, "before 0009")
    datasets = {n: dataset_at(session=db, revision=n) for n in (1, first)}
    db.close()
    command.downgrade(alembic_config(), "0008")
    command.upgrade(alembic_config(), "head")
    dataset_service._datasets.clear()
    assert _ids(db) == set()
    assert {n: dataset_at(session=db, revision=n) for n in (1, first)} == datasets
    db.exec(select(Commitment)).first().summary = "after"  # type: ignore[union-attr]
    number = _publish(db, "after 0009")
    truth = build_dataset(session=db, revision=number, published_at=dataset_at(
        session=db, revision=number).published_at)  # type: ignore[union-attr]
    assert dataset_at(session=db, revision=number) == truth
    assert len(_ids(db)) > 50
    assert _quote_titles(db, "macron") and all(
        title.startswith("France (renamed)") for title in _quote_titles(db, "france macron"))
