"""Publishing costs what it changes (issue 15): a revision's dataset is the previous one with
the records the transaction touched re-read, and the search index is updated by the change. The
property: after any sequence of random edits, what a publish makes equals a full rebuild from
the tables, the stored delta replays to it, and the index holds exactly the entries a full
rewrite would (on SQLite, its FTS5 index agrees with them)."""

import random
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import delete, func, text, update
from sqlmodel import Session, col, select

from app.models import (
    Citation,
    Commitment,
    Country,
    Event,
    EventFact,
    FactCitation,
    Mention,
    Revision,
    SearchEntry,
    Signatory,
    Source,
)
from app.services import dataset as dataset_service
from app.services.changes import consume
from app.services.dataset import build_dataset, dataset_at, publish_revision
from app.services.search import Entry, search_entries

Edit = Callable[[Session, random.Random], None]


def _pick(session: Session, model: type, rng: random.Random) -> object | None:
    rows = session.exec(select(model)).all()
    return rng.choice(rows) if rows else None


def _rename_country(session: Session, rng: random.Random) -> None:
    country = _pick(session, Country, rng)
    if isinstance(country, Country):
        country.name = f"{country.name.split(' #')[0]} #{rng.randint(1, 999)}"


def _add_country(session: Session, rng: random.Random) -> None:
    code = "".join(rng.choice("QXZ") for _ in range(2))
    if session.get(Country, code) is None:
        session.add(Country(code=code, name=f"Land {code} é"))


def _add_commitment(session: Session, rng: random.Random) -> None:
    country, source = _pick(session, Country, rng), _pick(session, Source, rng)
    if isinstance(country, Country) and isinstance(source, Source):
        row = Commitment(country_code=country.code, kind=rng.choice(["troops", "logistics"]),
                         date=date(2026, rng.randint(1, 12), 1), summary="random summary")
        session.add(row)
        session.flush()
        session.add(Citation(commitment_id=row.id or 0, source_id=source.id or 0,
                             quote=f"quoted words {rng.randint(1, 99)}", speaker="Ana Pérez"))


def _change_commitment(session: Session, rng: random.Random) -> None:
    commitment = _pick(session, Commitment, rng)
    if isinstance(commitment, Commitment):
        commitment.summary = f"changed {rng.randint(1, 999)}"
        if rng.random() < 0.3:
            commitment.retracted_at = commitment.retracted_at or commitment.created_at


def _move_citation(session: Session, rng: random.Random) -> None:
    """A citation moves to another commitment: both commitments change."""
    citation, target = _pick(session, Citation, rng), _pick(session, Commitment, rng)
    if isinstance(citation, Citation) and isinstance(target, Commitment):
        citation.commitment_id = target.id or 0


def _drop_citation(session: Session, rng: random.Random) -> None:
    citation = _pick(session, Citation, rng)
    if isinstance(citation, Citation):
        session.delete(citation)


def _retitle_source(session: Session, rng: random.Random) -> None:
    source = _pick(session, Source, rng)
    if isinstance(source, Source):
        source.title = f"Title {rng.randint(1, 999)}"
        source.text = None if rng.random() < 0.5 else "some text"


def _drop_mention(session: Session, rng: random.Random) -> None:
    mention = _pick(session, Mention, rng)
    if isinstance(mention, Mention):
        session.delete(mention)


def _event_parts(session: Session, rng: random.Random) -> None:
    event = _pick(session, Event, rng)
    if not isinstance(event, Event):
        event = Event(slug=f"summit-{rng.randint(1, 999)}", name="Summit", date=date(2026, 3, 1))
        session.add(event)
        session.flush()
    fact = EventFact(event_id=event.id or 0, statement=f"fact {rng.randint(1, 99)}")
    session.add(fact)
    session.add(Signatory(event_id=event.id or 0, country_code="FR", document="declaration"))
    source = _pick(session, Source, rng)
    if isinstance(source, Source):
        session.flush()
        session.add(FactCitation(fact_id=fact.id or 0, source_id=source.id or 0, quote="q"))


def _bulk_update(session: Session, rng: random.Random) -> None:
    """A bulk UPDATE through the session (no ORM object): its collection is re-read whole."""
    session.exec(update(Country).where(col(Country.code) == "DE")  # type: ignore[call-overload]
                 .values(version=Country.version + 1))


def _bulk_delete(session: Session, rng: random.Random) -> None:
    mention = _pick(session, Mention, rng)
    if isinstance(mention, Mention):
        session.exec(delete(Mention).where(col(Mention.id) == mention.id))  # type: ignore


def _bulk_by_other_column(session: Session, rng: random.Random) -> None:
    """A bulk UPDATE not by key, and textual SQL: their collections are re-read whole."""
    session.exec(update(Source).where(col(Source.id) > rng.randint(0, 5))  # type: ignore
                 .values(note=f"note {rng.randint(1, 99)}"))
    session.execute(text("UPDATE commitment SET summary = 'by SQL' WHERE id = "
                         "(SELECT min(id) FROM commitment)"))


def _bulk_move_citations(session: Session, rng: random.Random) -> None:
    """A bulk UPDATE by key that writes the key itself: both commitments change."""
    one, other = _pick(session, Commitment, rng), _pick(session, Commitment, rng)
    if isinstance(one, Commitment) and isinstance(other, Commitment):
        session.exec(update(Citation).where(  # type: ignore[call-overload]
            col(Citation.commitment_id) == one.id).values(commitment_id=other.id))


EDITS: list[Edit] = [_bulk_by_other_column, _bulk_move_citations, _rename_country, _add_country,
                     _add_commitment,
                     _change_commitment, _move_citation, _drop_citation, _retitle_source,
                     _drop_mention, _event_parts, _bulk_update, _bulk_delete]


def _stored_entries(session: Session) -> Counter[Entry]:
    rows = session.exec(select(SearchEntry.kind, SearchEntry.url, SearchEntry.title,
                               SearchEntry.detail, SearchEntry.folded)).all()
    return Counter(Entry(*row) for row in rows)


def _check(session: Session, number: int) -> None:
    row = session.get(Revision, number)
    assert row is not None
    published = dataset_at(session=session, revision=number)  # as publish cached it
    truth = build_dataset(session=session, revision=number, published_at=row.created_at)
    assert published == truth, number
    dataset_service._datasets.clear()  # replayed from the stored deltas
    assert dataset_at(session=session, revision=number) == truth, number
    assert _stored_entries(session) == Counter(search_entries(truth)), number
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts, rank) "
                             "VALUES ('integrity-check', 1)"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_publish_equals_a_full_rebuild_after_random_edits(db: Session, seed: int) -> None:
    rng = random.Random(seed)
    for _step in range(14):
        for _ in range(rng.randint(1, 3)):
            rng.choice(EDITS)(db, rng)
        number = publish_revision(session=db, summary="random", user_id=None, events=[]).id
        db.commit()
        _check(db, number or 0)
    deltas = db.exec(select(func.count()).select_from(Revision)
                     .where(col(Revision.delta).is_not(None))).one()
    assert deltas > 0


def test_a_publish_rereads_only_what_it_touched(db: Session) -> None:
    """Renaming a country notes that country, nothing else; the delta holds only it."""
    publish_revision(session=db, summary="settle", user_id=None, events=[])
    db.commit()
    country = db.get(Country, "FR")
    assert country is not None
    country.name = "France (renamed)"
    db.flush()
    notes = consume(db)
    assert notes.keys["countries"] == {"FR"} and not notes.whole
    assert not any(notes.keys[name] for name in ("sources", "commitments", "events"))
    country.name = "France (again)"
    number = publish_revision(session=db, summary="rename", user_id=None, events=[]).id
    db.commit()
    row = db.get(Revision, number)
    assert row is not None and row.delta is not None and row.snapshot is None
    assert '"countries"' in row.delta and '"commitments"' not in row.delta


def test_country_summaries_are_reused_for_what_an_edit_left_alone(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """After France's edit, every other country's summary is the one worked out before (its
    records are shared between the revisions); France's is new and equals a fresh one."""
    from app.services import countries

    today = date.today()
    publish_revision(session=db, summary="settle", user_id=None, events=[])
    db.commit()
    before = dataset_at(session=db)
    assert before is not None
    old = countries.summaries_by_code(dataset=before, as_of=today)
    db.add(Commitment(country_code="FR", kind="opposed", date=today, summary="an about-turn"))
    publish_revision(session=db, summary="France", user_id=None, events=[])
    db.commit()
    after = dataset_at(session=db)
    assert after is not None and after.revision > before.revision
    new = countries.summaries_by_code(dataset=after, as_of=today)
    assert all(new[code] is old[code] for code in old if code != "FR")
    assert new["FR"] is not old["FR"] and new["FR"].stance == "opposed"
    monkeypatch.setattr(countries, "_memo", countries.SummaryMemo())  # afresh: the same
    dataset_service._datasets.clear()
    fresh = dataset_at(session=db)
    assert fresh is not None
    assert countries.summaries_by_code(dataset=fresh, as_of=today) == new
