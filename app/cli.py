"""Command line: `python -m app serve|cards|migrate|seed|...` (also the `coalition-tracker`
script)."""

import argparse
import os
import secrets
import signal
import subprocess  # nosec B404
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app.config import PROJECT_ROOT, CardDrawing, Settings, get_settings
from app.db import get_engine
from app.services.auth import MIN_PASSWORD_LENGTH, AccountError, create_user
from app.services.backup import BackupError, backup_database, restore_database
from app.services.cards import install_prerender, wait_for_prerender
from app.services.dataset import dataset_at, latest_revision_id
from app.services.hooks import notify_published
from app.services.search import fill_empty_search_index
from app.services.seed import load_seed
from app.web.logs import logging_config


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def migrate(_args: argparse.Namespace) -> int:
    command.upgrade(alembic_config(), "head")
    print("database migrated to head")
    return 0


def seed(_args: argparse.Namespace) -> int:
    settings = get_settings()
    with Session(get_engine()) as session:
        loaded = load_seed(session=session, seed_dir=settings.seed_dir)
        revision = latest_revision_id(session=session)
        dataset = None if loaded else dataset_at(session=session)
        if dataset is not None and fill_empty_search_index(session=session, dataset=dataset):
            session.commit()
            print("search index built from revision", dataset.revision)
    print("seed dataset loaded as revision 1" if loaded else "dataset already published: unchanged")
    if loaded and revision is not None:
        install_prerender()
        notify_published(revision)  # share cards are rendered now, not on the first visit
        wait_for_prerender(timeout=300)
    return 0


def ensure_secret_key() -> None:
    """Use SECRET_KEY when set; otherwise a random key kept in DATA_DIR (never a default)."""
    settings = get_settings()
    if settings.secret_key:
        return
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    os.environ["SECRET_KEY"] = path.read_text().strip()
    get_settings.cache_clear()


def serve(args: argparse.Namespace) -> int:
    ensure_secret_key()
    settings = get_settings()
    workers = args.workers or settings.workers
    worker = _start_card_worker(settings.spawn_card_worker)
    try:
        _serve_web(settings, workers)
    finally:
        _stop_card_worker(worker)
    return 0


def _start_card_worker(spawn: bool) -> subprocess.Popen[bytes] | None:
    """The card worker process beside the web workers, which then only queue cards."""
    if not spawn:
        return None
    os.environ["CARD_DRAWING"] = CardDrawing.worker.value  # inherited by the web workers
    get_settings.cache_clear()
    return subprocess.Popen([sys.executable, "-m", "app", "cards"],  # nosec B603
                            env={**os.environ, "CARD_WORKER_PARENT": str(os.getpid())})


def _stop_card_worker(worker: subprocess.Popen[bytes] | None) -> None:
    if worker is None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()


def _serve_web(settings: Settings, workers: int) -> None:
    import uvicorn

    # loop="asyncio": under a burst of 200 connections uvloop left some waiting for seconds
    # (wrk timeouts, p99 1.2 s) where asyncio served all within 60 ms, at the same requests/s.
    uvicorn.run("app.main:app", host=settings.host, port=settings.port, workers=workers,
                proxy_headers=False,  # app/web/forwarded.py reads X-Forwarded-* instead
                server_header=False,
                log_config=logging_config(settings.log_level), access_log=False,
                loop="asyncio")


def cards(_args: argparse.Namespace) -> int:
    """The card worker: draws share cards until stopped (SIGTERM or SIGINT)."""
    import logging.config

    from app.services.cardworker import run_worker

    logging.config.dictConfig(logging_config(get_settings().log_level))
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    run_worker(stop=stop)
    return 0


def backup(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        path = backup_database(engine=get_engine(), path=args.path, pg_bin=settings.pg_bin)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up to {path} ({path.stat().st_size} bytes)")
    return 0


def restore(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        restore_database(engine=get_engine(), path=args.path, pg_bin=settings.pg_bin)
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restored from {args.path}")
    return 0


def read_new_password(username: str) -> str:
    """From a prompt (typed twice) on a terminal, else the first line of stdin; never argv."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass(f"Password for {username} (at least {MIN_PASSWORD_LENGTH} "
                               "characters): ")
    if getpass.getpass("Repeat the password: ") != password:
        raise AccountError("the two passwords differ")
    return password


def create_admin(args: argparse.Namespace) -> int:
    try:
        password = read_new_password(args.username)
        with Session(get_engine()) as session:
            user = create_user(session=session, username=args.username, password=password,
                               role="admin")
    except AccountError as exc:
        print(f"create-admin failed: {exc}", file=sys.stderr)
        return 1
    print(f"created admin {user.username!r}: log in at /admin/login")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coalition-tracker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
        "serve": (serve, "serve the app on HOST:PORT (and start the share-card worker)"),
        "cards": (cards, "draw share cards until stopped (the worker `serve` starts)"),
        "migrate": (migrate, "upgrade the database schema to the latest migration"),
        "seed": (seed, "load the seed dataset into an empty database (idempotent)"),
        "backup": (backup, "write a backup of the database to PATH (SQLite file or pg_dump)"),
        "restore": (restore, "replace the database with the backup at PATH (stop the app first)"),
        "create-admin": (create_admin, "create a curator account with admin rights; the "
                         "password is read from a prompt or stdin"),
    }
    for name, (handler, help_text) in handlers.items():
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        if name == "serve":
            sub.add_argument("--workers", type=int, help="worker processes (default: WORKERS)")
        if name == "create-admin":
            sub.add_argument("username", help="login name (the password is never an argument)")
        if name in ("backup", "restore"):
            sub.add_argument("path", type=Path, help="backup file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
