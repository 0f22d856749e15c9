"""The production front: Debian's nginx started with deploy/nginx.conf (only its port, the app's
address and the static folder changed) in front of the app started as the image starts it
(migrate, seed, serve with two workers), on SQLite and on PostgreSQL. Static files come from
nginx; public GET answers are micro-cached but a saved change shows through the front from the
next whole second on; admin pages, requests carrying a session cookie and POSTs are never
cached; the app sees the client's address through the rightmost-untrusted rule."""

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, text

from app.config import PROJECT_ROOT, get_settings
from app.db import get_engine
from app.web.static import static_url
from tests.support.admin import csrf_in
from tests.support.nginx import Nginx, running_nginx, start_front
from tests.support.ops import image_command, image_environment, logged_server, read_json_log

PASSWORD = "front journey password 42"
PLEDGE = "Front journey pledge"
CLIENT_ADDRESS = "127.0.0.2"  # the reader's machine: not a trusted proxy (127.0.0.1 is)


@pytest.fixture(scope="module")
def front_database(migrated: None) -> Iterator[str]:
    """DATABASE_URL for the app behind the front: a database of its own on the test PostgreSQL
    server (dropped afterwards), or empty for SQLite in the app's DATA_DIR."""
    if not get_settings().sqlalchemy_url.startswith("postgresql"):
        yield ""
        return
    name = f"ct_front_{secrets.token_hex(4)}"
    admin = get_engine().execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(get_settings().sqlalchemy_url).set(database=name).render_as_string(
        hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def app_env(front_database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {k: v for k, v in image_environment().items() if k not in {"PATH", "DATA_DIR"}}
    data = tmp_path_factory.mktemp("front") / "data"
    return {**env, "DATABASE_URL": front_database, "DATA_DIR": str(data),
            "WORKERS": "2", "SECRET_KEY": secrets.token_urlsafe(32), "TRUSTED_PROXIES": "127.0.0.1",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "PRERENDER_CARDS": "false"}


@pytest.fixture(scope="module")
def front(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Nginx, Path]]:
    """nginx in front of the app's workers (one start for the module: the tests only add
    data); yields it and the app's JSON log."""
    log = tmp_path_factory.mktemp("front-log") / "app.log"
    with logged_server(log, env=app_env, command=image_command(), ready_timeout=120) as app:
        config, port = start_front(upstream=app.url.removeprefix("http://"))
        with running_nginx(config, port=port) as nginx:
            yield nginx, log


def reader(nginx: Nginx) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS)
    return httpx.Client(base_url=nginx.url, transport=transport, timeout=30)


@pytest.fixture(scope="module")
def curator_name(app_env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", "create-admin", "fronted"], input=PASSWORD + "\n",
        env={**os.environ, **app_env}, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return "fronted"


def log_in(http: httpx.Client, username: str) -> str:
    token = csrf_in(http.get("/admin/login").text)
    form = {"username": username, "password": PASSWORD, "csrf_token": token, "next": "/admin"}
    assert http.post("/admin/login", data=form).status_code == 303
    return csrf_in(http.get("/admin").text)


def a_hit(http: httpx.Client, path: str) -> httpx.Response:
    """GET `path` until the front answers it from its cache (a second's entry may just expire)."""
    for _ in range(20):
        response = http.get(path)
        assert response.status_code == 200
        if response.headers.get("x-cache-status") == "HIT":
            return response
    raise AssertionError(f"{path} never came from the front's cache")


def test_static_files_are_served_by_nginx(front: tuple[Nginx, Path]) -> None:
    nginx, _ = front
    with reader(nginx) as http:
        hashed = http.get(static_url("css/app.css"), headers={"Accept-Encoding": "gzip"})
        plain = http.get("/static/js/copy.js")
    assert hashed.status_code == 200 and plain.status_code == 200
    assert hashed.content == (PROJECT_ROOT / "static" / "css" / "app.css").read_bytes()
    assert "immutable" in hashed.headers["cache-control"]
    assert hashed.headers.get("content-encoding") == "gzip"
    assert "immutable" not in plain.headers["cache-control"]
    # The app stamps every answer it sends with a request id: these never reached it.
    assert "x-request-id" not in hashed.headers and "x-request-id" not in plain.headers


def test_public_answers_are_micro_cached_with_the_apps_headers(
        front: tuple[Nginx, Path]) -> None:
    nginx, _ = front
    with reader(nginx) as http:
        for path in ("/", "/countries/fr", "/api/countries", "/countries/fr.json"):
            hit = a_hit(http, path)
            assert hit.headers["etag"] and hit.headers["content-security-policy"]
            assert hit.headers["cache-control"] == "no-cache"  # browsers still revalidate
        fragment = http.get("/?stance=troops", headers={"HX-Request": "true"})
        page = http.get("/?stance=troops")
    assert "<html" not in fragment.text and "<html" in page.text


def test_admin_and_session_requests_are_never_cached(
        front: tuple[Nginx, Path], curator_name: str) -> None:
    nginx, log = front
    with reader(nginx) as http:
        for _ in range(3):
            login = http.get("/admin/login")
            assert login.headers["x-cache-status"] == "BYPASS"
            assert "no-store" in login.headers["cache-control"]
        log_in(http, curator_name)
        assert http.cookies.get("ct_session")
        answers = [http.get("/countries/fr") for _ in range(5)] + [http.get("/admin")]
    assert {a.headers["x-cache-status"] for a in answers} == {"BYPASS"}
    assert "no-store" in answers[-1].headers["cache-control"]
    ids = {a.headers["x-request-id"] for a in answers}
    assert len(ids) == len(answers)  # each one answered by the app itself
    logged = {e.get("request_id") for e in read_json_log(log)}
    assert ids <= logged


def test_a_saved_change_shows_through_the_front_within_a_second(
        front: tuple[Nginx, Path], curator_name: str) -> None:
    nginx, _ = front
    with reader(nginx) as anonymous, reader(nginx) as curator:
        csrf = log_in(curator, curator_name)
        for path in ("/countries/dk", "/api/countries/dk"):
            assert PLEDGE not in a_hit(anonymous, path).text
        form = {"csrf_token": csrf, "version": "1", "kind": "troops", "date": "2026-01-12",
                "date_precision": "day", "summary": PLEDGE, "source_id": "1",
                "quote": "security guarantees"}
        saved = curator.post("/admin/countries/dk/commitments", data=form,
                             follow_redirects=False)
        assert saved.status_code == 303, saved.text
        assert saved.headers.get("x-cache-status") == "BYPASS"
        # An entry is only served in the whole second it was fetched in: from the next second
        # after the save (under a second away), every answer shows the change.
        next_second = int(time.time()) + 1
        time.sleep(max(0.0, next_second - time.time()) + 0.01)
        for path in ("/countries/dk", "/api/countries/dk"):
            assert PLEDGE in anonymous.get(path).text, path


def test_the_app_sees_the_readers_address_not_a_forged_one(front: tuple[Nginx, Path]) -> None:
    nginx, log = front
    request_id = f"front-{secrets.token_hex(6)}"
    with reader(nginx) as http:
        answer = http.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9",
                                               "X-Request-ID": request_id})
    assert answer.status_code == 200
    time.sleep(0.2)
    clients = [e["client"] for e in read_json_log(log) if e.get("request_id") == request_id
               and e.get("path") == "/healthz"]
    assert clients == [CLIENT_ADDRESS]
