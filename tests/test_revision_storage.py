"""Revisions are stored as what changed (deltas with periodic checkpoints): an edit's storage is
bounded by what it changed, and ?rev=N stays exact for every revision, old ones included."""

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, text
from sqlmodel import Session, select

from app.db import get_engine
from app.models import Citation, Commitment, Country, Event, Mention, Revision, Source
from app.services import dataset as dataset_service
from app.services import revstore
from app.services.dataset import build_dataset, dataset_at, publish_revision
from app.services.pagecache import pages
from app.services.records import Dataset

PINNED = ["/countries/fr", "/api/countries/fr", "/api/sources", "/data/coalition-tracker.json",
          "/api/events", "/countries.csv"]


def _publish(session: Session, summary: str) -> int:
    number = publish_revision(session=session, summary=summary, user_id=None, events=[]).id
    session.commit()
    return number or 0


def _truth(number: int) -> Dataset:
    """Revision `number` read straight from the tables (nothing published since)."""
    with Session(get_engine()) as session:
        published_at = session.get(Revision, number).created_at  # type: ignore[union-attr]
        return build_dataset(session=session, revision=number, published_at=published_at)


def _edits(session: Session) -> list:
    """One change to each collection per step, kinds varied: put, change and drop."""
    commitment = session.exec(select(Commitment).order_by(Commitment.id)).first()
    assert commitment is not None
    source = session.exec(select(Source).order_by(Source.id)).first()
    assert source is not None

    def rename_country() -> None:
        country = session.get(Country, "FR") or session.exec(select(Country)).first()
        country.name = country.name + " (ed.)"  # type: ignore[union-attr]

    def add_country() -> None:
        session.add(Country(code="zz", name="Zedland"))

    def drop_mention() -> None:
        mention = session.exec(select(Mention)).first()
        if mention is not None:
            session.delete(mention)

    def new_commitment() -> None:
        row = Commitment(country_code="zz", kind="logistics", date=date(2026, 2, 1), summary="s")
        session.add(row)
        session.flush()
        session.add(Citation(commitment_id=row.id or 0, source_id=source.id or 0, quote="q"))

    def retitle_source() -> None:
        source.title = source.title + "!"

    def add_event() -> None:
        session.add(Event(slug="summit-x", name="Summit X", date=date(2026, 1, 5)))

    def retract() -> None:
        commitment.summary = "changed summary"

    return [rename_country, add_country, drop_mention, new_commitment, retitle_source,
            add_event, retract]


@pytest.mark.parametrize("every", [3, 100])
def test_every_revision_rebuilds_exactly(db: Session, client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch, every: int) -> None:
    """Each revision, rebuilt later from checkpoints and deltas with every cache cleared, equals
    the dataset read from the tables when it was published, and every pinned page is identical."""
    monkeypatch.setattr(revstore, "CHECKPOINT_EVERY", every)
    truths: dict[int, Dataset] = {1: _truth(1)}
    for step, edit in enumerate(_edits(db)):
        edit()
        number = _publish(db, f"step {step}")
        truths[number] = _truth(number)
        client.get(f"/countries/fr?rev={number}")  # read while it is the latest
    answers = {(number, path): client.get(f"{path}?rev={number}").content
               for number in truths for path in PINNED}
    dataset_service._datasets.clear()
    pages.clear()
    for number, truth in sorted(truths.items(), reverse=True):
        dataset_service._datasets.clear()
        assert dataset_at(session=db, revision=number) == truth, number
    stored = db.exec(select(Revision.id, Revision.snapshot, Revision.delta)).all()
    assert any(row[2] is not None for row in stored), "no revision was stored as a delta"
    dataset_service._datasets.clear()
    for (number, path), body in answers.items():
        assert client.get(f"{path}?rev={number}").content == body, (number, path)


def test_an_edit_stores_what_it_changed(db: Session) -> None:
    """At a grown dataset, one edit adds about its own record, not the whole dataset."""
    source = db.exec(select(Source)).first()
    country = db.exec(select(Country)).first()
    assert source is not None and country is not None
    for index in range(300):  # grow the dataset: 300 more commitments with a citation each
        row = Commitment(country_code=country.code, kind="troops", date=date(2026, 1, 1),
                         summary=f"grown commitment number {index} " + "x" * 200)
        db.add(row)
        db.flush()
        db.add(Citation(commitment_id=row.id or 0, source_id=source.id or 0, quote="q" * 200))
    _publish(db, "grown")
    whole = len(dataset_at(session=db).model_dump_json())  # type: ignore[union-attr]
    db.exec(select(Commitment)).first().summary = "one changed summary"  # type: ignore[union-attr]
    number = _publish(db, "one edit")
    row = db.get(Revision, number)
    assert row is not None and row.snapshot is None and row.delta is not None
    assert whole > 100_000 and len(row.delta) < 2_000, (whole, len(row.delta))
    assert set(json.loads(row.delta)) == {"commitments"}


def test_revisions_written_before_the_migration_stay_exact(db: Session) -> None:
    """A revision holding an old-style whole snapshot (before attribution and events existed)
    reads as before, and a delta published after it rebuilds from it."""
    old = db.get(Revision, 1)
    assert old is not None and old.snapshot is not None
    snapshot = json.loads(old.snapshot)
    snapshot.pop("events", None)
    for commitment in snapshot["commitments"]:
        for citation in commitment["citations"]:
            citation.pop("attribution", None)
    old.snapshot = json.dumps(snapshot)
    db.commit()
    dataset_service._datasets.clear()
    before = dataset_at(session=db, revision=1)
    assert before is not None and before.events == ()
    db.exec(select(Country)).first().name = "Renamed"  # type: ignore[union-attr]
    number = _publish(db, "after the migration")
    truth = _truth(number)
    row = db.get(Revision, number)
    assert row is not None and row.delta is not None  # a delta from the old-style snapshot
    dataset_service._datasets.clear()
    assert dataset_at(session=db, revision=1) == before
    assert dataset_at(session=db, revision=number) == truth
    assert any(country.name == "Renamed" for country in truth.countries)


def test_the_dataset_cache_is_bounded_by_size(db: Session) -> None:
    """However many revisions are read, a worker keeps a bounded weight of datasets."""
    for step in range(12):
        db.exec(select(Country)).first().name = f"Name {step}"  # type: ignore[union-attr]
        _publish(db, f"step {step}")
    cache = dataset_service._datasets
    latest = db.exec(select(func.max(Revision.id))).one() or 0
    for number in range(1, latest + 1):
        dataset_at(session=db, revision=number)
    assert len(cache._entries) <= cache.max_entries
    weight = sum(entry[1] for entry in cache._entries.values())
    assert weight <= cache.max_weight or len(cache._entries) == 1


def test_old_style_rows_migrate_as_checkpoints(db: Session) -> None:
    """Rows written before 0008 (a snapshot, no delta) are checkpoints: nothing to convert."""
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT snapshot IS NOT NULL, delta IS NULL FROM revision")).all()
    assert rows and all(tuple(row) == (True, True) for row in rows)


def test_source_claim_counts_match_each_source(db: Session) -> None:
    """list_sources counts claims in one pass; each count is what the source's page lists."""
    from app.services.sources import get_source, list_sources

    dataset = dataset_at(session=db)
    assert dataset is not None
    summaries = list_sources(dataset=dataset)
    assert summaries and any(summary.claim_count for summary in summaries)
    for summary in summaries:
        detail = get_source(dataset=dataset, source_id=summary.id)
        assert detail is not None and summary.claim_count == len(detail.claims)
        assert summary.model_dump() == detail.model_dump(exclude={"claims"})


@pytest.mark.parametrize("path", ["/data/coalition-tracker.zip", "/data/coalition-tracker.json",
                                  "/countries.csv", "/api/sources", "/changes", "/embed/map"])
def test_downloads_and_lists_are_built_once_per_revision(
        db: Session, client: TestClient, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """A second request is served from the per-revision cache (nothing rebuilt); a saved change
    is seen at once."""
    from app.routes import cached

    calls: list[str] = []
    kept_page = cached.pages.kept

    def counting(**kwargs: object) -> object:
        def render() -> object:
            calls.append(path)
            return kwargs["render"]()  # type: ignore[operator]
        return kept_page(**{**kwargs, "render": render})  # type: ignore[arg-type]

    monkeypatch.setattr(cached.pages, "kept", counting)
    first = client.get(path)
    second = client.get(path)
    assert first.status_code == 200 and first.content == second.content
    assert calls == [path]
    db.exec(select(Country)).first().name = "Renamed for freshness"  # type: ignore[union-attr]
    _publish(db, "fresh")
    third = client.get(path)
    assert calls == [path, path] and third.status_code == 200


def test_revisions_are_listed_a_page_at_a_time(db: Session, client: TestClient) -> None:
    for step in range(104):
        db.exec(select(Country)).first().name = f"Name {step}"  # type: ignore[union-attr]
        _publish(db, f"step {step}")
    first = client.get("/revisions.json").json()
    assert [r["number"] for r in first["revisions"]] == list(range(105, 5, -1))
    assert first["next"] == "/revisions.json?before=6"
    rest = client.get(first["next"]).json()
    assert [r["number"] for r in rest["revisions"]] == [5, 4, 3, 2, 1] and rest["next"] is None
    page = client.get("/revisions").text
    assert 'href="/revisions?before=6"' in page and page.count("<tr>") == 101
    assert len(client.get("/revisions.csv").text.strip().splitlines()) == 106
    assert client.get("/revisions.json?before=0").status_code == 422


def test_the_page_cache_is_bounded_by_bytes() -> None:
    from app.services.pagecache import PageCache, Rendered

    cache = PageCache(max_entries=100, max_bytes=50_000)
    for index in range(20):
        cache.kept(key=("k", index), revision=1,
                   render=lambda: Rendered(bytes(10_000), "application/zip"))
    assert cache.bytes_held <= 50_000 and 1 <= len(cache) <= 5
