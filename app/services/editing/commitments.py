"""Commitments: record one with its first citation, correct it (with a public reason), retract it.
Every change bumps the country's version and publishes one revision."""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.models import (
    AuditEvent,
    Citation,
    Commitment,
    Event,
    User,
    utcnow,
)
from app.services.editing.citing import citation_errors, cited_source
from app.services.editing.common import (
    RecordNotFound,
    ValidationFailed,
    audit_event,
    publish,
    submitted_version,
)
from app.services.editing.countries import country_row
from app.services.editing.inputs import CitationInput, CommitmentInput
from app.services.editing.optimistic import bump_country
from app.services.editing.suggestions import accepted_suggestion
from app.services.validation import (
    FieldErrors,
    Values,
    message,
    text,
    validate_commitment_fields,
    validate_reason,
)


def link_errors(*, session: Session, values: Values) -> FieldErrors:
    """The event a commitment links to, and the citation its dispute names, must exist."""
    errors: FieldErrors = {}
    event = text(values, "event_id")
    if event and (not event.isdigit() or session.get(Event, int(event)) is None):
        errors["event_id"] = message("event_unknown")
    cited = text(values, "dispute_citation_id")
    if cited and (not cited.isdigit() or session.get(Citation, int(cited)) is None):
        errors["dispute_citation_id"] = message("citation_unknown")
    return errors


def commitment_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """Every message for the add-commitment form (commitment fields and its citation)."""
    return {**link_errors(session=session, values=values),
            **validate_commitment_fields(values, today=today),
            **citation_errors(session=session, values=values, today=today)}



def correction_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """A correction is shown in public with its reason, so the reason is required."""
    return {**link_errors(session=session, values=values),
            **validate_commitment_fields(values, today=today),
            **validate_reason(values, required=True)}



def commitment_snapshot(session: Session, commitment: Commitment) -> dict[str, Any]:
    citations = session.exec(select(Citation).where(Citation.commitment_id == commitment.id)
                             .order_by(col(Citation.id))).all()
    return {**commitment.model_dump(mode="json"),
            "citations": [c.model_dump(mode="json") for c in citations]}



def add_commitment(*, session: Session, user: User, code: str, values: Values,
                   today: date) -> int:
    """Record a dated commitment with its first citation. Returns the new revision number."""
    country = country_row(session, code)
    name, code = country.name, country.code
    errors = commitment_errors(session=session, values=values, today=today)
    if errors:
        raise ValidationFailed(errors)
    bump_country(session, code, submitted_version(values))
    events: list[AuditEvent] = []
    source_id = cited_source(session, user, values, events)
    commitment = Commitment(country_code=code, **CommitmentInput.parse(values).columns())
    session.add(commitment)
    session.flush()
    session.add(Citation(commitment_id=commitment.id or 0, source_id=source_id,
                         **CitationInput.parse(values).columns()))
    session.flush()
    events.append(audit_event(user, "commitment.add", "commitment", commitment.id,
                              country_code=code, before=None,
                              after=commitment_snapshot(session, commitment)))
    events.extend(accepted_suggestion(session=session, user=user, values=values))
    return publish(session, user, f"{name}: {commitment.kind} commitment of "
                   f"{commitment.date} recorded", events)


def live_commitment(session: Session, commitment_id: int) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.retracted_at is not None:
        raise RecordNotFound(f"No current commitment {commitment_id}.")
    return commitment


def change_commitment(session: Session, user: User, commitment: Commitment, values: Values,
                      action: str, apply: Callable[[Commitment], None], *, what: str,
                      earlier: list[AuditEvent] | None = None) -> int:
    """Bump the country's version, apply the change, audit the commitment before -> after
    (after `earlier` events that `apply` may have added, such as a new source) and publish."""
    code = commitment.country_code
    bump_country(session, code, submitted_version(values))
    before = commitment_snapshot(session, commitment)
    apply(commitment)
    commitment.updated_at = utcnow()
    session.add(commitment)
    session.flush()
    reason = text(values, "reason")
    event = audit_event(user, action, "commitment", commitment.id, country_code=code,
                        before=before, after=commitment_snapshot(session, commitment),
                        reason=reason)
    return publish(session, user, f"{code}: {what}" + (f" ({reason})" if reason else ""),
                    [*(earlier or []), event])


def correct_commitment(*, session: Session, user: User, commitment_id: int, values: Values,
                       today: date) -> int:
    commitment = live_commitment(session, commitment_id)
    errors = correction_errors(session=session, values=values, today=today)
    if errors:
        raise ValidationFailed(errors)

    def apply(row: Commitment) -> None:
        CommitmentInput.parse(values).apply(row)
        row.corrected_at = utcnow()
        row.correction_reason = text(values, "reason")

    return change_commitment(session, user, commitment, values, "commitment.correct", apply,
                             what=f"commitment {commitment_id} corrected",
                             earlier=accepted_suggestion(session=session, user=user,
                                                         values=values))


def retract_commitment(*, session: Session, user: User, commitment_id: int,
                       values: Values) -> int:
    commitment = live_commitment(session, commitment_id)
    errors = validate_reason(values, required=True)
    if errors:
        raise ValidationFailed(errors)

    def apply(row: Commitment) -> None:
        row.retracted_at = utcnow()
        row.retraction_reason = text(values, "reason")

    return change_commitment(session, user, commitment, values, "commitment.retract", apply,
                             what=f"commitment {commitment_id} retracted")



def commitment_country(*, session: Session, commitment_id: int) -> str:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise RecordNotFound(f"No commitment {commitment_id}.")
    return commitment.country_code
