"""Hostile input and small races (issue 9): numbers nobody expected, NUL bytes, formulas in CSV,
markup in names reaching Plotly, two curators adding one country, file modes, forwarded
addresses, and no `server` header."""

import csv
import io
import json
import stat
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import get_engine
from app.models import Country, User
from app.services.backup import backup_database
from app.services.dataset import dataset_at
from app.services.editing.common import ValidationFailed
from app.services.editing.countries import add_country
from app.services.mapdata import figure, map_data
from app.web.forwarded import ForwardedMiddleware
from tests.support.admin import Curator
from tests.support.ops import logged_server, read_json_log

HUGE = str(2**63)
HOSTILE_NUMBERS = [HUGE, "²", "①", "٣", "9" * 5000, "-1", "0", "1e3"]


@pytest.mark.parametrize("rev", HOSTILE_NUMBERS)
@pytest.mark.parametrize("path", ["/", "/index.json", "/countries/fr", "/api/countries",
                                  "/api/countries/fr", "/api/sources", "/sources", "/about.json",
                                  "/changes.json", "/revisions.json", "/data"])
def test_hostile_revision_numbers_get_a_clear_4xx(client: TestClient, path: str, rev: str
                                                  ) -> None:
    response = client.get(path, params={"rev": rev})
    assert response.status_code < 500
    if path in ("/", "/index.json", "/api/countries", "/api/sources", "/changes.json"):
        assert response.status_code in (404, 422)


@pytest.mark.parametrize("query", ["to=0001-01-01", "from=0001-01-01&to=0001-01-01",
                                   "to=9999-12-31", "from=9999-12-31"])
def test_extreme_dates_in_changes_answer_without_error(client: TestClient, query: str) -> None:
    for path in ("/changes", "/changes.json"):
        assert client.get(f"{path}?{query}").status_code in (200, 422)


@pytest.mark.parametrize("path", [f"/admin/commitments/{HUGE}", "/admin/commitments/²",
                                  "/admin/sources/①", f"/admin/sources/{HUGE}"])
def test_hostile_ids_in_admin_addresses_get_4xx(curator: Curator, path: str) -> None:
    assert curator.client.get(path).status_code in (404, 422)
    posted = curator.client.post(path, data={"csrf_token": curator.csrf, "version": "1",
                                             "title": "x"}, follow_redirects=False)
    assert posted.status_code in (404, 405, 422)


@pytest.mark.parametrize("field", ["version", "source_id"])
@pytest.mark.parametrize("value", [HUGE, "²", "①", "9" * 5000])
def test_hostile_numbers_in_admin_forms_get_4xx(curator: Curator, field: str, value: str) -> None:
    form = {"csrf_token": curator.csrf, "version": "1", "kind": "troops",
            "date": "2025-09-04", "summary": "x", "source_id": "1", "quote": "x", field: value}
    response = curator.client.post("/admin/countries/fr/commitments", data=form,
                                   follow_redirects=False)
    assert response.status_code in (409, 422)


def test_nul_bytes_in_forms_are_refused_keeping_the_rest(curator: Curator) -> None:
    response = curator.client.post("/admin/sources", data={
        "csrf_token": curator.csrf, "title": "Bad\x00title", "outlet": "Kept outlet"},
        headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "NUL" in response.text and "Kept outlet" in response.text


def test_nul_byte_in_the_login_username_is_a_4xx(client: TestClient) -> None:
    page = client.get("/admin/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/admin/login", data={"username": "al\x00ice", "password": "x" * 12,
                                                 "csrf_token": token})
    assert 400 <= response.status_code < 500


def test_two_curators_adding_one_country_at_once(curator: Curator, db: Session) -> None:
    """The loser of the race is told the country is already listed (no 500)."""
    user = db.exec(select(User)).first()
    assert user is not None
    values = {"code": "IS", "name": "Iceland", "role": "member", "in_europe": "on"}
    with Session(get_engine()) as first:
        first.add(Country(code="IS", name="Iceland"))
        first.flush()  # holds the new row (and, on SQLite, the write lock) uncommitted
        outcome: list[object] = []

        def second() -> None:
            with Session(get_engine()) as other:
                try:
                    outcome.append(add_country(session=other, user=user, values=values))
                except ValidationFailed as failed:
                    outcome.append(failed.errors)

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        first.commit()
        thread.join(timeout=30)
    assert outcome == [{"code": "This country is already listed."}]


def test_formula_cells_in_csv_are_neutralised(curator: Curator) -> None:
    for title in ("=HYPERLINK(\"http://evil.example\")", "+1+2", "-3", "@SUM(A1)"):
        curator.client.post("/admin/sources", data={"csrf_token": curator.csrf, "title": title})
    rows = list(csv.DictReader(io.StringIO(curator.client.get("/sources.csv").text)))
    titles = {row["title"] for row in rows}
    assert {"'=HYPERLINK(\"http://evil.example\")", "'+1+2", "'-3", "'@SUM(A1)"} <= titles
    assert "apostrophe" in curator.client.get("/data").text


def test_names_reach_plotly_escaped(curator: Curator, db: Session) -> None:
    name = "<a href='https://evil.example'>Evil</a> & co"
    edit = {"csrf_token": curator.csrf, "version": "1", "name": name, "role": "member",
            "in_europe": "on"}
    assert curator.client.post("/admin/countries/fr", data=edit,
                                follow_redirects=False).status_code == 303
    dataset = dataset_at(session=db)
    assert dataset is not None
    texts = json.dumps(figure(data=map_data(dataset=dataset, as_of=date.today())))
    assert "<a href" not in texts and "&lt;a href='https://evil.example'&gt;Evil&lt;/a&gt;" \
        " &amp; co" in texts


def test_database_and_backups_are_private(db: Session, tmp_path: Path) -> None:
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        assert engine.url.database is not None
        assert stat.S_IMODE(Path(engine.url.database).stat().st_mode) == 0o600
    target = backup_database(engine=engine, path=tmp_path / "backup.db",
                             pg_bin=None if engine.dialect.name == "sqlite" else
                             Path(__import__("os").environ.get("PG_BIN", "/usr/bin")))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_forwarded_for_takes_the_rightmost_untrusted_address() -> None:
    middleware = ForwardedMiddleware(lambda *_: None, trusted="127.0.0.1,10.0.0.0/8")  # type: ignore[arg-type]
    for spoof in ("1.2.3.4", "5.6.7.8, 9.9.9.9", "127.0.0.1"):
        assert middleware.client_host("127.0.0.1", f"{spoof}, 203.0.113.5") == "203.0.113.5"
        assert middleware.client_host("127.0.0.1", f"{spoof}, 203.0.113.5, 10.1.1.1") \
            == "203.0.113.5"
    assert middleware.client_host("127.0.0.1", "127.0.0.1") == "127.0.0.1"
    assert middleware.client_host("127.0.0.1", "6.6.6.6, 127.0.0.1") == "6.6.6.6"


def test_a_client_cannot_choose_its_address_by_rotating_forwarded_for(
    tmp_path: Path, migrated: None
) -> None:
    log = tmp_path / "log"
    with logged_server(log, env={"TRUSTED_PROXIES": "127.0.0.1"}) as server:
        for number in range(3):
            response = httpx.get(server.url + "/healthz", headers={
                "X-Forwarded-For": f"198.51.100.{number}, 203.0.113.5",
                "X-Request-ID": f"rotating-forwarded-{number}"})
            assert "server" not in response.headers
    lines = {line.get("request_id"): line for line in read_json_log(log)
             if line.get("logger") == "app.access"}
    clients = {json.dumps(lines[f"rotating-forwarded-{n}"]).count('"203.0.113.5"')
               for n in range(3)}
    assert clients == {1}
