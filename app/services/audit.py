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

from app.dates import format_date
from app.labels import ACTION_LABELS, FIELD_LABELS, LOCATION_CHIPS, STANCE_LABELS, USER_ROLE_LABELS
from app.models import AuditEvent, Stance

_NOT_COMPARED = {"id", "created_at", "updated_at", "version"}


NOT_STATED = "not stated"
DATE_FIELDS = {"date", "published", "retracted_at", "corrected_at", "reviewed_at"}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def readable_value(field: str, value: Any, precision: str | None = "day") -> str | None:
    """A stored value in the reader's words; None for a list or record (shown item by item)."""
    if value is None or value == "":
        return NOT_STATED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return None
    if field == "kind" and value in Stance.__members__:
        return STANCE_LABELS[Stance(value)]
    if field == "cond_location":
        return LOCATION_CHIPS.get(value, str(value))
    if field in DATE_FIELDS:
        return format_date(str(value), precision if field == "date" else "day")
    return str(value)


class FieldChange(BaseModel):
    field: str
    label: str = ""
    old: Any = None
    new: Any = None
    old_text: str | None = None
    new_text: str | None = None


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
    """Fields whose value differs between before and after (all of them for an addition), with
    their labels and values in words."""
    old, new = before or {}, after or {}
    return [
        FieldChange(field=key, label=field_label(key), old=old.get(key), new=new.get(key),
                    old_text=readable_value(key, old.get(key), old.get("date_precision")),
                    new_text=readable_value(key, new.get(key), new.get("date_precision")))
        for key in sorted(set(old) | set(new))
        if key not in _NOT_COMPARED and old.get(key) != new.get(key)
    ]


def _commitment_words(record: dict[str, Any]) -> tuple[str, str]:
    kind = readable_value("kind", record.get("kind")) or ""
    when = readable_value("date", record.get("date"), record.get("date_precision")) or ""
    return kind, when


COMMITMENT_HEADLINES = {
    "commitment.add": "new {kind} commitment ({when})",
    "commitment.correct": "{kind} commitment of {when} corrected",
    "commitment.retract": "{kind} commitment of {when} retracted",
    "citation.add": "citation added to the {kind} commitment of {when}",
    "citation.correct": "citation corrected on the {kind} commitment of {when}",
    "citation.remove": "citation removed from the {kind} commitment of {when}",
}


def headline(item: "TrailEntry", names: dict[str, str]) -> str:
    """What changed, in one line: "Poland: new Logistics commitment (Feb 2026)"."""
    name = names.get(item.country_code or "", item.country_code or "")
    record = item.after or item.before or {}
    if item.action in COMMITMENT_HEADLINES and "kind" in record:
        kind, when = _commitment_words(record)
        return f"{name}: " + COMMITMENT_HEADLINES[item.action].format(kind=kind, when=when)
    if item.entity == "source":
        verb = "New source" if item.action == "source.add" else "Source edited"
        return f"{verb}: {record.get('title', item.entity_id)}"
    if item.action == "country.review":
        return f"{name}: position reviewed"
    if item.action.startswith("country."):
        return f"{name}: " + ("added to the tracker" if item.action == "country.add"
                              else "country details edited")
    if item.action == "dataset.review":
        return "Every country's position reviewed"
    if item.action == "seed":
        return "Seed dataset published"
    return f"{item.actor} {item.label}" + (f": {name}" if name else "")


def entry(event: AuditEvent) -> TrailEntry:
    before, after = _load(event.before), _load(event.after)
    return TrailEntry(
        id=event.id or 0, revision=event.revision_id, at=event.at,
        actor=USER_ROLE_LABELS.get(event.actor_role, event.actor_role.title()),
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


def last_saved(*, session: Session, where: ColumnElement[bool]) -> TrailEntry | None:
    """The newest saved change of one record (when, and by which role), None if never."""
    query = select(AuditEvent).where(where).order_by(col(AuditEvent.id).desc()).limit(1)
    event = session.exec(query).first()
    return entry(event) if event is not None else None


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
