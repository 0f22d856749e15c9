"""Curator accounts and logged-in clients for the admin tests."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.services.auth import create_user

PASSWORD = "correct horse battery staple"


@dataclass
class Curator:
    client: TestClient
    csrf: str
    username: str


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def field_error(html: str, form: str, field: str) -> str:
    """The message shown at one field of a form (empty when the field is valid)."""
    marker = f'id="{form}-{field}-error" aria-live="polite">'
    start = html.index(marker) + len(marker)
    return unescape(html[start:html.index("</span>", start)])


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Curator:
    token = csrf_in(client.get("/admin/login").text)
    response = client.post("/admin/login", data={"username": username, "password": password,
                                                 "csrf_token": token, "next": "/admin"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return Curator(client=client, csrf=csrf_in(client.get("/admin").text), username=username)


@pytest.fixture
def curator_account(db: Session) -> str:
    create_user(session=db, username="alice", password=PASSWORD)
    return "alice"


@pytest.fixture
def curator(client: TestClient, curator_account: str) -> Curator:
    return log_in(client, curator_account)


@pytest.fixture
def second_curator(client: TestClient, db: Session) -> Iterator[Curator]:
    """Another curator in their own browser (own cookies), on the same app and database."""
    create_user(session=db, username="bob", password=PASSWORD)
    with TestClient(client.app) as other:
        yield log_in(other, "bob")
