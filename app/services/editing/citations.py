"""A commitment's citations: cite a further source, correct a citation, remove a wrong one (the
last citation stays). Each is a change of the commitment (the country's version is bumped)."""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import AuditEvent, Citation, Commitment, User
from app.services.editing.citing import citation_errors, cited_source
from app.services.editing.commitments import change_commitment, live_commitment
from app.services.editing.common import RecordNotFound, checked
from app.services.editing.inputs import CitationInput
from app.services.validation import FieldErrors, Values, message, validate_reason


def citation_correction_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    return {**citation_errors(session=session, values=values, today=today),
            **validate_reason(values, required=False)}


def citation_removal_errors(*, session: Session, citation: Citation,
                            values: Values) -> FieldErrors:
    """A reason is required, and a commitment keeps at least one citation."""
    errors = validate_reason(values, required=True)
    siblings = session.exec(select(func.count()).select_from(Citation)
                            .where(Citation.commitment_id == citation.commitment_id)).one()
    return {**errors, "citation": message("last_citation")} if siblings <= 1 else errors



def _live_citation(session: Session, commitment_id: int,
                   citation_id: int) -> tuple[Commitment, Citation]:
    commitment = live_commitment(session, commitment_id)
    citation = session.get(Citation, citation_id)
    if citation is None or citation.commitment_id != commitment.id:
        raise RecordNotFound(f"No citation {citation_id} of commitment {commitment_id}.")
    return commitment, citation



def add_citation(*, session: Session, user: User, commitment_id: int, values: Values,
                 today: date) -> int:
    """Cite a further source (existing or new) for a commitment. Returns the revision number."""
    commitment = live_commitment(session, commitment_id)
    checked(citation_errors(session=session, values=values, today=today))
    earlier: list[AuditEvent] = []

    def apply(row: Commitment) -> None:
        source_id = cited_source(session, user, values, earlier)
        session.add(Citation(commitment_id=row.id or 0, source_id=source_id,
                             **CitationInput.parse(values).columns()))

    return change_commitment(session, user, commitment, values, "citation.add", apply,
                             what=f"citation added to commitment {commitment_id}",
                             earlier=earlier)


def correct_citation(*, session: Session, user: User, commitment_id: int, citation_id: int,
                     values: Values, today: date) -> int:
    commitment, citation = _live_citation(session, commitment_id, citation_id)
    checked(citation_correction_errors(session=session, values=values, today=today))
    earlier: list[AuditEvent] = []

    def apply(row: Commitment) -> None:
        citation.source_id = cited_source(session, user, values, earlier)
        CitationInput.parse(values).apply(citation)
        session.add(citation)

    return change_commitment(session, user, commitment, values, "citation.correct", apply,
                             earlier=earlier,
                             what=f"citation {citation_id} of commitment {commitment_id} "
                             "corrected")


def remove_citation(*, session: Session, user: User, commitment_id: int, citation_id: int,
                    values: Values) -> int:
    """Remove a wrong citation (with a reason); a commitment's last citation stays."""
    commitment, citation = _live_citation(session, commitment_id, citation_id)
    checked(citation_removal_errors(session=session, citation=citation, values=values))
    return change_commitment(session, user, commitment, values, "citation.remove",
                             lambda _row: session.delete(citation),
                             what=f"citation {citation_id} of commitment {commitment_id} "
                             "removed")
