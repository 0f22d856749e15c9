"""Events as first-class records: API, pages with JSON twins, country links, signatories,
downloads, exact revisions, and the curators' event forms (versions, audit, conflicts)."""

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, Event, Revision
from app.services.records import Dataset
from app.services.validation import message
from tests.support.admin import Curator, field_error

SUMMIT = "paris-summit-2026-01-06"


def test_api_lists_events_and_answers_one_with_facts_and_commitments(
    client: TestClient,
) -> None:
    listed = client.get("/api/events").json()
    assert listed["revision"] == 1
    slugs = [e["slug"] for e in listed["events"]]
    assert slugs == [SUMMIT, "paris-meeting-2025-09-04", "coalition-statement-2025-08-17"]
    first = listed["events"][0]
    assert {"slug", "name", "date", "date_precision", "place", "url"} <= set(first)
    assert first["url"] == f"/events/{SUMMIT}" and first["date"] == "2026-01-06"
    event = client.get(f"/api/events/{SUMMIT}").json()
    assert all(fact["citations"] for fact in event["facts"])
    cited = event["facts"][0]["citations"][0]
    assert {"quote", "speaker", "attribution", "source"} <= set(cited)
    countries = {c["country_code"] for c in event["commitments"]}
    assert {"FR", "GB", "DE", "ES", "PL", "IT", "HU", "RU", "US"} == countries
    assert {s["code"] for s in event["signatories"]} == {"FR", "GB", "UA"}


def test_unknown_event_is_a_json_404(client: TestClient) -> None:
    for path in ("/api/events/no-such-event", "/events/no-such-event.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert "no-such-event" in response.json()["detail"]
    assert client.get("/events/no-such-event").status_code == 404


def test_event_pages_and_json_twins(client: TestClient) -> None:
    listing = client.get("/events")
    assert listing.status_code == 200 and f'href="/events/{SUMMIT}"' in listing.text
    assert client.get("/events.json").json()["events"][0]["slug"] == SUMMIT
    page = client.get(f"/events/{SUMMIT}").text
    assert "Signatories" in page
    assert 'Ukraine</a> <span class="role">(host country)</span>' in page
    assert '<span class="badge badge-troops">Troops</span>' in page
    assert "Steve Witkoff</span> said:" in page
    assert client.get(f"/events/{SUMMIT}.json").json()["slug"] == SUMMIT
    pinned = client.get("/events?rev=1").text
    assert f'href="/events/{SUMMIT}?rev=1"' in pinned


def test_country_pages_link_their_events_and_show_signatures_without_a_stance(
    client: TestClient,
) -> None:
    france = client.get("/countries/fr").text
    assert f'href="/events/{SUMMIT}"' in france
    assert 'href="/events/coalition-statement-2025-08-17"' in france
    ukraine = client.get("/countries/ua")
    assert "Signatory: Trilateral declaration of intent" in ukraine.text
    detail = client.get("/api/countries/ua").json()
    assert detail["stance"] == "undeclared" and detail["signatures"][0]["event"]["slug"] == SUMMIT
    commitment = client.get("/api/countries/de").json()["commitments"][0]
    assert commitment["event"]["slug"] == SUMMIT


def test_downloads_carry_events_and_the_event_of_each_commitment(client: TestClient) -> None:
    data = client.get("/data/coalition-tracker.json").json()
    events = data["tables"]["events"]
    assert [e["slug"] for e in events][-1] == SUMMIT
    assert events[-1]["signatories"] == "FR GB UA"
    assert {"slug", "name", "date", "place"} <= set(data["codebook"]["events"])
    commitments = data["tables"]["commitments"]
    assert {c["event_slug"] for c in commitments} == {
        SUMMIT, "paris-meeting-2025-09-04", "coalition-statement-2025-08-17"}
    facts = data["tables"]["event_facts"]
    assert {f["attribution"] for f in facts} == {"direct", "reported", "outlet"}


def test_old_snapshots_without_events_or_attribution_still_load(db: Session) -> None:
    snapshot = json.loads(db.exec(select(Revision.snapshot)).one())
    snapshot.pop("events")
    for commitment in snapshot["commitments"]:
        for key in ("firmness", "event_id", "disputed", "dispute_reason", "dispute_citation_id"):
            commitment.pop(key)
        for citation in commitment["citations"]:
            citation.pop("attribution")
    old = Dataset(revision=1, published_at="2026-01-01T00:00:00Z", **snapshot)
    assert old.events == ()
    attributions = {c.attribution.value for m in old.commitments for c in m.citations
                    if c.speaker}
    assert attributions == {"reported"}
    assert all(not c.disputed and c.firmness == "firm" for c in old.commitments)


def _event_form(curator: Curator, **fields: str) -> dict[str, str]:
    return {"csrf_token": curator.csrf, "name": "Coalition call", "slug": "coalition-call",
            "date": "2026-01-20", "date_precision": "day", "place": "",
            "summary": "A call.", **fields}


def _events(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.entity == "event")
                        .order_by(col(AuditEvent.id))))


def test_curators_add_and_edit_events_with_audit_and_revisions(
    curator: Curator, second_curator: Curator, db: Session
) -> None:
    added = curator.client.post("/admin/events", data=_event_form(curator),
                                follow_redirects=False)
    assert added.status_code == 303
    public = curator.client.get("/api/events/coalition-call").json()
    assert public["revision"] == 2 and public["version"] == 1
    event_id = _events(db)[-1].entity_id
    edit_page = curator.client.get(f"/admin/events/{event_id}").text
    assert 'value="coalition-call"' in edit_page
    renamed = curator.client.post(f"/admin/events/{event_id}", data=_event_form(
        curator, name="Coalition leaders' call", version="1"), follow_redirects=False)
    assert renamed.status_code == 303
    stale = second_curator.client.post(f"/admin/events/{event_id}", data=_event_form(
        second_curator, name="Bob's name", version="1"), follow_redirects=False)
    assert stale.status_code == 409
    assert "Bob&#39;s name" in stale.text and "edited an event" in stale.text
    assert curator.client.get("/api/events/coalition-call").json()["name"] == \
        "Coalition leaders' call"
    assert curator.client.get("/api/events/coalition-call?rev=2").json()["name"] == \
        "Coalition call"
    assert [e.action for e in _events(db)] == ["event.add", "event.edit"]


def test_event_forms_refuse_bad_input_and_keep_it(curator: Curator) -> None:
    refused = curator.client.post("/admin/events", data=_event_form(
        curator, slug="Paris Summit!", name="Typed name", date="2999-01-01"))
    assert refused.status_code == 422
    assert field_error(refused.text, "event", "slug") == message("slug")
    assert field_error(refused.text, "event", "date") == message("date_future")
    assert 'value="Typed name"' in refused.text
    taken = curator.client.post("/admin/events/validate", data=_event_form(curator, slug=SUMMIT))
    assert field_error(taken.text, "event", "slug") == message("slug_taken")



def _event_id(curator: Curator, db: Session) -> tuple[str, dict[str, Any]]:
    detail = curator.client.get(f"/api/events/{SUMMIT}").json()
    event = db.exec(select(Event).where(Event.slug == SUMMIT)).one()
    return str(event.id), detail


def test_curators_add_and_remove_facts_and_signatories(curator: Curator, db: Session) -> None:
    event_id, before = _event_id(curator, db)
    base = f"/admin/events/{event_id}"
    page = curator.client.get(base).text
    assert "Add a fact" in page and "Record signatory" in page
    fact = {"csrf_token": curator.csrf, "version": "1", "statement": "Sixteen said yes.",
            "source_id": "1", "attribution": "reported", "speaker": "",
            "quote": "Poland rejected sending troops and offered only logistics."}
    refused = curator.client.post(f"{base}/facts", data=fact)
    assert refused.status_code == 422 and "Sixteen said yes.</textarea>" in refused.text
    added = curator.client.post(f"{base}/facts", data={**fact, "attribution": "outlet",
                                                        "speaker": ""}, follow_redirects=False)
    assert added.status_code == 303
    after = curator.client.get(f"/api/events/{SUMMIT}").json()
    assert len(after["facts"]) == len(before["facts"]) + 1 and after["version"] == 2
    assert after["facts"][-1]["citations"][0]["attribution"] == "outlet"
    stale = curator.client.post(f"{base}/signatories", data={
        "csrf_token": curator.csrf, "version": "1", "country": "DE", "document": "X"})
    assert stale.status_code == 409
    signed = curator.client.post(f"{base}/signatories", data={
        "csrf_token": curator.csrf, "version": "2", "country": "DE",
        "document": "Declaration of intent"}, follow_redirects=False)
    assert signed.status_code == 303
    germany = curator.client.get("/api/countries/de").json()
    assert germany["signatures"][0]["document"] == "Declaration of intent"
    assert germany["stance"] == "troops"
    new_fact = after["facts"][-1]["id"]
    no_reason = curator.client.post(f"{base}/facts/{new_fact}/remove",
                                    data={"csrf_token": curator.csrf, "version": "3"})
    assert no_reason.status_code == 422
    removed = curator.client.post(f"{base}/facts/{new_fact}/remove", data={
        "csrf_token": curator.csrf, "version": "3", "reason": "Not in the source"},
        follow_redirects=False)
    assert removed.status_code == 303
    assert len(curator.client.get(f"/api/events/{SUMMIT}").json()["facts"]) == \
        len(before["facts"])
    assert [e.action for e in _events(db)] == ["fact.add", "signatory.add", "fact.remove"]
    assert curator.client.get(f"/api/events/{SUMMIT}?rev=2").json()["facts"][-1]["id"] == \
        new_fact
