"""The one Settings object. Every field is documented in .env.example (a test checks)."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class CardDrawing(StrEnum):
    inline = "inline"
    worker = "worker"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; empty means SQLite under DATA_DIR."
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "data")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = Field(
        default=None,
        description="Signs sessions and CSRF tokens. Unset: `serve` generates one in DATA_DIR.",
    )
    seed_dir: Path = Field(default=PROJECT_ROOT / "seeds")
    session_max_age: int = Field(
        default=8 * 3600, ge=60, description="Seconds an admin session stays valid after login."
    )
    login_window: int = Field(
        default=900, ge=1, description="Seconds over which failed logins are counted."
    )
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_client: int = Field(default=20, ge=1)
    public_base_url: str = Field(
        default="",
        description="Absolute base of public links (canonical og:url, og:image), no trailing /."
        " Empty: http://HOST:PORT.",
    )
    stale_after_days: int = Field(
        default=90, ge=1,
        description="Show a notice when the newest recorded statement is older than this.",
    )
    prerender_cards: bool = Field(
        default=True, description="Render share-card images in the background after each save."
    )
    warm_caches: bool = Field(
        default=True, description="After a save, render the change list, the downloads and the "
        "sources API into each web worker's page cache in the background (app/web/warming.py).",
    )
    card_drawing: CardDrawing = Field(
        default=CardDrawing.inline,
        description="Where share cards are drawn: `inline` (a thread of the web process) or "
        "`worker` (the card worker process, `python -m app cards`; `serve` starts one and sets "
        "this for its web workers).",
    )
    spawn_card_worker: bool = Field(
        default=True, description="`serve` starts the card worker beside the web workers (false "
        "when it runs on its own, e.g. the compose service `cards`).",
    )

    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Comma-separated proxy addresses/networks whose X-Forwarded-* are believed.",
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Larger bodies get 413.")
    rate_limit_writes_per_minute: int = Field(
        default=60, ge=1, description="POST/PUT/PATCH/DELETE per client address per minute."
    )
    rate_limit_logins_per_minute: int = Field(
        default=10, ge=1, description="Login submissions per client address per minute."
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    workers: int = Field(default=1, ge=1, description="Worker processes `serve` starts.")
    pool_timeout: float = Field(
        default=3.0, gt=0, le=30,
        description="Seconds a request may wait for a database connection before a 503.",
    )
    pg_bin: Path | None = Field(
        default=None, description="Folder with pg_dump/pg_restore matching the server version."
    )

    @model_validator(mode="after")
    def _default_public_base_url(self) -> "Settings":
        if not self.public_base_url:
            self.public_base_url = f"http://{self.host}:{self.port}"
        self.public_base_url = self.public_base_url.rstrip("/")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'coalition.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
