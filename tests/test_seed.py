"""The seed dataset: verbatim quotes, complete records, idempotent loading."""

import json
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from app.config import get_settings
from app.models import AuditEvent, Citation, Commitment, Country, Revision, Source
from app.services.seed import load_seed, read_seed

SEED = read_seed(get_settings().seed_dir)


def _article(articles_dir: Path, source_id: int) -> str:
    source = next(s for s in SEED["sources"] if s["id"] == source_id)
    path = articles_dir / source["article"]
    if not articles_dir.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    return path.read_text(encoding="utf-8")


def test_every_quote_is_a_verbatim_substring_of_its_article(articles_dir: Path) -> None:
    quotes = [(c["source"], c["quote"]) for m in SEED["commitments"] for c in m["citations"]]
    quotes += [(m["source"], m["quote"]) for m in SEED["mentions"]]
    for source_id, quote in quotes:
        assert quote in _article(articles_dir, source_id), quote


def test_titles_come_from_the_articles(articles_dir: Path) -> None:
    for source in SEED["sources"]:
        assert source["title"] in _article(articles_dir, source["id"])


def test_every_commitment_is_complete() -> None:
    kinds = {"troops", "logistics", "political_only", "opposed"}
    codes = {c["code"] for c in SEED["countries"]}
    for commitment in SEED["commitments"]:
        assert commitment["kind"] in kinds
        assert commitment["country"] in codes
        assert commitment["citations"], commitment["summary"]
        assert commitment["event"] in SEED["events"]
    for event in SEED["events"].values():
        assert event["precision"] in {"day", "month"} and event["basis"]


def test_seed_files_hold_no_whole_article(articles_dir: Path) -> None:
    seed_text = "".join(p.read_text() for p in get_settings().seed_dir.glob("*.json"))
    for source in SEED["sources"]:
        article = _article(articles_dir, source["id"])
        paragraphs = [p for p in article.split("\n") if len(p) > 400]
        assert not any(p in seed_text for p in paragraphs)


def _counts(session: Session) -> tuple[int, ...]:
    tables = (Country, Source, Commitment, Citation, Revision, AuditEvent)
    return tuple(session.exec(select(func.count()).select_from(t)).one() for t in tables)


def test_loading_twice_changes_nothing(db: Session) -> None:
    before = _counts(db)
    assert load_seed(session=db, seed_dir=get_settings().seed_dir) is False
    assert _counts(db) == before
    assert before[0] == len(SEED["countries"]) and before[4] == 1


def test_seed_json_is_valid_utf8_json() -> None:
    for path in get_settings().seed_dir.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_source_metadata_is_found_in_the_articles(articles_dir: Path) -> None:
    """Outlet, author and speakers are never invented: each appears in its article."""
    for source in SEED["sources"]:
        article = _article(articles_dir, source["id"])
        for field in ("outlet", "author"):
            if source[field]:
                assert source[field] in article, (source["id"], field)
    for commitment in SEED["commitments"]:
        for citation in commitment["citations"]:
            article = _article(articles_dir, citation["source"])
            for name in (citation["speaker"] or "").split(" and "):
                person = name.split(" (")[0]
                assert person in article, (person, citation["source"])
