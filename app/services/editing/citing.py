"""A citation as a form gives it (of a commitment or of an event's fact): its source, existing
or new (then added in the same revision), its quote checked against the source's text, its
speaker and attribution."""

from datetime import date

from sqlmodel import Session

from app.models import AuditEvent, Source, User
from app.numbers import parse_id
from app.services.editing.common import audit_event
from app.services.editing.inputs import SourceInput
from app.services.editing.sources import source_snapshot
from app.services.validation import (
    NEW_SOURCE,
    FieldErrors,
    Values,
    text,
    validate_citation,
)


def source_for_citation(session: Session, values: Values) -> Source | None:
    source_id = parse_id(text(values, "source_id"))
    return session.get(Source, source_id) if source_id is not None else None


def citation_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """A citation's source (existing or new) and its quote, checked against the source's text."""
    source = source_for_citation(session, values)
    new_text = text(values, "new_source_text") if text(values, "source_id") == NEW_SOURCE else ""
    return validate_citation(values, today=today, source_known=source is not None,
                             source_text=source.text if source else new_text or None)



def cited_source(session: Session, user: User, values: Values,
                 events: list[AuditEvent]) -> int:
    if text(values, "source_id") != NEW_SOURCE:
        return parse_id(text(values, "source_id")) or 0
    source = Source(**SourceInput.parse(values, "new_source_").columns())
    session.add(source)
    session.flush()
    events.append(audit_event(user, "source.add", "source", source.id, country_code=None,
                              before=None, after=source_snapshot(source)))
    return source.id or 0
