"""Readers suggest corrections from a country page (no account, CSRF, rate limit, size limit,
honeypot, plain text, never published); curators accept them into a correction or a new
commitment, or decline them with a reason; both audited, and /changes says so."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, Suggestion, SuggestionStatus
from app.services.suggestions import MAX_PER_CLIENT
from tests.support.admin import Curator, csrf_in
from tests.support.forms import form_fields

SECRET = "Reader's words <script>alert(1)</script> about France"


@pytest.fixture
def reader(client: TestClient) -> Iterator[TestClient]:
    """A reader's browser: no account, its own cookies."""
    with TestClient(client.app) as other:
        yield other


def suggest(reader: TestClient, code: str = "fr", **fields: str) -> object:
    token = csrf_in(reader.get(f"/countries/{code}/suggest").text)
    data = {"csrf_token": token, "what": SECRET, **fields}
    return reader.post(f"/countries/{code}/suggest", data=data, follow_redirects=False)


def stored(db: Session) -> list[Suggestion]:
    db.expire_all()
    return list(db.exec(select(Suggestion).order_by(col(Suggestion.id))))


def test_a_reader_suggests_a_correction_that_is_never_published(
    reader: TestClient, db: Session
) -> None:
    assert 'href="/countries/fr/suggest"' in reader.get("/countries/fr").text
    sent = suggest(reader, source_url="https://example.org/news", quote="They said so",
                   contact="reader@example.org")
    assert sent.status_code == 303  # type: ignore[attr-defined]
    thanks = reader.get(sent.headers["location"])  # type: ignore[attr-defined]
    assert "your suggestion was received" in thanks.text
    [row] = stored(db)
    assert (row.country_code, row.what, row.status) == ("FR", SECRET, "open")
    assert row.client != "testclient"  # the address is kept hashed
    for page in ("/countries/fr", "/changes", "/api/countries/fr", "/changes.json"):
        assert "Reader&#39;s words" not in reader.get(page).text
        assert "Reader's words" not in reader.get(page).text


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"what": ""}, "what", "Say what is wrong"),
    ({"what": "x" * 2001}, "what", "At most 2000"),
    ({"source_url": "javascript:alert(1)"}, "source_url", "http"),
    ({"contact": "not an address"}, "contact", "e-mail"),
])
def test_bad_suggestions_are_refused_with_everything_kept(
    reader: TestClient, db: Session, fields: dict[str, str], field: str, text: str
) -> None:
    response = suggest(reader, quote="kept quote", **fields)
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    assert text in page and f'href="#suggest-{field}"' in page and "kept quote</textarea>" in page
    assert stored(db) == []


def test_honeypot_csrf_and_rate_limit(reader: TestClient, db: Session) -> None:
    assert suggest(reader, website="http://spam").status_code == 303  # type: ignore[attr-defined]
    assert stored(db) == []  # the bot is thanked, nothing is kept
    no_token = reader.post("/countries/fr/suggest", data={"what": "x"})
    assert no_token.status_code == 403 and stored(db) == []
    for _ in range(MAX_PER_CLIENT):
        assert suggest(reader).status_code == 303  # type: ignore[attr-defined]
    limited = suggest(reader)
    assert limited.status_code == 429  # type: ignore[attr-defined]
    assert len(stored(db)) == MAX_PER_CLIENT
    assert reader.get("/countries/zz/suggest").status_code == 404


def test_curator_declines_with_a_reason(curator: Curator, reader: TestClient,
                                        db: Session) -> None:
    suggest(reader)
    [row] = stored(db)
    assert "(1 open)" in curator.client.get("/admin").text
    queue = curator.client.get("/admin/suggestions").text
    assert f'href="/admin/suggestions/{row.id}"' in queue
    page = curator.client.get(f"/admin/suggestions/{row.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    url = f"/admin/suggestions/{row.id}/decline"
    refused = curator.client.post(url, data={"csrf_token": curator.csrf, "reason": ""})
    assert refused.status_code == 422 and stored(db)[0].status == "open"
    done = curator.client.post(url, data={"csrf_token": curator.csrf, "reason": "No source"},
                               follow_redirects=False)
    assert done.status_code == 303 and "saved=" in done.headers["location"]
    assert stored(db)[0].status == SuggestionStatus.declined
    assert "(0 open)" in curator.client.get("/admin").text
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "suggestion.decline")).one()
    assert event.reason == "No source" and SECRET not in (event.after or "")
    assert "declined a reader&#39;s suggested correction" in curator.client.get("/changes").text


def test_curator_accepts_as_a_correction(curator: Curator, reader: TestClient,
                                         db: Session) -> None:
    suggest(reader)
    [row] = stored(db)
    commitment = curator.client.get("/api/countries/fr").json()["commitments"][0]
    page = curator.client.get(f"/admin/commitments/{commitment['id']}?suggestion={row.id}")
    form = form_fields(page.text, "correction-form")
    assert form["suggestion_id"] == str(row.id)
    assert form["reason"].startswith(f"Suggested by a reader (suggestion {row.id})")
    saved = curator.client.post(f"/admin/commitments/{commitment['id']}",
                                data={**form, "summary": "Corrected after a reader",
                                      "reason": form["reason"] + "the summary overstated it"},
                                follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert stored(db)[0].status == SuggestionStatus.accepted
    changes = curator.client.get("/changes").text
    assert "accepted a reader&#39;s suggested correction" in changes
    assert "Suggested by a reader" in changes
    again = curator.client.get(f"/admin/commitments/{commitment['id']}?suggestion={row.id}")
    assert 'name="suggestion_id"' not in again.text  # accepted once only


def test_curator_accepts_as_a_new_commitment(curator: Curator, reader: TestClient,
                                             db: Session) -> None:
    suggest(reader, "dk", source_url="https://example.org/dk", quote="Denmark will help")
    [row] = stored(db)
    page = curator.client.get(f"/admin/countries/dk?suggestion={row.id}").text
    form = form_fields(page, "commitment-form")
    assert (form["source_id"], form["new_source_url"], form["quote"]) == (
        "new", "https://example.org/dk", "Denmark will help")
    assert form["suggestion_id"] == str(row.id) and form["date"] == ""
