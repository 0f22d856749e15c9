"""The append-only edit trail: who changed what (shown publicly as a role), before -> after, why.

Audit events belong to the revision their change published, so the trail as of revision N is the
events of revisions 1..N: public pages read it per revision like every other public answer.
"""

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.models import AuditEvent

ACTION_LABELS = {
    "seed": "published the seed dataset",
    "commitment.add": "added a commitment",
    "commitment.correct": "corrected a commitment",
    "commitment.retract": "retracted a commitment",
    "citation.add": "added a citation",
    "citation.correct": "corrected a citation",
    "citation.remove": "removed a citation",
    "source.add": "added a source",
    "source.edit": "edited a source",
    "country.add": "added a country",
    "country.edit": "edited a country",
    "event.add": "added an event",
    "event.edit": "edited an event",
    "fact.add": "added a fact about an event",
    "fact.remove": "removed a fact about an event",
    "signatory.add": "recorded a signatory",
    "signatory.remove": "removed a signatory",
}
ROLE_LABELS = {"system": "System", "curator": "Curator", "admin": "Administrator"}
_NOT_COMPARED = {"id", "created_at", "updated_at", "version"}


class FieldChange(BaseModel):
    field: str
    old: Any = None
    new: Any = None


class TrailEntry(BaseModel):
    id: int
    revision: int
    at: datetime
    actor: str
    action: str
    label: str
    entity: str
    entity_id: str
    country_code: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[FieldChange]
    reason: str | None


def to_json(record: dict[str, Any] | None) -> str | None:
    return None if record is None else json.dumps(record, sort_keys=True, default=str)


def _load(raw: str | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Fields whose value differs between before and after (all of them for an addition)."""
    old, new = before or {}, after or {}
    return [
        FieldChange(field=key, old=old.get(key), new=new.get(key))
        for key in sorted(set(old) | set(new))
        if key not in _NOT_COMPARED and old.get(key) != new.get(key)
    ]


def entry(event: AuditEvent) -> TrailEntry:
    before, after = _load(event.before), _load(event.after)
    return TrailEntry(
        id=event.id or 0, revision=event.revision_id, at=event.at,
        actor=ROLE_LABELS.get(event.actor_role, event.actor_role.title()),
        action=event.action, label=ACTION_LABELS.get(event.action, event.action),
        entity=event.entity, entity_id=event.entity_id, country_code=event.country_code,
        before=before, after=after, changes=field_changes(before, after), reason=event.reason,
    )


def edit_trail(
    *, session: Session, upto_revision: int, country_code: str | None = None, limit: int = 200
) -> list[TrailEntry]:
    """Saved changes up to a revision, newest first; optionally only one country's."""
    query = select(AuditEvent).where(col(AuditEvent.revision_id) <= upto_revision)
    if country_code is not None:
        query = query.where(AuditEvent.country_code == country_code.upper())
    query = query.order_by(col(AuditEvent.id).desc()).limit(limit)
    return [entry(event) for event in session.exec(query)]


def _latest_revisions(session: Session, where: ColumnElement[bool], count: int) -> list[int]:
    query = (select(AuditEvent.revision_id).where(where).distinct()
             .order_by(col(AuditEvent.revision_id).desc()).limit(count))
    return list(session.exec(query))


def changes_since(
    *, session: Session, where: ColumnElement[bool], versions_behind: int
) -> list[TrailEntry]:
    """What the last `versions_behind` saves of one record changed (every save bumps the
    record's version by one and publishes one revision), oldest first."""
    if versions_behind <= 0:
        return []
    revisions = _latest_revisions(session, where, versions_behind)
    query = (select(AuditEvent).where(col(AuditEvent.revision_id).in_(revisions))
             .order_by(col(AuditEvent.id)))
    return [entry(event) for event in session.exec(query)]


def country_events(code: str) -> ColumnElement[bool]:
    return col(AuditEvent.country_code) == code


def event_events(event_id: int) -> ColumnElement[bool]:
    return (col(AuditEvent.entity) == "event") & (col(AuditEvent.entity_id) == str(event_id))


def source_events(source_id: int) -> ColumnElement[bool]:
    return (col(AuditEvent.entity) == "source") & (col(AuditEvent.entity_id) == str(source_id))
