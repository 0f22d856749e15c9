"""Command line: `python -m app serve|migrate|seed` (also the `coalition-tracker` script)."""

import argparse
import os
import secrets
import sys
from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlmodel import Session

from app.config import PROJECT_ROOT, get_settings
from app.db import get_engine
from app.services.seed import load_seed


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
    print("seed dataset loaded as revision 1" if loaded else "dataset already published: unchanged")
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
    import uvicorn

    ensure_secret_key()
    settings = get_settings()
    uvicorn.run("app.main:app", host=settings.host, port=settings.port, workers=args.workers,
                proxy_headers=True, log_level="info")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coalition-tracker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
        "serve": (serve, "serve the app on HOST:PORT"),
        "migrate": (migrate, "upgrade the database schema to the latest migration"),
        "seed": (seed, "load the seed dataset into an empty database (idempotent)"),
    }
    for name, (handler, help_text) in handlers.items():
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        if name == "serve":
            sub.add_argument("--workers", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
