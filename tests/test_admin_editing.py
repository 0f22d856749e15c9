"""Curators' edits through the admin forms: each save publishes one revision, writes its audit
record, bumps the version, and the public pages and API show it on the next request."""

import json
import re
from typing import Any

from sqlmodel import Session, col, select

from app.models import AuditEvent, Country, Revision, Source
from app.services import hooks
from tests.support.admin import Curator

NEW_SOURCE_TEXT = ("Denmark's prime minister said on Monday that Danish soldiers "
                   "would help train Ukrainian forces after a ceasefire.")


def commitment_form(curator: Curator, **fields: str) -> dict[str, str]:
    return {"csrf_token": curator.csrf, "version": "1", "kind": "logistics",
            "date": "2026-01-10", "date_precision": "day", "summary": "Will train troops",
            "source_id": "1", "quote": "Danish soldiers would help train", **fields}


def events(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).order_by(col(AuditEvent.id))))


def stance(curator: Curator, code: str) -> str:
    return str(curator.client.get(f"/api/countries/{code}").json()["stance"])


def test_add_commitment_with_a_new_source(curator: Curator, db: Session) -> None:
    published: list[int] = []
    hooks.on_published(published.append)
    form = commitment_form(curator, source_id="new", new_source_title="Denmark joins",
                           new_source_outlet="Example News", new_source_text=NEW_SOURCE_TEXT,
                           new_source_published="2026-01-10", speaker="Prime minister")
    response = curator.client.post("/admin/countries/dk/commitments", data=form,
                                   follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/countries/dk?saved=2"
    assert stance(curator, "dk") == "logistics"
    citation = curator.client.get("/api/countries/dk").json()["commitments"][0]["citations"][0]
    assert citation["source"]["title"] == "Denmark joins"
    assert citation["speaker"] == "Prime minister"
    trail = events(db)[-2:]
    assert [(e.action, e.country_code, e.actor_role) for e in trail] == [
        ("source.add", None, "curator"), ("commitment.add", "DK", "curator")]
    assert trail[0].revision_id == trail[1].revision_id == 2 == published[-1]
    assert json.loads(trail[0].after or "{}")["text_length"] == len(NEW_SOURCE_TEXT)
    assert db.get(Country, "DK").version == 2  # type: ignore[union-attr]
    assert len(db.exec(select(Revision)).all()) == 2


def test_add_commitment_citing_an_existing_source(curator: Curator, db: Session) -> None:
    response = curator.client.post("/admin/countries/dk/commitments",
                                   data=commitment_form(curator, kind="troops"))
    assert response.status_code == 200  # followed the redirect to the country's admin page
    assert stance(curator, "dk") == "troops"
    event = events(db)[-1]
    after = json.loads(event.after or "{}")
    assert event.before is None and after["kind"] == "troops"
    assert after["citations"][0]["quote"] == "Danish soldiers would help train"
    assert event.user_id is not None


def dashboard_badge(curator: Curator, code: str) -> str:
    """The stance badge in the dashboard table's row of a country."""
    html = curator.client.get("/").text
    row = html[html.index(f'<tr data-code="{code}">'):].split("</tr>")[0]
    found = re.search(r'class="badge badge-(\w+)"', row)
    assert found, row
    return found.group(1)


def test_the_public_pages_show_a_saved_change_on_the_next_request(curator: Curator) -> None:
    assert dashboard_badge(curator, "DK") == "undeclared"
    before = curator.client.get("/countries/dk").text
    curator.client.post("/admin/countries/dk/commitments",
                        data=commitment_form(curator, summary="Sends trainers to Ukraine"))
    after = curator.client.get("/countries/dk").text
    assert "Sends trainers to Ukraine" not in before and "Sends trainers to Ukraine" in after
    listed = {r["code"]: r["stance"] for r in
              curator.client.get("/api/countries").json()["countries"]}
    assert listed["DK"] == "logistics"
    assert dashboard_badge(curator, "DK") == "logistics"


def first_commitment(curator: Curator, code: str) -> dict[str, Any]:
    return dict(curator.client.get(f"/api/countries/{code}").json()["commitments"][0])


def test_correct_a_commitment(curator: Curator, db: Session) -> None:
    commitment = first_commitment(curator, "hu")
    form = {"csrf_token": curator.csrf, "version": "1", "kind": "political_only",
            "date": commitment["date"], "date_precision": commitment["date_precision"],
            "summary": "Corrected summary", "reason": "Misread the article"}
    response = curator.client.post(f"/admin/commitments/{commitment['id']}", data=form,
                                   follow_redirects=False)
    assert response.status_code == 303
    assert stance(curator, "hu") == "political_only"
    event = events(db)[-1]
    assert event.action == "commitment.correct" and event.reason == "Misread the article"
    assert json.loads(event.before or "{}")["kind"] == "opposed"
    assert json.loads(event.after or "{}")["summary"] == "Corrected summary"


def test_retract_needs_a_reason_then_retracts(curator: Curator, db: Session) -> None:
    commitment = first_commitment(curator, "hu")
    url = f"/admin/commitments/{commitment['id']}/retract"
    refused = curator.client.post(url, data={"csrf_token": curator.csrf, "version": "1",
                                             "reason": "  "})
    assert refused.status_code == 422 and "This field is required." in refused.text
    assert stance(curator, "hu") == "opposed"
    done = curator.client.post(url, data={"csrf_token": curator.csrf, "version": "1",
                                          "reason": "The source was misquoted"},
                               follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith("/admin/countries/hu?saved=")
    assert stance(curator, "hu") == "undeclared"
    event = events(db)[-1]
    assert (event.action, event.reason) == ("commitment.retract", "The source was misquoted")
    assert json.loads(event.after or "{}")["retracted_at"] is not None


def test_add_and_edit_a_source(curator: Curator, db: Session) -> None:
    form = {"csrf_token": curator.csrf, "title": "A new report", "url": "https://example.org/a",
            "published": "2026-01-02", "text": NEW_SOURCE_TEXT}
    added = curator.client.post("/admin/sources", data=form, follow_redirects=False)
    assert added.status_code == 303
    source = db.exec(select(Source).where(Source.title == "A new report")).one()
    assert source.text == NEW_SOURCE_TEXT and source.version == 1
    edit = {**form, "title": "A renamed report", "version": "1"}
    edited = curator.client.post(f"/admin/sources/{source.id}", data=edit,
                                 follow_redirects=False)
    assert edited.status_code == 303
    db.refresh(source)
    assert (source.title, source.version) == ("A renamed report", 2)
    actions = [(e.action, e.entity_id) for e in events(db)[-2:]]
    assert actions == [("source.add", str(source.id)), ("source.edit", str(source.id))]
    titles = [s["title"] for s in curator.client.get("/api/sources").json()["sources"]]
    assert "A renamed report" in titles


def test_add_a_country_by_iso_code_then_edit_it(curator: Curator, db: Session) -> None:
    form = {"csrf_token": curator.csrf, "code": "nl", "name": "Netherlands", "role": "member",
            "in_europe": "on"}
    added = curator.client.post("/admin/countries", data=form, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/admin/countries/nl"
    assert curator.client.get("/api/countries/nl").json()["stance"] == "undeclared"
    edit = {"csrf_token": curator.csrf, "version": "1", "name": "The Netherlands",
            "role": "partner"}
    edited = curator.client.post("/admin/countries/nl", data=edit, follow_redirects=False)
    assert edited.status_code == 303
    body = curator.client.get("/api/countries/nl").json()
    assert (body["name"], body["role"], body["in_europe"]) == ("The Netherlands", "partner", False)
    trail = events(db)[-2:]
    assert [(e.action, e.country_code) for e in trail] == [("country.add", "NL"),
                                                            ("country.edit", "NL")]
    assert json.loads(trail[1].before or "{}")["name"] == "Netherlands"


def test_audit_trail_is_append_only_across_edits(curator: Curator, db: Session) -> None:
    curator.client.post("/admin/countries/dk/commitments", data=commitment_form(curator))
    first = [(e.id, e.after) for e in events(db)]
    curator.client.post("/admin/countries/dk/commitments",
                        data=commitment_form(curator, version="2", kind="troops"))
    assert [(e.id, e.after) for e in events(db)][: len(first)] == first
    assert len(events(db)) == len(first) + 1


def test_unknown_records_are_404(curator: Curator) -> None:
    assert curator.client.get("/admin/countries/xx").status_code == 404
    assert curator.client.get("/admin/commitments/9999").status_code == 404
    assert curator.client.get("/admin/sources/9999").status_code == 404
    missing = curator.client.post("/admin/commitments/9999/retract",
                                  data={"csrf_token": curator.csrf, "reason": "x"})
    assert missing.status_code == 404
