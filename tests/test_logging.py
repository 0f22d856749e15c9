"""Structured logs: one JSON object a line, a request id per request (returned in X-Request-ID
and on every line written while serving it), and no secrets."""

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import get_settings
from app.db import get_engine
from app.web.logs import JsonFormatter
from app.web.requests import redacted_query
from tests.support.database import reset_and_seed
from tests.support.ops import logged_server, read_json_log

SECRETS = ["s3cr3t-cookie", "s3cr3t-bearer", "s3cr3t-password", "s3cr3t-csrf", "s3cr3t-token"]


def exercise(url: str) -> dict[str, httpx.Response]:
    with httpx.Client(base_url=url) as http:
        return {
            "chosen": http.get("/api/countries?as_of=2026-01-01&token=s3cr3t-token",
                               headers={"X-Request-ID": "client-chosen-id-0001",
                                        "Cookie": "ct_session=s3cr3t-cookie",
                                        "Authorization": "Bearer s3cr3t-bearer"}),
            "insane": http.get("/healthz", headers={"X-Request-ID": "no spaces\tallowed"}),
            "form": http.post("/admin/login", data={"username": "ed",
                                                    "password": "s3cr3t-password",
                                                    "csrf_token": "s3cr3t-csrf"}),
        }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, migrated: None
           ) -> tuple[dict[str, httpx.Response], list[dict[str, Any]], str]:
    reset_and_seed(get_engine(), get_settings().seed_dir)
    log = tmp_path_factory.mktemp("logs") / "server.log"
    with logged_server(log, env={"LOG_LEVEL": "INFO"}) as server:
        responses = exercise(server.url)
    return responses, read_json_log(log), log.read_text()


def access_entry(entries: list[dict[str, Any]], request_id: str) -> dict[str, Any]:
    found = [e for e in entries if e.get("logger") == "app.access"
             and e.get("request_id") == request_id]
    assert len(found) == 1, f"no single access line for {request_id}"
    return found[0]


def test_every_log_line_is_json_with_a_level_and_pid(served: Any) -> None:
    _responses, entries, _raw = served
    assert entries
    assert all({"ts", "level", "logger", "message", "pid"} <= entry.keys() for entry in entries)


def test_a_sane_incoming_request_id_is_kept_and_logged(served: Any) -> None:
    responses, entries, _raw = served
    assert responses["chosen"].headers["x-request-id"] == "client-chosen-id-0001"
    entry = access_entry(entries, "client-chosen-id-0001")
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/countries", 200)
    assert entry["query"] == "as_of=2026-01-01&token=%5Bredacted%5D"
    assert entry["duration_ms"] >= 0 and entry["bytes"] > 0


def test_a_malformed_request_id_is_replaced(served: Any) -> None:
    responses, entries, _raw = served
    request_id = responses["insane"].headers["x-request-id"]
    assert request_id != "no spaces\tallowed" and len(request_id) == 32
    assert access_entry(entries, request_id)["path"] == "/healthz"


def test_no_secret_reaches_the_log(served: Any) -> None:
    responses, entries, raw = served
    assert access_entry(entries, responses["form"].headers["x-request-id"])["method"] == "POST"
    leaked = [secret for secret in SECRETS if secret in raw]
    assert leaked == []


def test_query_values_with_secret_names_are_redacted() -> None:
    query = redacted_query(b"rev=3&password=x&api_key=y&csrf_token=z&q=paris")
    assert query == "rev=3&password=%5Bredacted%5D&api_key=%5Bredacted%5D" \
                    "&csrf_token=%5Bredacted%5D&q=paris"


def test_an_unhandled_error_is_a_500_logged_with_its_request_id(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "boom-request-0001"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "boom-request-0001"
    assert "X-Request-ID" in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"
    formatted = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    error = next(e for e in formatted if e["logger"] == "app.error")
    assert error["request_id"] == "boom-request-0001"
    assert "kaboom" in error["exc"]
    access = next(e for e in formatted if e["logger"] == "app.access")
    assert access["status"] == 500 and access["request_id"] == "boom-request-0001"
