"""Fixtures for the operations tests: an app built with overridden settings, and the app served
by uvicorn with its JSON logs captured in a file."""

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import PROJECT_ROOT, get_settings
from app.models import AuditEvent, Commitment
from app.services.dataset import publish_revision
from tests.support.server import LiveServer, free_port

AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch, db: object) -> Iterator[AppFactory]:
    """Builds the real app with some settings overridden (as environment variables)."""

    def factory(**settings: str) -> FastAPI:
        for name, value in settings.items():
            monkeypatch.setenv(name.upper(), value)
        get_settings.cache_clear()
        from app.main import create_app

        return create_app()

    yield factory
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def make_client(make_app: AppFactory) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def factory(base_url: str = "http://testserver", **settings: str) -> TestClient:
        client = TestClient(make_app(**settings), base_url=base_url)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


def wait_until_healthy(server: LiveServer, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {server.url} did not answer within {timeout}s")


@contextmanager
def logged_server(
    log: Path, *, env: dict[str, str], command: list[str] | None = None, ready_timeout: float = 60
) -> Iterator[LiveServer]:
    """The app served like `serve` does (or by `command`): stderr (the JSON logs) into `log`,
    stdout (the commands' messages) beside it."""
    port = free_port()
    with log.open("wb") as errors, log.with_suffix(".stdout").open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command or [sys.executable, "-m", "app", "serve"], cwd=PROJECT_ROOT,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=output, stderr=errors,
        )
        server = LiveServer(url=f"http://127.0.0.1:{port}", process=process)
        try:
            wait_until_healthy(server, timeout=ready_timeout)
            yield server
        finally:
            server.stop()


def publish_change(session: Session, *, country_code: str, summary: str) -> int:
    """Save a new commitment as a new revision with its audit event; returns the revision."""
    commitment = Commitment(country_code=country_code, kind="logistics", date=date(2026, 1, 15),
                            summary=summary)
    session.add(commitment)
    session.flush()
    event = AuditEvent(revision_id=0, action="commitment.add", entity="commitment",
                       entity_id=str(commitment.id), country_code=country_code, reason=summary)
    revision = publish_revision(session=session, summary=summary, user_id=None, events=[event])
    session.commit()
    return revision.id or 0


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), split into build stages."""
    text = (PROJECT_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def image_command() -> list[str]:
    """The final image's CMD (exec form), as the container runs it."""
    cmd = [line for line in dockerfile_stages()[-1] if line.startswith("CMD ")][-1]
    return list(json.loads(cmd.removeprefix("CMD ")))


def image_environment() -> dict[str, str]:
    """ENV of the final stage (KEY=VALUE pairs; $PATH-style references left as written)."""
    env: dict[str, str] = {}
    for line in dockerfile_stages()[-1]:
        if line.startswith("ENV "):
            for pair in shlex.split(line.removeprefix("ENV ")):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def read_json_log(path: Path) -> list[dict[str, Any]]:
    """Every complete line of a JSON-lines log (fails on a line that is not JSON). The workers
    are still writing while the test reads: text after the last newline may be a line cut short."""
    complete = path.read_text().split("\n")[:-1]
    return [json.loads(line) for line in complete if line.strip()]
