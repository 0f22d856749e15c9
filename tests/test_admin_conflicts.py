"""Optimistic concurrency: two curators edit the same record; the second save is refused (409)
with what the first changed, and the second curator's input kept for resubmission."""

from sqlmodel import Session, col, select

from app.models import AuditEvent, Country
from app.services.editing.common import VersionConflict
from app.services.editing.optimistic import bump_country
from tests.support.admin import Curator


def form(curator: Curator, **fields: str) -> dict[str, str]:
    return {"csrf_token": curator.csrf, "version": "1", "kind": "troops", "date": "2026-01-10",
            "summary": "Summary", "source_id": "1", "quote": "Quote", **fields}


def test_second_curator_gets_a_conflict_page_with_both_inputs(
    curator: Curator, second_curator: Curator, db: Session
) -> None:
    first = curator.client.post("/admin/countries/dk/commitments",
                                data=form(curator, summary="Alice's summary"),
                                follow_redirects=False)
    assert first.status_code == 303
    second = second_curator.client.post(
        "/admin/countries/dk/commitments",
        data=form(second_curator, kind="opposed", summary="Bob's summary", quote="Bob's quote"))
    assert second.status_code == 409
    page = second.text
    assert "Alice&#39;s summary" in page  # what the other curator saved
    assert "Bob&#39;s summary" in page and "Bob&#39;s quote</textarea>" in page  # kept input
    assert '<option value="opposed" selected>' in page
    assert 'name="version" value="2"' in page  # resubmitting is a deliberate second save
    dk = curator.client.get("/api/countries/dk").json()
    assert [c["summary"] for c in dk["commitments"]] == ["Alice's summary"]
    resubmitted = second_curator.client.post(
        "/admin/countries/dk/commitments",
        data=form(second_curator, version="2", kind="opposed", summary="Bob's summary"),
        follow_redirects=False)
    assert resubmitted.status_code == 303
    assert curator.client.get("/api/countries/dk").json()["stance"] == "opposed"


def test_stale_correction_and_retraction_are_refused(curator: Curator, db: Session) -> None:
    fr = curator.client.get("/api/countries/fr").json()["commitments"][0]
    retract = curator.client.post(f"/admin/commitments/{fr['id']}/retract",
                                  data={"csrf_token": curator.csrf, "version": "1",
                                        "reason": "first"}, follow_redirects=False)
    assert retract.status_code == 303
    other = curator.client.get("/api/countries/fr").json()["commitments"][1]
    stale = curator.client.post(f"/admin/commitments/{other['id']}/retract",
                                data={"csrf_token": curator.csrf, "version": "1",
                                      "reason": "my stale reason"})
    assert stale.status_code == 409
    assert "retracted a commitment" in stale.text and "my stale reason</textarea>" in stale.text
    assert len(db.exec(select(AuditEvent).where(
        col(AuditEvent.action) == "commitment.retract")).all()) == 1


def test_stale_country_and_source_edits_are_refused(curator: Curator) -> None:
    edit = {"csrf_token": curator.csrf, "version": "1", "name": "France", "role": "member"}
    assert curator.client.post("/admin/countries/fr", data=edit,
                               follow_redirects=False).status_code == 303
    again = curator.client.post("/admin/countries/fr", data={**edit, "name": "Typed"})
    assert again.status_code == 409 and "Typed</span>" in again.text  # shown beside theirs
    assert 'name="choose.name" value="yours"' in again.text
    source = {"csrf_token": curator.csrf, "version": "1", "title": "T1"}
    assert curator.client.post("/admin/sources/1", data=source,
                               follow_redirects=False).status_code == 303
    stale = curator.client.post("/admin/sources/1", data={**source, "title": "T2"})
    assert stale.status_code == 409 and "edited a source" in stale.text


def test_version_bump_is_atomic_in_the_database(db: Session) -> None:
    bump_country(db, "FR", 1)
    db.commit()
    try:
        bump_country(db, "FR", 1)
    except VersionConflict as conflict:
        assert conflict.current_version == 2
    else:
        raise AssertionError("a stale version was accepted")
    assert db.get(Country, "FR").version == 2  # type: ignore[union-attr]
