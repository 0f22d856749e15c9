"""The deployment journey: the app started exactly as the Docker image's command starts it
(migrate, seed, serve with several workers) on PostgreSQL, a curator logs in and saves an edit,
and every worker — each answering some of many fresh connections — honours the session and
CSRF token, and, having rendered and cached the public pages before the edit, shows the change
on its next request (with a new ETag)."""

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, text

from app.config import get_settings
from app.db import get_engine
from tests.support.admin import csrf_in
from tests.support.ops import image_command, image_environment, logged_server, read_json_log

WORKERS = 3
PASSWORD = "deploy journey password 42"
MAX_TRIES = 300
PUBLIC = ("/api/countries/dk", "/countries/dk")  # served from each worker's page cache
PLEDGE = "Deployment journey pledge"


@pytest.fixture
def deploy_database() -> Iterator[str]:
    """A database of its own on the test PostgreSQL server (dropped afterwards)."""
    if not get_settings().sqlalchemy_url.startswith("postgresql"):
        pytest.skip("the multi-worker deployment runs on PostgreSQL: `make test-postgres`")
    name = f"ct_deploy_{secrets.token_hex(4)}"
    admin = get_engine().execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(get_settings().sqlalchemy_url).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def image_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The image's ENV, with what a compose file sets, on this machine's paths."""
    env = {k: v for k, v in image_environment().items() if k not in {"PATH", "DATA_DIR"}}
    return {**env, "DATABASE_URL": database_url, "DATA_DIR": str(data_dir),
            "WORKERS": str(WORKERS), "SECRET_KEY": secrets.token_urlsafe(32),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "PRERENDER_CARDS": "false"}


def create_curator(env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", "create-admin", "deployer"], input=PASSWORD + "\n",
        env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def until_every_worker(log: Path, ask: Callable[[str], None]) -> set[int]:
    """Call `ask(request_id)` on fresh connections until each worker has answered one."""
    answered: set[int] = set()
    for attempt in range(MAX_TRIES):
        request_id = f"journey-{secrets.token_hex(6)}-{attempt:04d}"
        ask(request_id)
        answered |= {e["pid"] for e in read_json_log(log) if e.get("request_id") == request_id}
        if len(answered) == WORKERS:
            break
    return answered


def every_worker_answers(log: Path, http: httpx.Client, path: str,
                         check: Callable[[httpx.Response], None]) -> None:
    """GET `path` on fresh connections until each worker has answered it; check every answer."""

    def ask(request_id: str) -> None:
        check(http.get(path, headers={"X-Request-ID": request_id}))

    assert len(until_every_worker(log, ask)) == WORKERS, path


def log_in(http: httpx.Client) -> str:
    token = csrf_in(http.get("/admin/login").text)
    form = {"username": "deployer", "password": PASSWORD, "csrf_token": token, "next": "/admin"}
    assert http.post("/admin/login", data=form).status_code == 303
    return csrf_in(http.get("/admin").text)


def commitment(csrf: str, summary: str) -> dict[str, str]:
    return {"csrf_token": csrf, "version": "1", "kind": "troops", "date": "2026-01-12",
            "date_precision": "day", "summary": summary, "source_id": "1",
            "quote": "security guarantees"}


def test_login_and_edit_through_several_workers(deploy_database: str, tmp_path: Path) -> None:
    env = image_env(deploy_database, tmp_path / "data")
    log = tmp_path / "server.log"
    fresh = httpx.Limits(max_keepalive_connections=0)  # every request on a new connection
    with logged_server(log, env=env, command=image_command(), ready_timeout=120) as server:
        create_curator(env)
        with httpx.Client(base_url=server.url, limits=fresh, timeout=30) as http:
            csrf = log_in(http)

            def session_and_csrf(request_id: str) -> None:
                headers = {"X-Request-ID": request_id}
                assert http.get("/admin", headers=headers).status_code == 200
                validate = http.post("/admin/countries/dk/commitments/validate",
                                     data=commitment(csrf, "draft"), headers=headers)
                assert validate.status_code == 200, validate.text

            assert len(until_every_worker(log, session_and_csrf)) == WORKERS
            # Every worker renders (and caches) the public pages before the edit.
            before = {path: http.get(path).headers["etag"] for path in PUBLIC}
            for path in PUBLIC:
                every_worker_answers(log, http, path, shows_revision(1))

            saved = http.post("/admin/countries/dk/commitments",
                              data=commitment(csrf, PLEDGE))
            assert saved.status_code == 303, saved.text

            for path in PUBLIC:
                every_worker_answers(log, http, path, shows_revision(2))
                stale = http.get(path, headers={"If-None-Match": before[path]})
                assert stale.status_code == 200 and stale.headers["etag"] != before[path]
    logged = log.read_text() + log.with_suffix(".stdout").read_text()
    assert PASSWORD not in logged and env["SECRET_KEY"] not in logged


def shows_revision(revision: int) -> Callable[[httpx.Response], None]:
    """A check that an answer shows the dataset at `revision` (2 adds the journey's pledge)."""

    def check(response: httpx.Response) -> None:
        assert response.status_code == 200
        assert (PLEDGE in response.text) is (revision == 2)
        if response.headers["content-type"].startswith("application/json"):
            assert response.json()["revision"] == revision
        else:
            assert f"Dataset revision {revision}," in response.text

    return check
