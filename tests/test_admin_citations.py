"""A commitment's citations from its admin page: add one (existing or new source), correct one,
remove one (with a reason, never the last). Each save checks CSRF and the country's version,
publishes one revision with its audit record, and the public pages show it at once."""

import json
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.models import AuditEvent, Country, Revision, Source
from app.services import hooks
from app.services.validation import message
from tests.support.admin import Curator, field_error

STORED_TEXT = "The minister said: \u201cwe will send engineers to help rebuild bridges\u201d."
HX = {"HX-Request": "true"}


def hungary(curator: Curator) -> dict[str, Any]:
    """Hungary's one commitment in the seed (two citations)."""
    return dict(curator.client.get("/api/countries/hu").json()["commitments"][0])


def url(commitment: dict[str, Any], suffix: str = "") -> str:
    return f"/admin/commitments/{commitment['id']}/citations{suffix}"


def post(curator: Curator, path: str, **fields: str) -> Any:
    data = {"csrf_token": curator.csrf, "version": "1", **fields}
    return curator.client.post(path, data=data, follow_redirects=False)


def stored_source(db: Session) -> int:
    source = Source(title="Stored", text=STORED_TEXT)
    db.add(source)
    db.commit()
    return source.id or 0


def last_event(db: Session) -> AuditEvent:
    db.expire_all()
    return db.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()  # type: ignore[return-value]


def revisions(db: Session) -> int:
    return len(db.exec(select(Revision)).all())


def test_add_a_citation_of_an_existing_source(curator: Curator, db: Session) -> None:
    published: list[int] = []
    hooks.on_published(published.append)
    commitment = hungary(curator)
    public_before = curator.client.get("/countries/hu").text
    response = post(curator, url(commitment), source_id=str(stored_source(db)),
                    quote="we will send  engineers", speaker="The minister")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/admin/commitments/{commitment['id']}?saved=")
    citations = hungary(curator)["citations"]
    assert len(citations) == len(commitment["citations"]) + 1
    assert (citations[-1]["quote"], citations[-1]["speaker"]) == ("we will send  engineers",
                                                                  "The minister")
    event = last_event(db)
    assert (event.action, event.entity, event.country_code) == ("citation.add", "commitment", "HU")
    assert len(json.loads(event.after or "{}")["citations"]) == len(citations)
    assert len(json.loads(event.before or "{}")["citations"]) == len(commitment["citations"])
    assert event.revision_id == revisions(db) == 2 == published[-1]
    assert db.get(Country, "HU").version == 2  # type: ignore[union-attr]
    assert "we will send  engineers" not in public_before
    assert "we will send  engineers" in curator.client.get("/countries/hu").text


def test_add_a_citation_with_a_new_source(curator: Curator, db: Session) -> None:
    response = post(curator, url(hungary(curator)), source_id="new",
                    new_source_title="Budapest briefing", new_source_text=STORED_TEXT,
                    quote="help rebuild bridges")
    assert response.status_code == 303
    db.expire_all()
    trail = db.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(2)).all()
    assert [e.action for e in trail] == ["citation.add", "source.add"]
    assert trail[0].revision_id == trail[1].revision_id == revisions(db)
    cited = hungary(curator)["citations"][-1]
    assert cited["source"]["title"] == "Budapest briefing"


def test_a_quote_missing_from_the_stored_text_is_refused_with_the_input_kept(
    curator: Curator, db: Session
) -> None:
    commitment = hungary(curator)
    source_id = str(stored_source(db))
    typed = {"source_id": source_id, "quote": "we will send tanks", "speaker": "Typed speaker"}
    refused = post(curator, url(commitment), **typed)
    assert refused.status_code == 422
    assert field_error(refused.text, "add_citation", "quote") == message("quote_missing")
    assert ">we will send tanks</textarea>" in refused.text
    assert 'value="Typed speaker"' in refused.text
    citation_id = commitment["citations"][0]["id"]
    wrong = post(curator, url(commitment, f"/{citation_id}"), **typed, reason="Typed reason")
    assert wrong.status_code == 422
    assert field_error(wrong.text, f"citation-{citation_id}", "quote") == message("quote_missing")
    assert ">Typed reason</textarea>" in wrong.text
    assert revisions(db) == 1 and hungary(curator)["citations"] == commitment["citations"]


@pytest.mark.parametrize(("suffix", "form"), [("/validate", "add_citation"),
                                              ("/{citation}/validate", "citation-{citation}")])
def test_citation_forms_validate_inline(curator: Curator, db: Session, suffix: str,
                                        form: str) -> None:
    commitment = hungary(curator)
    citation = str(commitment["citations"][0]["id"])
    response = curator.client.post(
        url(commitment, suffix.format(citation=citation)),
        data={"source_id": str(stored_source(db)), "quote": "not in the text"},
        headers={**HX, "X-CSRF-Token": curator.csrf})
    assert response.status_code == 200 and "<html" not in response.text
    assert field_error(response.text, form.format(citation=citation),
                       "quote") == message("quote_missing")
    html = curator.client.get(f"/admin/commitments/{commitment['id']}").text
    assert f'hx-post="{url(commitment, suffix.format(citation=citation))}"' in html
    form_html = html[html.index(f'id="{form.format(citation=citation)}-form"'):]
    assert '<option value="2"' in form_html.split("</form>")[0]  # existing sources listed


def test_correct_a_citation(curator: Curator, db: Session) -> None:
    commitment = hungary(curator)
    wrong = commitment["citations"][0]
    response = post(curator, url(commitment, f"/{wrong['id']}"), source_id="2",
                    quote="A corrected quote", speaker="", reason="Misattributed")
    assert response.status_code == 303
    fixed = next(c for c in hungary(curator)["citations"] if c["id"] == wrong["id"])
    assert (fixed["quote"], fixed["speaker"], fixed["source"]["id"]) == ("A corrected quote",
                                                                         None, 2)
    event = last_event(db)
    assert (event.action, event.reason) == ("citation.correct", "Misattributed")
    assert json.loads(event.before or "{}")["citations"][0]["quote"] == wrong["quote"]
    assert json.loads(event.after or "{}")["citations"][0]["quote"] == "A corrected quote"
    assert revisions(db) == 2
    public = curator.client.get("/countries/hu").text
    assert "A corrected quote" in public


def test_remove_needs_a_reason_and_never_the_last_citation(curator: Curator, db: Session) -> None:
    commitment = hungary(curator)
    first, second = (c["id"] for c in commitment["citations"])
    no_reason = post(curator, url(commitment, f"/{first}/remove"), reason=" ")
    assert no_reason.status_code == 422
    assert field_error(no_reason.text, f"removal-{first}", "reason") == message("required")
    removed = post(curator, url(commitment, f"/{first}/remove"), reason="Not about Hungary")
    assert removed.status_code == 303
    assert [c["id"] for c in hungary(curator)["citations"]] == [second]
    event = last_event(db)
    assert (event.action, event.reason) == ("citation.remove", "Not about Hungary")
    assert len(json.loads(event.after or "{}")["citations"]) == 1
    last = post(curator, url(commitment, f"/{second}/remove"), version="2", reason="Also wrong")
    assert last.status_code == 422
    assert field_error(last.text, f"removal-{second}", "citation") == message("last_citation")
    assert ">Also wrong</textarea>" in last.text
    assert [c["id"] for c in hungary(curator)["citations"]] == [second]
    assert revisions(db) == 2


def test_a_stale_citation_save_gets_the_conflict_page(curator: Curator,
                                                      second_curator: Curator) -> None:
    commitment = hungary(curator)
    first, second = (c["id"] for c in commitment["citations"])
    assert post(curator, url(commitment, f"/{first}/remove"),
                reason="Alice removes it").status_code == 303
    stale = post(second_curator, url(commitment, f"/{second}"), source_id="1",
                 quote="Bob's corrected quote", reason="Bob's reason")
    assert stale.status_code == 409
    assert "removed a citation" in stale.text and "Alice removes it" in stale.text
    assert "Bob&#39;s corrected quote</textarea>" in stale.text
    assert 'name="version" value="2"' in stale.text
    assert [c["quote"] for c in hungary(curator)["citations"]] == [
        commitment["citations"][1]["quote"]]


def test_citation_writes_check_csrf_and_ownership(curator: Curator) -> None:
    commitment = hungary(curator)
    citation = commitment["citations"][0]["id"]
    forged = curator.client.post(url(commitment), data={"version": "1", "source_id": "1",
                                                        "quote": "q", "csrf_token": "forged"})
    assert forged.status_code == 403
    other = curator.client.get("/api/countries/fr").json()["commitments"][0]
    assert post(curator, url(other, f"/{citation}"), source_id="1",
                quote="q").status_code == 404
    assert post(curator, url(other, f"/{citation}/remove"), reason="x").status_code == 404
    assert len(hungary(curator)["citations"]) == len(commitment["citations"])
