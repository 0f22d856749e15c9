"""Readers' suggestions as curators decide them: accepted by the save they prefilled (in the same
revision) or declined with a reason."""

from sqlmodel import Session

from app.models import AuditEvent, SuggestionStatus, User
from app.numbers import parse_id
from app.services import suggestions
from app.services.editing.common import RecordNotFound, ValidationFailed, checked, publish
from app.services.validation import Values, text, validate_reason


def accepted_suggestion(*, session: Session, user: User, values: Values) -> list[AuditEvent]:
    """The suggestion a save came from (hidden field `suggestion_id`), marked accepted in the
    same revision; none when the form did not come from one."""
    suggestion_id = parse_id(text(values, "suggestion_id"))
    if suggestion_id is None:
        return []
    try:
        return [suggestions.decision_event(session=session, user=user,
                                           suggestion_id=suggestion_id,
                                           status=SuggestionStatus.accepted, reason=None)]
    except suggestions.SuggestionNotFound as missing:
        raise ValidationFailed({"suggestion_id": str(missing)}) from missing


def decline_suggestion(*, session: Session, user: User, suggestion_id: int,
                       values: Values) -> int:
    """Decline a reader's suggestion with a reason (audited; the reader's words stay private)."""
    checked(validate_reason(values, required=True))
    try:
        event = suggestions.decision_event(session=session, user=user,
                                           suggestion_id=suggestion_id,
                                           status=SuggestionStatus.declined,
                                           reason=text(values, "reason"))
    except suggestions.SuggestionNotFound as missing:
        raise RecordNotFound(str(missing)) from missing
    return publish(session, user, f"Reader's suggestion {suggestion_id} declined", [event])
