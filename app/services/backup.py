"""Backup and restore of the whole database, audit trail and revisions included.

SQLite uses the online backup API (consistent while the app runs). PostgreSQL uses pg_dump's
custom format and pg_restore, both taken from PG_BIN when set so their major version can match
the server's, run from an argument list (no shell). The password goes to them in PGPASSWORD,
never on the command line."""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

from sqlalchemy import Engine, make_url


class BackupError(RuntimeError):
    pass


def backup_database(*, engine: Engine, path: Path, pg_bin: Path | None = None) -> Path:
    """Write a backup of the database behind `engine` to `path` (replaced if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source=_sqlite_file(engine), target=path, via_temp=True)
    else:
        _run_pg_tool(pg_bin, "pg_dump", engine, ["--format=custom", "--no-owner",
                                                 f"--file={path}"])
    return path


def restore_database(*, engine: Engine, path: Path, pg_bin: Path | None = None) -> None:
    """Replace the database's contents with the backup at `path`. Stop the app first (or at
    least expect requests in flight to fail); every pooled connection is dropped afterwards."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(path)
        _sqlite_copy(source=path, target=_sqlite_file(engine), via_temp=False)
    else:
        _run_pg_tool(pg_bin, "pg_restore", engine, ["--clean", "--if-exists", "--no-owner",
                                                    "--single-transaction", "--exit-on-error",
                                                    str(path)])
    engine.dispose()


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("only file-backed SQLite databases can be backed up")
    return Path(database)


def _sqlite_copy(*, source: Path, target: Path, via_temp: bool) -> None:
    """Copy page by page with SQLite's backup API; a new file is written beside the target
    and renamed into place, an existing live database is overwritten in place."""
    destination = target.with_name(target.name + ".partial") if via_temp else target
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    if via_temp:
        os.replace(destination, target)


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database: {exc}") from exc
    if not ok or "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Coalition Tracker backup (or it is damaged)")


def pg_tool(pg_bin: Path | None, name: str) -> str:
    """The tool from PG_BIN when set (its major version matches the server's), else PATH."""
    found = str(pg_bin / name) if pg_bin else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise BackupError(f"{name} not found (install postgresql-client or set PG_BIN)")
    return found


def _run_pg_tool(pg_bin: Path | None, name: str, engine: Engine, args: list[str]) -> None:
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else dict(os.environ)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [pg_tool(pg_bin, name), f"--dbname={dsn}", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()}")
