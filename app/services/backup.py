"""Backup and restore of the whole database, audit trail and revisions included.

SQLite uses the online backup API (consistent while the app runs). PostgreSQL uses pg_dump's
custom format and pg_restore, both taken from PG_BIN when set so their major version can match
the server's, run from an argument list (no shell). The password goes to them in PGPASSWORD,
never on the command line. Backups are written readable by their owner only (0600).

A restore checks the backup before touching anything: an intact file, a schema at a migration
this code knows (never a newer one), every table the app reads, and at least one published
revision. SQLite restores into a copy beside the live file (upgraded to the newest migration if
the backup is older), then swaps it in with one rename; PostgreSQL restores in one transaction.
On any failure the live database is left as it was. Every curator session issued before the
restore is ended, so a session ended by a logout since the backup was taken is not revived.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import SQLModel

from app.config import PROJECT_ROOT
from app.db import create_private_file


class BackupError(RuntimeError):
    pass


def backup_database(*, engine: Engine, path: Path, pg_bin: Path | None = None) -> Path:
    """Write a backup of the database behind `engine` to `path` (replaced if it exists)."""
    create_private_file(path)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source=_sqlite_file(engine), target=path)
    else:
        _run_pg_tool(pg_bin, "pg_dump", engine, ["--format=custom", "--no-owner",
                                                 f"--file={path}"])
    os.chmod(path, 0o600)
    return path


def restore_database(*, engine: Engine, path: Path, pg_bin: Path | None = None) -> None:
    """Replace the database's contents with the backup at `path`, checked first. Stop the app
    first (or at least expect requests in flight to fail); pooled connections are dropped."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _restore_sqlite(engine, path)
    else:
        _restore_postgres(engine, path, pg_bin)
    engine.dispose()
    end_all_sessions(engine)


# ---- what a restorable backup holds -----------------------------------------------------------


def _alembic() -> ScriptDirectory:
    return ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))


def check_schema_version(version: str | None) -> str:
    """The backup's migration, if this code knows it; refuses unknown (e.g. newer) ones."""
    scripts = _alembic()
    known = {script.revision for script in scripts.walk_revisions()}
    if version is None:
        raise BackupError("the backup has no schema version (alembic_version): not a backup")
    if version not in known:
        raise BackupError(f"the backup's schema is at migration {version!r}, which this version "
                          "of the app does not know (a newer app made it?): refused")
    return version


def required_tables() -> list[str]:
    return [table.name for table in SQLModel.metadata.sorted_tables]


def _check_sqlite_contents(path: Path) -> str:
    """Integrity, schema version, tables and rows of an SQLite backup; its version."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed)")
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError(f"{path} is not a Coalition Tracker backup (no schema version)")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            _check_tables(tables, f"{path}")
            revisions = conn.execute("SELECT count(*) FROM revision").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable SQLite database: {exc}") from exc
    if not revisions:
        raise BackupError(f"{path} holds no published revision: refused")
    return check_schema_version(row[0] if row else None)


def _check_tables(present: set[str], where: str) -> None:
    missing = [name for name in required_tables() if name not in present]
    if missing:
        raise BackupError(f"{where} lacks the tables {', '.join(missing)}: not a full backup")


# ---- SQLite -----------------------------------------------------------------------------------


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("only file-backed SQLite databases can be backed up")
    return Path(database)


def _sqlite_copy(*, source: Path, target: Path) -> None:
    """Copy page by page with SQLite's backup API into a private file beside the target, then
    rename it into place."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    os.replace(partial, target)


def _restore_sqlite(engine: Engine, path: Path) -> None:
    version = _check_sqlite_contents(path)
    live = _sqlite_file(engine)
    copy = live.with_name(live.name + ".restoring")
    try:
        _sqlite_copy(source=path, target=copy)
        if version != _alembic().get_current_head():
            _upgrade(f"sqlite:///{copy}")
        _check_sqlite_contents(copy)
        _swap(copy, live)
    finally:
        copy.unlink(missing_ok=True)
        copy.with_name(copy.name + ".partial").unlink(missing_ok=True)


def _upgrade(url: str) -> None:
    copy_engine = create_engine(url)
    try:
        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.attributes["connection"] = copy_engine
        command.upgrade(config, "head")
    except Exception as exc:
        raise BackupError(f"the backup could not be brought to the newest schema: {exc}") from exc
    finally:
        copy_engine.dispose()


def _swap(copy: Path, live: Path) -> None:
    """Fold the live database's write-ahead log into it, then rename the copy over it."""
    if live.exists():
        with closing(sqlite3.connect(live)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.chmod(copy, 0o600)
    os.replace(copy, live)
    for suffix in ("-wal", "-shm"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)


def end_all_sessions(engine: Engine) -> None:
    """Every session issued before now is refused (restored users log in again)."""
    with engine.begin() as conn:
        conn.execute(text('UPDATE "user" SET sessions_valid_after = :now'),
                     {"now": datetime.now(UTC).replace(tzinfo=None)})


# ---- PostgreSQL -------------------------------------------------------------------------------


def pg_tool(pg_bin: Path | None, name: str) -> str:
    """The tool from PG_BIN when set (its major version matches the server's), else PATH."""
    found = str(pg_bin / name) if pg_bin else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise BackupError(f"{name} not found (install postgresql-client or set PG_BIN)")
    return found


def _run_pg_tool(pg_bin: Path | None, name: str, engine: Engine | None, args: list[str]) -> str:
    # A restore waiting on a lock held by a running app fails after 10 s instead of hanging.
    env, dsn_args = {**os.environ, "PGOPTIONS": "-c lock_timeout=10000"}, []
    if engine is not None:
        url = make_url(engine.url.render_as_string(hide_password=False))
        env.update({"PGPASSWORD": url.password} if url.password else {})
        dsn = url.set(drivername="postgresql", password=None).render_as_string(
            hide_password=False)
        dsn_args = [f"--dbname={dsn}"]
    command_line = [pg_tool(pg_bin, name), *dsn_args, *args]
    result = subprocess.run(command_line, env=env, capture_output=True, text=True,  # nosec B603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()[:2000]}")
    return result.stdout


def _copied_rows(pg_bin: Path | None, path: Path, table: str) -> list[str]:
    """The data rows of one table in a custom-format dump (the lines of its COPY block)."""
    sql = _run_pg_tool(pg_bin, "pg_restore", None, ["--data-only", f"--table={table}",
                                                    "--file=-", str(path)])
    block = re.search(r"^COPY [^\n]* FROM stdin;\n(.*?)^\\\.$", sql, re.M | re.S)
    return block.group(1).splitlines() if block else []


def _check_pg_dump(path: Path, pg_bin: Path | None) -> None:
    listing = _run_pg_tool(pg_bin, "pg_restore", None, ["--list", str(path)])
    tables = set(re.findall(r" TABLE DATA \S+ (\S+) ", listing))
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Coalition Tracker backup (no schema version)")
    _check_tables(tables, str(path))
    versions = _copied_rows(pg_bin, path, "alembic_version")
    version = check_schema_version(versions[0].strip() if versions else None)
    if version != _alembic().get_current_head():
        raise BackupError(f"the backup's schema is at migration {version}; restore it with the "
                          "app version that made it, then run migrate")
    if not _copied_rows(pg_bin, path, "revision"):
        raise BackupError(f"{path} holds no published revision: refused")


def _restore_postgres(engine: Engine, path: Path, pg_bin: Path | None) -> None:
    _check_pg_dump(path, pg_bin)
    _run_pg_tool(pg_bin, "pg_restore", engine, ["--clean", "--if-exists", "--no-owner",
                                                "--single-transaction", "--exit-on-error",
                                                str(path)])
