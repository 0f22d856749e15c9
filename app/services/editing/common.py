"""What every save shares: the errors it raises, its audit events and how it is published."""

from typing import Any

from sqlmodel import Session

from app.models import AuditEvent, User
from app.numbers import parse_whole
from app.services import hooks
from app.services.audit import TrailEntry, to_json
from app.services.dataset import publish_revision
from app.services.validation import FieldErrors, Values, text


class ValidationFailed(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class VersionConflict(Exception):
    """The form was built on an older version: `changes` are what others saved since."""

    def __init__(self, *, current_version: int, changes: list[TrailEntry]) -> None:
        super().__init__(f"record is now at version {current_version}")
        self.current_version = current_version
        self.changes = changes


class RecordNotFound(LookupError):
    pass


def submitted_version(values: Values) -> int:
    return parse_whole(text(values, "version")) or 0



def audit_event(user: User, action: str, entity: str, entity_id: object, *,
                country_code: str | None, before: dict[str, Any] | None,
                after: dict[str, Any] | None, reason: str | None = None) -> AuditEvent:
    return AuditEvent(
        revision_id=0, user_id=user.id, actor_role=user.role, action=action, entity=entity,
        entity_id=str(entity_id), country_code=country_code, before=to_json(before),
        after=to_json(after), reason=reason or None,
    )


def publish(session: Session, user: User, summary: str, events: list[AuditEvent]) -> int:
    revision = publish_revision(session=session, summary=summary[:1000], user_id=user.id,
                                events=events)
    session.commit()
    revision_id = revision.id or 0
    hooks.notify_published(revision_id)
    return revision_id



def checked(errors: FieldErrors) -> None:
    if errors:
        raise ValidationFailed(errors)
