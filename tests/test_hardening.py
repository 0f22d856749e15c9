"""Security headers, HSTS behind a trusted proxy, body-size and rate limits, compression and
conditional requests, all through the real middleware stack."""

import gzip
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.web.limits import FixedWindowCounter, bucket_for
from tests.support.ops import logged_server, publish_change

ClientFactory = Callable[..., TestClient]
PATHS = ["/", "/countries/fr", "/admin/login", "/api/countries", "/api/countries/zz", "/healthz",
         "/static/css/app.css", "/nowhere"]


def directives(csp: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
            for part in csp.split(";") if part.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = directives(response.headers["content-security-policy"])
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-inline" not in csp["default-src"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers


def test_embed_pages_may_be_framed_by_any_site(client: TestClient) -> None:
    response = client.get("/embed/map")
    assert directives(response.headers["content-security-policy"])["frame-ancestors"] == "*"
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hsts_only_over_https(make_client: ClientFactory) -> None:
    secure = make_client(base_url="https://testserver").get("/healthz")
    assert secure.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in make_client().get("/healthz").headers


@pytest.mark.parametrize(("trusted", "expect_hsts"), [("127.0.0.1", True), ("10.9.9.9", False)])
def test_hsts_follows_x_forwarded_proto_only_from_a_trusted_proxy(
    tmp_path: Path, migrated: None, trusted: str, expect_hsts: bool
) -> None:
    with logged_server(tmp_path / "log", env={"TRUSTED_PROXIES": trusted}) as server:
        response = httpx.get(server.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert ("strict-transport-security" in response.headers) is expect_hsts


def echo_app(app: FastAPI) -> FastAPI:
    """The real app plus a route that reads its whole body (as a form post would)."""

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @app.post("/echo/login")
    async def login() -> dict[str, str]:
        return {"login": "ok"}

    return app


def test_declared_body_over_the_limit_is_refused_with_413(make_app: Callable[..., FastAPI]) -> None:
    client = TestClient(echo_app(make_app(max_body_bytes="2048")))
    assert client.post("/echo", content=b"x" * 2048).json() == {"received": 2048}
    response = client.post("/echo", content=b"x" * 2049)
    assert response.status_code == 413
    assert response.json()["detail"] == "Request body too large: the limit is 2048 bytes."


def test_streamed_body_over_the_limit_is_stopped_with_413(make_app: Callable[..., FastAPI]) -> None:
    client = TestClient(echo_app(make_app(max_body_bytes="2048")))

    def chunks(count: int) -> object:
        yield from (b"y" * 1000 for _ in range(count))

    assert client.post("/echo", content=chunks(2)).json() == {"received": 2000}  # type: ignore[arg-type]
    response = client.post("/echo", content=chunks(5))  # type: ignore[arg-type]
    assert response.status_code == 413
    assert "2048 bytes" in response.json()["detail"]


def test_writes_beyond_the_rate_limit_get_429_with_retry_after(
    make_app: Callable[..., FastAPI],
) -> None:
    client = TestClient(echo_app(make_app(rate_limit_writes_per_minute="3")))
    assert [client.post("/echo").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.post("/echo")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "at most 3 a minute" in refused.json()["detail"]
    assert client.get("/api/sources").status_code == 200, "reads are not limited"


def test_logins_have_their_own_stricter_limit(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_logins_per_minute="2", rate_limit_writes_per_minute="50")
    client = TestClient(echo_app(app))
    assert [client.post("/echo/login").status_code for _ in range(3)] == [200, 200, 429]
    assert client.post("/echo").status_code == 200


@pytest.mark.parametrize(("method", "path", "bucket"), [
    ("POST", "/admin/login", "login"), ("POST", "/admin/login/", "login"),
    ("POST", "/admin/countries", "write"), ("DELETE", "/admin/x", "write"),
    ("PUT", "/a", "write"), ("PATCH", "/a", "write"), ("GET", "/admin/login", None),
    ("POST", "/admin/countries/fr/validate", None),
])
def test_which_requests_are_rate_limited(method: str, path: str, bucket: str | None) -> None:
    assert bucket_for(method, path) == bucket


def test_rate_limit_counts_each_address_and_forgets_old_windows() -> None:
    now = [1000.0]
    counter = FixedWindowCounter(2, clock=lambda: now[0])
    assert [counter.retry_after("a"), counter.retry_after("a")] == [None, None]
    now[0] += 15
    assert counter.retry_after("a") == 45
    assert counter.retry_after("b") is None
    now[0] += 45
    assert counter.retry_after("a") is None


def test_json_and_html_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    for path in ("/api/countries", "/docs", "/openapi.json"):
        zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        assert zipped.headers["content-encoding"] == "gzip", path
        assert "content-encoding" not in plain.headers, path
        assert zipped.content == plain.content
        assert int(zipped.headers["content-length"]) < len(plain.content)


@pytest.mark.parametrize("path", ["/", "/countries/fr", "/sources", "/api/countries",
                                  "/api/countries/fr", "/docs"])
def test_unchanged_answers_are_304_with_no_body(client: TestClient, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("path", ["/countries/fr", "/api/countries/fr"])
def test_a_saved_change_invalidates_the_etag(client: TestClient, db: Session, path: str) -> None:
    before = client.get(path)
    assert client.get(path, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
    publish_change(db, country_code="FR", summary="A new logistics pledge")
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "A new logistics pledge" in after.text


def test_gzip_body_decompresses_to_the_page(client: TestClient) -> None:
    raw = client.get("/api/countries", headers={"Accept-Encoding": "gzip"})
    with client.stream("GET", "/api/countries", headers={"Accept-Encoding": "gzip"}) as stream:
        compressed = b"".join(stream.iter_raw())
    assert gzip.decompress(compressed) == raw.content


@pytest.mark.parametrize("path", ["/", "/countries/fr", "/api/countries", "/healthz"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200 == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")
