"""Load the hand-extracted seed dataset (seeds/*.json) as revision 1. Idempotent.

Before anything is written, every citation's attribution is checked (speaker required for
`direct` and `reported`, refused for `outlet`) and, when the articles the seed was extracted from
are beside the checkout (../shared/seeds), every quote must be in its article and every `direct`
quote must stand inside quotation marks there: a seed that breaks a rule is refused whole.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.config import PROJECT_ROOT
from app.models import (
    AuditEvent,
    Citation,
    Commitment,
    Country,
    Event,
    EventFact,
    FactCitation,
    Mention,
    Signatory,
    Source,
)
from app.services.dataset import latest_revision_id, publish_revision
from app.services.validation import check_attribution, check_quote

SEED_SUMMARY = "Seed dataset extracted by hand from five news articles"
ARTICLES_DIR = PROJECT_ROOT.parent / "shared" / "seeds"


class SeedError(ValueError):
    """The seed breaks an evidence rule; nothing was loaded."""


def read_seed(seed_dir: Path) -> dict[str, Any]:
    def load(name: str) -> Any:
        return json.loads((seed_dir / name).read_text(encoding="utf-8"))

    return {"countries": load("countries.json"), "sources": load("sources.json"),
            **load("commitments.json"), **load("events.json")}


def seed_citations(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """Every citation in the seed: the commitments' and the events' facts'."""
    cited = [c for m in seed["commitments"] for c in m["citations"]]
    return cited + [c for e in seed["events"].values() for f in e["facts"]
                    for c in f["citations"]]


def citation_problems(citation: dict[str, Any], article: str | None) -> list[str]:
    """What is wrong with one seed citation (empty when it keeps the evidence rules)."""
    quote = citation["quote"]
    errors = check_attribution(attribution=citation.get("attribution") or "",
                               speaker=citation.get("speaker") or "", quote=quote,
                               source_text=article)
    if article is not None and check_quote(quote, source_text=article):
        errors["quote"] = "not in its article"
    return [f"source {citation['source']}, {field}: {error} ({quote[:60]!r})"
            for field, error in errors.items()]


def articles(seed: dict[str, Any], articles_dir: Path) -> dict[int, str]:
    """The articles' texts by seed source number, for those present."""
    found = {raw["id"]: articles_dir / raw["article"] for raw in seed["sources"]
             if raw.get("article")}
    return {key: path.read_text(encoding="utf-8") for key, path in found.items()
            if path.is_file()}


def check_seed(seed: dict[str, Any], *, articles_dir: Path = ARTICLES_DIR) -> None:
    texts = articles(seed, articles_dir)
    problems = [problem for citation in seed_citations(seed)
                for problem in citation_problems(citation, texts.get(citation["source"]))]
    if problems:
        raise SeedError("The seed breaks the evidence rules:\n" + "\n".join(problems))


def _source(raw: dict[str, Any]) -> Source:
    published = raw.get("published")
    return Source(
        title=raw["title"], outlet=raw.get("outlet"), author=raw.get("author"),
        url=raw.get("url"), note=raw.get("note"), title_is_lede=bool(raw.get("title_is_lede")),
        published=date.fromisoformat(published) if published else None,
    )


def _event(slug: str, raw: dict[str, Any]) -> Event:
    return Event(slug=slug, name=raw["name"], date=date.fromisoformat(raw["date"]),
                 date_precision=raw["precision"], date_basis=raw.get("basis"),
                 place=raw.get("place"), summary=raw.get("summary"))


def _commitment(raw: dict[str, Any], events: dict[str, Event]) -> Commitment:
    event = events[raw["event"]]
    conditions = raw.get("conditions", {})
    return Commitment(
        country_code=raw["country"], kind=raw["kind"], summary=raw["summary"],
        date=event.date, date_precision=event.date_precision, date_basis=event.date_basis,
        event_id=event.id, firmness=raw.get("firmness", "firm"),
        **{f"cond_{key}": value for key, value in conditions.items()},
    )


def _cited(raw: dict[str, Any], source_ids: dict[int, int]) -> dict[str, Any]:
    return {"source_id": source_ids[raw["source"]], "quote": raw["quote"],
            "speaker": raw.get("speaker"), "attribution": raw["attribution"]}


def _load_events(session: Session, seed: dict[str, Any],
                 source_ids: dict[int, int]) -> dict[str, Event]:
    events = {slug: _event(slug, raw) for slug, raw in seed["events"].items()}
    session.add_all(events.values())
    session.flush()
    for slug, raw in seed["events"].items():
        event_id = events[slug].id or 0
        session.add_all(Signatory(event_id=event_id, country_code=s["country"],
                                  document=s["document"]) for s in raw.get("signatories", []))
        for fact_raw in raw.get("facts", []):
            fact = EventFact(event_id=event_id, statement=fact_raw["statement"])
            session.add(fact)
            session.flush()
            session.add_all(FactCitation(fact_id=fact.id or 0, **_cited(c, source_ids))
                            for c in fact_raw["citations"])
    return events


def _load_commitments(session: Session, seed: dict[str, Any], source_ids: dict[int, int],
                      events: dict[str, Event]) -> None:
    by_quote: dict[tuple[int, str], Citation] = {}
    disputes: list[tuple[Commitment, dict[str, Any]]] = []
    for raw in seed["commitments"]:
        commitment = _commitment(raw, events)
        session.add(commitment)
        session.flush()
        for c in raw["citations"]:
            citation = Citation(commitment_id=commitment.id or 0, **_cited(c, source_ids))
            session.add(citation)
            by_quote.setdefault((c["source"], c["quote"]), citation)
        if raw.get("dispute"):
            disputes.append((commitment, raw["dispute"]))
    session.flush()
    for commitment, dispute in disputes:
        conflicting = by_quote[(dispute["citation"]["source"], dispute["citation"]["quote"])]
        commitment.disputed, commitment.dispute_reason = True, dispute["reason"]
        commitment.dispute_citation_id = conflicting.id
        session.add(commitment)


def load_seed(*, session: Session, seed_dir: Path, articles_dir: Path = ARTICLES_DIR) -> bool:
    """Insert the seed dataset and publish it as revision 1. Returns False (and changes nothing)
    when the database already holds a published dataset; raises SeedError (and changes nothing)
    when a citation breaks the evidence rules."""
    if latest_revision_id(session=session) is not None:
        return False
    seed = read_seed(seed_dir)
    check_seed(seed, articles_dir=articles_dir)
    session.add_all(Country(**raw) for raw in seed["countries"])
    sources = {raw["id"]: _source(raw) for raw in seed["sources"]}
    session.add_all(sources.values())
    session.flush()
    # Seed files number their sources; the database numbers them itself (sequences on PostgreSQL).
    source_ids = {key: source.id or 0 for key, source in sources.items()}
    events = _load_events(session, seed, source_ids)
    _load_commitments(session, seed, source_ids, events)
    session.add_all(
        Mention(country_code=m["country"], source_id=source_ids[m["source"]], quote=m["quote"])
        for m in seed.get("mentions", [])
    )
    event = AuditEvent(revision_id=0, action="seed", entity="dataset", entity_id="seed",
                       reason=SEED_SUMMARY)
    publish_revision(session=session, summary=SEED_SUMMARY, user_id=None, events=[event])
    session.commit()
    return True
