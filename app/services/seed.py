"""Load the hand-extracted seed dataset (seeds/*.json) as revision 1. Idempotent."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.models import AuditEvent, Citation, Commitment, Country, Mention, Source
from app.services.dataset import latest_revision_id, publish_revision

SEED_SUMMARY = "Seed dataset extracted by hand from five news articles"


def read_seed(seed_dir: Path) -> dict[str, Any]:
    def load(name: str) -> Any:
        return json.loads((seed_dir / name).read_text(encoding="utf-8"))

    return {"countries": load("countries.json"), "sources": load("sources.json"),
            **load("commitments.json")}


def _source(raw: dict[str, Any]) -> Source:
    published = raw.get("published")
    return Source(
        title=raw["title"], outlet=raw.get("outlet"), author=raw.get("author"),
        url=raw.get("url"), note=raw.get("note"), title_is_lede=bool(raw.get("title_is_lede")),
        published=date.fromisoformat(published) if published else None,
    )


def _commitment(raw: dict[str, Any], events: dict[str, Any]) -> Commitment:
    event = events[raw["event"]]
    conditions = raw.get("conditions", {})
    return Commitment(
        country_code=raw["country"], kind=raw["kind"], summary=raw["summary"],
        date=date.fromisoformat(event["date"]), date_precision=event["precision"],
        date_basis=event.get("basis"),
        **{f"cond_{key}": value for key, value in conditions.items()},
    )


def load_seed(*, session: Session, seed_dir: Path) -> bool:
    """Insert the seed dataset and publish it as revision 1. Returns False (and changes nothing)
    when the database already holds a published dataset."""
    if latest_revision_id(session=session) is not None:
        return False
    seed = read_seed(seed_dir)
    session.add_all(Country(**raw) for raw in seed["countries"])
    sources = {raw["id"]: _source(raw) for raw in seed["sources"]}
    session.add_all(sources.values())
    session.flush()
    # Seed files number their sources; the database numbers them itself (sequences on PostgreSQL).
    source_ids = {key: source.id or 0 for key, source in sources.items()}
    for raw in seed["commitments"]:
        commitment = _commitment(raw, seed["events"])
        session.add(commitment)
        session.flush()
        session.add_all(
            Citation(commitment_id=commitment.id or 0, source_id=source_ids[c["source"]],
                     quote=c["quote"], speaker=c.get("speaker"))
            for c in raw["citations"]
        )
    session.add_all(
        Mention(country_code=m["country"], source_id=source_ids[m["source"]], quote=m["quote"])
        for m in seed.get("mentions", [])
    )
    event = AuditEvent(revision_id=0, action="seed", entity="dataset", entity_id="seed",
                       reason=SEED_SUMMARY)
    publish_revision(session=session, summary=SEED_SUMMARY, user_id=None, events=[event])
    session.commit()
    return True
