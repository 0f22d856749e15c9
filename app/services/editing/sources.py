"""Sources: add one or edit one (with its stored text, used to check quotes), versioned."""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.models import Source, User
from app.services.editing.common import (
    RecordNotFound,
    ValidationFailed,
    audit_event,
    publish,
    submitted_version,
)
from app.services.editing.inputs import SourceInput
from app.services.editing.optimistic import bump_source
from app.services.validation import Values, validate_source


def source_snapshot(source: Source) -> dict[str, Any]:
    """A source for the public trail: its stored text is summarised by length, never shown."""
    return {**source.model_dump(mode="json", exclude={"text"}),
            "text_length": len(source.text or "")}



def save_source(*, session: Session, user: User, source_id: int | None, values: Values,
                today: date) -> int:
    """Add a source (source_id None) or edit one. Returns the new revision number."""
    existing = session.get(Source, source_id) if source_id is not None else None
    if source_id is not None and existing is None:
        raise RecordNotFound(f"No source {source_id}.")
    errors = validate_source(values, today=today)
    if errors:
        raise ValidationFailed(errors)
    before = source_snapshot(existing) if existing else None
    if existing is not None:
        bump_source(session, existing.id or 0, submitted_version(values))
        session.refresh(existing)
    typed = SourceInput.parse(values)
    source = existing or Source(**typed.columns())
    typed.apply(source)
    session.add(source)
    session.flush()
    action = "source.edit" if existing else "source.add"
    event = audit_event(user, action, "source", source.id, country_code=None, before=before,
                        after=source_snapshot(source))
    return publish(session, user, f"Source {source.id} {action.split('.')[1]}ed: "
                   f"{source.title}", [event])



def get_source(*, session: Session, source_id: int) -> Source | None:
    """A source as stored (with its text and version), None if there is none."""
    return session.get(Source, source_id)


def source_texts(*, session: Session) -> list[tuple[int, str, str | None]]:
    """Every source's id, title and stored text (for curators' full-text search)."""
    rows = session.exec(select(Source.id, Source.title, Source.text).order_by(col(Source.id)))
    return [(source_id or 0, title, text) for source_id, title, text in rows]
