"""Optimistic locking: each save raises its record's version from the one its form was built on,
atomically; a stale version is refused with what others saved since (`VersionConflict`)."""

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from app.models import Commitment, Country, Event, Source
from app.services.audit import (
    TrailEntry,
    changes_since,
    country_events,
    event_events,
    source_events,
)
from app.services.editing.common import VersionConflict


def _bump(session: Session, model: type[Country] | type[Source] | type[Event],
          key: ColumnElement[bool],
          expected: int, events: ColumnElement[bool]) -> None:
    """Raise the record's version from `expected`, atomically; a VersionConflict otherwise."""
    version = col(model.version)
    result = session.exec(
        update(model).where(key, version == expected).values(version=version + 1)
    )
    if result.rowcount == 1:
        return
    session.rollback()
    current = session.exec(select(model.version).where(key)).one()
    raise VersionConflict(current_version=current, changes=changes_since(
        session=session, where=events, versions_behind=current - expected))


def bump_country(session: Session, code: str, expected: int) -> None:
    _bump(session, Country, col(Country.code) == code, expected, country_events(code))


def bump_source(session: Session, source_id: int, expected: int) -> None:
    _bump(session, Source, col(Source.id) == source_id, expected, source_events(source_id))


def bump_event(session: Session, event_id: int, expected: int) -> None:
    _bump(session, Event, col(Event.id) == event_id, expected, event_events(event_id))


def _changes(session: Session, model: type[Country] | type[Source] | type[Event],
             key: ColumnElement[bool], events: ColumnElement[bool],
             since: int) -> list[TrailEntry]:
    current = session.exec(select(model.version).where(key)).first()
    if current is None:
        return []
    return changes_since(session=session, where=events, versions_behind=current - since)


def country_changes(*, session: Session, code: str, since: int) -> list[TrailEntry]:
    """What was saved for a country (its commitments included) after its version `since`."""
    return _changes(session, Country, col(Country.code) == code, country_events(code), since)


def commitment_changes(*, session: Session, commitment_id: int,
                       since: int) -> list[TrailEntry]:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        return []
    return country_changes(session=session, code=commitment.country_code, since=since)


def source_changes(*, session: Session, source_id: int, since: int) -> list[TrailEntry]:
    return _changes(session, Source, col(Source.id) == source_id, source_events(source_id),
                    since)


def event_changes(*, session: Session, event_id: int, since: int) -> list[TrailEntry]:
    return _changes(session, Event, col(Event.id) == event_id, event_events(event_id), since)
