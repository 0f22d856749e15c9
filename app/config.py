"""The one Settings object. Every field is documented in .env.example (a test checks)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Absolute base of public links (canonical og:url, og:image), no trailing /.",
    )

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
