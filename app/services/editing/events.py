"""Events: add one, edit one (versioned like countries and sources), add or remove its
coalition-level facts (each with a citation) and its signatories; each save bumps the event's
version."""

from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from app.models import (
    AuditEvent,
    Country,
    Event,
    EventFact,
    FactCitation,
    Signatory,
    User,
)
from app.services.editing.citing import citation_errors, cited_source
from app.services.editing.common import (
    RecordNotFound,
    audit_event,
    checked,
    publish,
    submitted_version,
)
from app.services.editing.inputs import CitationInput, EventInput
from app.services.editing.optimistic import bump_event
from app.services.validation import (
    FieldErrors,
    Values,
    text,
    validate_event,
    validate_fact,
    validate_reason,
    validate_signatory,
)


def event_snapshot(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def event_errors(*, session: Session, values: Values, today: date,
                 event_id: int | None) -> FieldErrors:
    taken = frozenset(session.exec(select(Event.slug).where(col(Event.id) != (event_id or 0))))
    return validate_event(values, today=today, taken=taken)


def save_event(*, session: Session, user: User, event_id: int | None, values: Values,
               today: date) -> int:
    """Add an event (event_id None) or edit one, versioned like countries and sources.
    Returns the new revision number."""
    existing = session.get(Event, event_id) if event_id is not None else None
    if event_id is not None and existing is None:
        raise RecordNotFound(f"No event {event_id}.")
    checked(event_errors(session=session, values=values, today=today, event_id=event_id))
    before = event_snapshot(existing) if existing else None
    if existing is not None:
        bump_event(session, existing.id or 0, submitted_version(values))
        session.refresh(existing)
    typed = EventInput.parse(values)
    event = existing or Event(**typed.columns())
    typed.apply(event)
    session.add(event)
    session.flush()
    action = "event.edit" if existing else "event.add"
    audit = audit_event(user, action, "event", event.id, country_code=None, before=before,
                        after=event_snapshot(event))
    return publish(session, user, f"Event {action.split('.')[1]}ed: {event.name}", [audit])




def live_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise RecordNotFound(f"No event {event_id}.")
    return event


def fact_snapshot(session: Session, fact: EventFact) -> dict[str, Any]:
    citations = session.exec(select(FactCitation).where(FactCitation.fact_id == fact.id)
                             .order_by(col(FactCitation.id))).all()
    return {**fact.model_dump(mode="json"),
            "citations": [c.model_dump(mode="json") for c in citations]}


def fact_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    return {**validate_fact(values), **citation_errors(session=session, values=values,
                                                       today=today)}


def event_change(session: Session, user: User, event: Event, values: Values, action: str,
                 events: list[AuditEvent], *, before: dict[str, Any] | None,
                 after: dict[str, Any] | None, what: str) -> int:
    reason = text(values, "reason")
    events.append(audit_event(user, action, "event", event.id, country_code=None, before=before,
                              after=after, reason=reason))
    return publish(session, user, f"Event {event.slug}: {what}", events)


def add_fact(*, session: Session, user: User, event_id: int, values: Values,
             today: date) -> int:
    """A coalition-level fact about an event, with its first citation."""
    event = live_event(session, event_id)
    checked(fact_errors(session=session, values=values, today=today))
    bump_event(session, event.id or 0, submitted_version(values))
    events: list[AuditEvent] = []
    source_id = cited_source(session, user, values, events)
    fact = EventFact(event_id=event.id or 0, statement=text(values, "statement"))
    session.add(fact)
    session.flush()
    session.add(FactCitation(fact_id=fact.id or 0, source_id=source_id,
                             **CitationInput.parse(values).columns()))
    session.flush()
    return event_change(session, user, event, values, "fact.add", events, before=None,
                        after=fact_snapshot(session, fact), what="fact added")


Part = TypeVar("Part", EventFact, Signatory)


def _event_part(session: Session, model: type[Part], *, event_id: int,
                part_id: int) -> tuple[Event, Part]:
    """An event and one of its facts or signatories (RecordNotFound when it is not the event's)."""
    event = live_event(session, event_id)
    part = session.get(model, part_id)
    if part is None or part.event_id != event.id:
        what = "fact" if model is EventFact else "signatory"
        raise RecordNotFound(f"No {what} {part_id} of event {event_id}.")
    return event, part


def _remove_part(session: Session, user: User, event: Event, values: Values, *,
                 doomed: list[Any], before: dict[str, Any], action: str, what: str) -> int:
    """Remove a fact (with its citations) or a signatory, with a reason; bumps the event."""
    checked(validate_reason(values, required=True))
    bump_event(session, event.id or 0, submitted_version(values))
    for row in doomed:  # children first
        session.delete(row)
        session.flush()
    return event_change(session, user, event, values, action, [], before=before, after=None,
                        what=what)


def remove_fact(*, session: Session, user: User, event_id: int, fact_id: int,
                values: Values) -> int:
    event, fact = _event_part(session, EventFact, event_id=event_id, part_id=fact_id)
    citations = list(session.exec(select(FactCitation).where(FactCitation.fact_id == fact_id)))
    return _remove_part(session, user, event, values, doomed=[*citations, fact],
                        before=fact_snapshot(session, fact), action="fact.remove",
                        what=f"fact {fact_id} removed")


def signatory_errors(*, session: Session, values: Values) -> FieldErrors:
    codes = frozenset(session.exec(select(Country.code)))
    return validate_signatory(values, countries=codes)


def add_signatory(*, session: Session, user: User, event_id: int, values: Values) -> int:
    """A country that signed a document at the event (recorded as such, never as a stance)."""
    event = live_event(session, event_id)
    checked(signatory_errors(session=session, values=values))
    bump_event(session, event.id or 0, submitted_version(values))
    signatory = Signatory(event_id=event.id or 0, country_code=text(values, "country").upper(),
                          document=text(values, "document"))
    session.add(signatory)
    session.flush()
    return event_change(session, user, event, values, "signatory.add", [], before=None,
                        after=signatory.model_dump(mode="json"),
                        what=f"{signatory.country_code} signed {signatory.document}")


def remove_signatory(*, session: Session, user: User, event_id: int, signatory_id: int,
                     values: Values) -> int:
    event, signatory = _event_part(session, Signatory, event_id=event_id, part_id=signatory_id)
    return _remove_part(session, user, event, values, doomed=[signatory],
                        before=signatory.model_dump(mode="json"), action="signatory.remove",
                        what=f"signatory {signatory_id} removed")
