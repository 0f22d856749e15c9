"""Which records of the dataset a transaction touched, so that publishing re-reads only those.

Every ORM write a session flushes (added, changed or deleted rows) is noted against the record it
belongs to: a country by its code; a commitment (its citations included) by its id; a source, a
mention, an event (its facts and signatories included) by theirs. A bulk UPDATE or DELETE through
the session, or textual SQL writing one of the dataset's tables, marks its whole collection
instead. Noting too much only costs a re-read; `publish_revision` consumes the notes, so
everything written since the last publish of this session is covered.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import Column, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, TextClause
from sqlmodel import SQLModel

from app.models import (
    Citation,
    Commitment,
    Country,
    Event,
    EventFact,
    FactCitation,
    Mention,
    Signatory,
    Source,
)
from app.services.revstore import RECORD_TYPES, Key

# Each table's collection, and the column naming the record a row belongs to.
OWNERS: dict[type[SQLModel], tuple[str, str]] = {
    Country: ("countries", "code"), Source: ("sources", "id"),
    Commitment: ("commitments", "id"), Citation: ("commitments", "commitment_id"),
    Mention: ("mentions", "id"), Event: ("events", "id"), EventFact: ("events", "event_id"),
    Signatory: ("events", "event_id"),
}
WHOLE_ONLY: dict[type[SQLModel], str] = {FactCitation: "events"}  # two steps away: all re-read
TABLES: dict[str, str] = {
    **{str(model.__tablename__): owner[0] for model, owner in OWNERS.items()},
    **{str(model.__tablename__): name for model, name in WHOLE_ONLY.items()}}
WRITE_SQL = re.compile(r"^\s*(insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)
INFO_KEY = "dataset_changes"


@dataclass
class Touched:
    """Keys touched per collection, and the collections to re-read whole."""

    keys: dict[str, set[Key]] = field(default_factory=lambda: {n: set() for n in RECORD_TYPES})
    whole: set[str] = field(default_factory=set)

    def note(self, instance: object) -> None:
        model = type(instance)
        if not issubclass(model, SQLModel):
            return
        if model in WHOLE_ONLY:
            self.whole.add(WHOLE_ONLY[model])
            return
        owner = OWNERS.get(model)
        if owner is None:
            return
        history = inspect(instance).attrs[owner[1]].history
        for value in (*history.added, *history.unchanged, *history.deleted):
            if value is not None:
                self.keys[owner[0]].add(value)


def touched(session: Session) -> Touched:
    found = session.info.get(INFO_KEY)
    if not isinstance(found, Touched):
        found = session.info[INFO_KEY] = Touched()
    return found


def consume(session: Session) -> Touched:
    """What this session touched since it last published; forgotten now (it is being published)."""
    found = touched(session)
    session.info.pop(INFO_KEY, None)
    return found


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: UOWTransaction) -> None:
    """Runs with the ids assigned and the pre-flush lists of new, changed and deleted rows."""
    notes = touched(session)
    for instance in (*session.new, *session.dirty, *session.deleted):
        notes.note(instance)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state: ORMExecuteState) -> None:
    notes = touched(state.session)
    if state.is_update or state.is_delete or state.is_insert:
        mapper = state.bind_mapper
        model = mapper.class_ if mapper is not None else None
        keys = _keys_named(state.statement, OWNERS[model][1]) if model in OWNERS else None
        if keys is not None and model is not None:
            notes.keys[OWNERS[model][0]].update(keys)
        elif model is not None and str(model.__tablename__) in TABLES:
            notes.whole.add(TABLES[str(model.__tablename__)])
    elif isinstance(state.statement, TextClause):
        written = WRITE_SQL.match(state.statement.text)
        table = written.group(2).lower() if written else None
        if table in TABLES:
            notes.whole.add(TABLES[table])


def _keys_named(statement: object, column: str) -> set[Key] | None:
    """The keys an UPDATE or DELETE can touch, when its WHERE requires `column` = a value (alone
    or ANDed with other terms); None when it may touch any row."""
    where = getattr(statement, "whereclause", None)
    written = getattr(statement, "_values", None) or {}
    if where is None or column in {getattr(key, "key", str(key)) for key in written} \
            or getattr(statement, "_ordered_values", None):
        return None  # any row, or rows whose key itself changes
    terms = where.clauses if isinstance(where, BooleanClauseList) and where.operator is \
        operators.and_ else [where]
    for term in terms:
        if (isinstance(term, BinaryExpression) and term.operator is operators.eq
                and isinstance(term.left, Column) and term.left.name == column
                and isinstance(term.right, BindParameter) and term.right.value is not None):
            return {term.right.value}
    return None
