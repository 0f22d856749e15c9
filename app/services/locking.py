"""Serialising writers: the one publishing lock, and SQLite's write lock taken up front.

PostgreSQL: `pg_advisory_xact_lock` holds a lock until the transaction ends, so the snapshot a
revision stores is built after every earlier revision committed (READ COMMITTED sees them).
SQLite: a transaction that has written holds the database's only write lock; `begin_write` takes
it at the start of a save (`BEGIN IMMEDIATE`), retrying briefly, so a save never fails half way
with "database is locked"; when the lock stays busy, `DatabaseBusy` says so (answered 503).
"""

import time
import zlib

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

PUBLISH_LOCK = 0x43540001  # any constant shared by every process publishing into this database
BEGIN_ATTEMPTS = 3
BEGIN_WAIT_MS = 2000  # per attempt; the connection's usual busy_timeout (5 s) is put back after


class DatabaseBusy(RuntimeError):
    """Another writer held the database for longer than a request should wait."""


def serialise_publishing(*, session: Session) -> None:
    """Wait until no other transaction is publishing, and keep others waiting until this one
    ends. Call it before reading what the new revision will contain."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
    else:
        begin_write(session=session)


def hold_key(*, session: Session, key: str) -> None:
    """Serialise the transactions that name the same `key` (e.g. one login client) until this
    transaction ends: an advisory lock on PostgreSQL, the write lock on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        number = zlib.crc32(key.encode()) - 2**31  # a signed 32-bit key
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                        {"space": PUBLISH_LOCK & 0x7FFFFFFF, "key": number})
    else:
        begin_write(session=session)


def begin_write(*, session: Session) -> None:
    """SQLite: hold the write lock from now on (no-op when this transaction already holds it,
    and on PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if raw is None or raw.in_transaction:
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(BEGIN_WAIT_MS)}")
    try:
        for attempt in range(BEGIN_ATTEMPTS):
            if _begin_immediate(connection):
                return
            time.sleep(0.05 * (attempt + 1))
    finally:
        connection.exec_driver_sql("PRAGMA busy_timeout=5000")
    raise DatabaseBusy("the database is busy with other saves: nothing was saved, try again")


def _begin_immediate(connection: Connection) -> bool:
    """True once this connection holds the write lock; False when busy_timeout ran out."""
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False
    return True
