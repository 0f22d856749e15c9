"""Accounts, sessions, CSRF and login throttling, over real HTTP handling and the real database."""

import importlib
import os
import pkgutil
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import app.routes
from app.config import PROJECT_ROOT
from app.models import LoginAttempt, User
from app.security import COOKIE_NAME, SessionData, decode_session, encode_session, verify_password
from app.services.auth import AccountError, create_user
from tests.support.admin import PASSWORD, Curator, csrf_in, log_in
from tests.support.server import start_server


def login_post(client: TestClient, username: str, password: str) -> int:
    token = csrf_in(client.get("/admin/login").text)
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": token},
                       follow_redirects=False).status_code


def replace_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, value)


def test_passwords_are_stored_as_argon2_hashes(db: Session, curator_account: str) -> None:
    user = db.exec(select(User).where(User.username == curator_account)).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD + "x")


def test_short_password_and_duplicate_user_are_refused(db: Session, curator_account: str) -> None:
    with pytest.raises(AccountError, match="at least"):
        create_user(session=db, username="carol", password="short")
    with pytest.raises(AccountError, match="already exists"):
        create_user(session=db, username="ALICE", password=PASSWORD)


def test_anonymous_admin_page_redirects_to_login_with_next(client: TestClient) -> None:
    response = client.get("/admin/countries/fr?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=%2Fadmin%2Fcountries%2Ffr%3Fx%3D1"


def every_route() -> list[tuple[str, str]]:
    """(method, path) of every route the app's routers declare, path parameters filled in."""
    found = []
    for module_info in pkgutil.iter_modules(app.routes.__path__):
        module = importlib.import_module(f"app.routes.{module_info.name}")
        router = getattr(module, "router", None)
        for route in getattr(router, "routes", []):
            path = re.sub(r"\{code\}", "fr", re.sub(r"\{\w+_id\}", "1", route.path))
            found += [(method, path) for method in sorted(getattr(route, "methods", ()))]
    return found


LOGIN = {("GET", "/admin/login"), ("POST", "/admin/login")}
ADMIN_PAGES = [(m, p) for m, p in every_route()
               if m == "GET" and p.startswith("/admin") and (m, p) not in LOGIN]
# Readers suggest corrections without an account (CSRF, rate limit: tests/test_suggestions.py).
READERS = {("POST", "/countries/fr/suggest")}
WRITES = [(m, p) for m, p in every_route()
          if m not in {"GET", "HEAD"} and (m, p) not in LOGIN | READERS]


def test_the_route_lists_are_not_empty() -> None:
    assert len(ADMIN_PAGES) >= 5 and len(WRITES) >= 14


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_every_admin_page_sends_anonymous_visitors_to_log_in(client: TestClient, method: str,
                                                              path: str) -> None:
    response = client.request(method, path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login?next=")


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_refuses_an_anonymous_request(client: TestClient, method: str,
                                                  path: str) -> None:
    response = client.request(method, path, data={"version": "1", "reason": "x"},
                              headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "Log in" in response.json()["detail"]


def test_wrong_password_is_refused_and_recorded(client: TestClient, db: Session,
                                                curator_account: str) -> None:
    assert login_post(client, curator_account, "wrong password!") == 401
    assert login_post(client, "nobody", PASSWORD) == 401
    assert client.get("/admin", follow_redirects=False).status_code == 303
    attempts = db.exec(select(LoginAttempt)).all()
    assert [(a.username, a.succeeded) for a in attempts] == [("alice", False), ("nobody", False)]


def test_login_sets_a_hardened_session_cookie(client: TestClient, curator_account: str) -> None:
    token = csrf_in(client.get("/admin/login").text)
    response = client.post("/admin/login", data={"username": "alice", "password": PASSWORD,
                                                 "csrf_token": token, "next": "/admin/sources/new"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/sources/new"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    assert "secure" not in cookie  # plain HTTP here; HTTPS requests get Secure
    session = decode_session(client.cookies[COOKIE_NAME])
    assert session is not None and session.user_id is not None and session.csrf != token


def test_cookie_is_secure_over_https(curator_account: str, client: TestClient) -> None:
    https = TestClient(client.app, base_url="https://testserver")
    assert "secure" in https.get("/admin/login").headers["set-cookie"].lower()


def test_login_refuses_an_offsite_next(client: TestClient, curator_account: str) -> None:
    token = csrf_in(client.get("/admin/login").text)
    response = client.post("/admin/login", data={"username": "alice", "password": PASSWORD,
                                                 "csrf_token": token,
                                                 "next": "https://evil.example/admin"},
                           follow_redirects=False)
    assert response.headers["location"] == "/admin"


def test_login_form_needs_its_csrf_token(client: TestClient, curator_account: str) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_write_without_or_with_a_forged_csrf_token_is_403(curator: Curator) -> None:
    form = {"reason": "test", "version": "1"}
    missing = curator.client.post("/admin/commitments/1/retract", data=form)
    forged = curator.client.post("/admin/commitments/1/retract",
                                 data={**form, "csrf_token": curator.csrf[:-2] + "xx"})
    header = curator.client.post("/admin/commitments/1/retract", data=form,
                                 headers={"X-CSRF-Token": "forged"})
    assert [r.status_code for r in (missing, forged, header)] == [403, 403, 403]
    assert "CSRF" in missing.json()["detail"]


def test_htmx_writes_may_send_the_token_as_a_header(curator: Curator) -> None:
    response = curator.client.post("/admin/countries/fr/commitments/validate",
                                   data={"date": "2020-01-01"},
                                   headers={"X-CSRF-Token": curator.csrf, "HX-Request": "true"})
    assert response.status_code == 200 and "commitment-date-error" in response.text


def test_expired_session_is_refused(curator: Curator, client: TestClient) -> None:
    current = decode_session(client.cookies[COOKIE_NAME])
    assert current is not None
    old = SessionData(user_id=current.user_id, csrf=current.csrf,
                      issued_at=int(time.time()) - 9 * 3600)
    replace_cookie(client, encode_session(old))
    assert client.get("/admin", follow_redirects=False).status_code == 303
    write = client.post("/admin/commitments/1/retract",
                        data={"reason": "x", "version": "1", "csrf_token": current.csrf})
    assert write.status_code == 401


def test_a_browser_form_refused_for_an_ended_session_keeps_what_was_typed(
    curator: Curator, client: TestClient
) -> None:
    replace_cookie(client, "")
    typed = {"kind": "troops", "date": "2026-01-12", "summary": "Denmark <b>offers</b> troops",
             "quote": "a quote\nover two lines", "csrf_token": curator.csrf, "version": "1"}
    page = client.post("/admin/countries/dk/commitments", data=typed,
                       headers={"Accept": "text/html", "Referer": "http://t/admin/countries/dk"})
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert "Denmark &lt;b&gt;offers&lt;/b&gt; troops" in page.text
    assert "a quote\nover two lines" in page.text
    assert curator.csrf not in page.text
    assert "/admin/login?next=%2Fadmin%2Fcountries%2Fdk" in page.text
    api = client.post("/admin/countries/dk/commitments", data=typed)
    assert api.status_code == 401 and "Log in" in api.json()["detail"]


def test_forged_cookie_is_refused(client: TestClient, curator: Curator) -> None:
    replace_cookie(client, client.cookies[COOKIE_NAME][:-3] + "abc")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(curator: Curator) -> None:
    response = curator.client.post("/admin/logout", data={"csrf_token": curator.csrf},
                                   follow_redirects=False)
    assert response.status_code == 303
    assert curator.client.get("/admin", follow_redirects=False).status_code == 303


def test_a_cookie_copied_before_logout_is_refused_after_it(curator: Curator, client: TestClient,
                                                          db: Session) -> None:
    copied = client.cookies[COOKIE_NAME]
    with TestClient(client.app) as thief:
        replace_cookie(thief, copied)
        assert thief.get("/admin", follow_redirects=False).status_code == 200
        client.post("/admin/logout", data={"csrf_token": curator.csrf})
        assert thief.get("/admin", follow_redirects=False).status_code == 303
        write = thief.post("/admin/commitments/1/retract",
                           data={"reason": "x", "version": "1", "csrf_token": curator.csrf})
        assert write.status_code == 401
    assert db.exec(select(User)).one().sessions_valid_after is not None
    again = log_in(client, curator.username)  # a session issued after the logout is fine
    assert again.client.get("/admin", follow_redirects=False).status_code == 200


def test_admin_pages_are_never_cached(curator: Curator) -> None:
    response = curator.client.get("/admin/countries/fr")
    assert response.headers["cache-control"] == "no-store"


def test_failed_logins_are_throttled_per_account(client: TestClient, db: Session,
                                                 curator_account: str) -> None:
    for _ in range(5):
        assert login_post(client, "alice", "not the password") == 401
    assert login_post(client, "alice", PASSWORD) == 429  # even the right password, for now
    assert db.exec(select(User)).one().username == "alice"


def test_failed_logins_are_throttled_per_client_address(db: Session) -> None:
    from app.services.auth import log_in as service_log_in

    for number in range(20):
        result = service_log_in(session=db, username=f"guess{number}", password="x" * 12,
                                client="203.0.113.9")
        assert not result.throttled
    create_user(session=db, username="dave", password=PASSWORD)
    blocked = service_log_in(session=db, username="dave", password=PASSWORD,
                             client="203.0.113.9")
    elsewhere = service_log_in(session=db, username="dave", password=PASSWORD,
                               client="198.51.100.1")
    assert blocked.throttled and blocked.user is None
    assert elsewhere.user is not None and elsewhere.user.username == "dave"


def run_create_admin(username: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "create-admin", username], input=stdin, text=True,
        capture_output=True, cwd=PROJECT_ROOT, env=dict(os.environ), timeout=60, check=False,
    )


def test_create_admin_command_reads_the_password_from_stdin(client: TestClient) -> None:
    done = run_create_admin("erin", PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    log_in(client, "erin")
    assert "Signed in as <strong>erin</strong>" in client.get("/admin").text


def test_create_admin_refuses_a_short_password_and_a_duplicate(db: Session) -> None:
    short = run_create_admin("frank", "short\n")
    assert short.returncode == 1 and "at least" in short.stderr
    assert run_create_admin("frank", PASSWORD + "\n").returncode == 0
    again = run_create_admin("frank", PASSWORD + "\n")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_no_account_exists_until_one_is_created(db: Session) -> None:
    assert db.exec(select(User)).all() == []


def test_a_curator_is_not_locked_out_by_guesses_from_elsewhere(db: Session,
                                                                curator_account: str) -> None:
    from app.services.auth import log_in as service_log_in

    for _ in range(12):
        service_log_in(session=db, username="alice", password="a wrong guess", client="6.6.6.6")
    assert service_log_in(session=db, username="alice", password="another guess",
                          client="6.6.6.6").throttled
    mine = service_log_in(session=db, username="alice", password=PASSWORD, client="192.0.2.7")
    assert mine.user is not None and not mine.throttled


def test_throttling_slows_down_rather_than_locks(db: Session, curator_account: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import auth

    for _ in range(5):
        assert not auth.log_in(session=db, username="alice", password="wrong guess",
                               client="192.0.2.8").throttled
    assert auth.log_in(session=db, username="alice", password=PASSWORD,
                       client="192.0.2.8").throttled
    monkeypatch.setattr(auth, "SLOWDOWN_SECONDS", 0)  # as if the pause had passed
    assert auth.log_in(session=db, username="alice", password=PASSWORD,
                       client="192.0.2.8").user is not None


def test_simultaneous_guesses_cannot_race_the_throttle(db: Session) -> None:
    """10 guesses sent at the same moment against a limit of 5: at most 5 are checked."""
    create_user(session=db, username="erin", password=PASSWORD)
    start = threading.Barrier(10)
    server = start_server(env={"RATE_LIMIT_LOGINS_PER_MINUTE": "100000"})

    def guess(_number: int) -> int:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            token = csrf_in(http.get("/admin/login").text)
            start.wait()
            return http.post("/admin/login", data={"username": "erin", "password": "wrong guess!",
                                                   "csrf_token": token}).status_code

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(guess, range(10)))
    finally:
        server.stop()
    assert statuses.count(401) == 5 and statuses.count(429) == 5, statuses


@pytest.mark.parametrize("password", [" " * 14, "\t" * 12 + "  ", "password1234", "Password!!!!",
                                      "qwertyuiop123", "123456789012", "abcabcabcabc",
                                      "iloveyou2025!"])
def test_blank_and_common_passwords_are_refused(db: Session, password: str) -> None:
    with pytest.raises(AccountError):
        create_user(session=db, username="grace", password=password)


@pytest.mark.parametrize(("username", "existing"), [
    ("аlice", None),  # Cyrillic а
    ("alice\u200b", None),  # zero-width space
    ("al1ce", "alice"), ("rnallory", "mallory"), ("ALICE", "alice"),
])
def test_confusable_usernames_are_refused(db: Session, username: str, existing: str | None
                                          ) -> None:
    if existing:
        create_user(session=db, username=existing, password=PASSWORD)
    with pytest.raises(AccountError):
        create_user(session=db, username=username, password=PASSWORD)


def test_usernames_are_normalised(db: Session) -> None:
    assert create_user(session=db, username="Ｈｅｉｄｉ", password=PASSWORD).username == "heidi"


def test_a_curator_changes_their_password(curator: Curator, client: TestClient) -> None:
    other = TestClient(client.app)
    other_session = log_in(other, curator.username)
    page = curator.client.get("/admin/password")
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.text
    new = "a fresh and uncommon passphrase"
    refused = curator.client.post("/admin/password", data={
        "csrf_token": curator.csrf, "current_password": PASSWORD, "new_password": "password1234",
        "repeat_password": "password1234"})
    assert refused.status_code == 422 and "common" in refused.text
    wrong = curator.client.post("/admin/password", data={
        "csrf_token": curator.csrf, "current_password": "not it at all", "new_password": new,
        "repeat_password": new})
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    done = curator.client.post("/admin/password", data={
        "csrf_token": curator.csrf, "current_password": PASSWORD, "new_password": new,
        "repeat_password": new})
    assert done.status_code == 200 and "password is changed" in done.text
    assert curator.client.get("/admin", follow_redirects=False).status_code == 200
    assert other_session.client.get("/admin", follow_redirects=False).status_code == 303
    fresh = TestClient(client.app)
    assert login_post(fresh, curator.username, PASSWORD) == 401
    assert log_in(fresh, curator.username, new).client.get("/admin").status_code == 200
