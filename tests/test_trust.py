"""Issue 10 over HTTP (the browser journeys are in tests/test_browser_trust.py): corrections need
and show their reason, positions are marked reviewed, the JSON twins name the latest revision,
future dates are refused, the trail reads in plain words, and unknown addresses answer a 404
page to browsers and JSON to the API."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from app.dates import format_date
from app.services.audit import field_changes, readable_value
from tests.support.admin import Curator


def correction(curator: Curator, commitment: dict[str, Any], **fields: str) -> dict[str, str]:
    return {"csrf_token": curator.csrf, "version": "1", "kind": commitment["kind"],
            "date": commitment["date"], "date_precision": commitment["date_precision"],
            "summary": commitment["summary"], **fields}


def test_a_correction_needs_a_reason_and_the_country_page_shows_it(curator: Curator) -> None:
    commitment = curator.client.get("/api/countries/hu").json()["commitments"][0]
    url = f"/admin/commitments/{commitment['id']}"
    refused = curator.client.post(url, data=correction(curator, commitment, summary="Changed"))
    assert refused.status_code == 422 and "Changed" in refused.text
    saved = curator.client.post(url, data=correction(curator, commitment, summary="Changed",
                                                     reason="Misread the article"),
                                follow_redirects=False)
    assert saved.status_code == 303
    page = curator.client.get("/countries/hu").text
    assert "Corrected <time datetime=" in page
    assert f"{format_date(date.today())}</time>: Misread the article" in page
    body = curator.client.get("/api/countries/hu").json()["commitments"][0]
    assert body["correction_reason"] == "Misread the article" and body["corrected_at"]


def test_curators_mark_positions_reviewed_and_readers_see_the_date(curator: Curator) -> None:
    assert curator.client.get("/index.json").json()["dates"]["reviewed_on"] is None
    no_token = curator.client.post("/admin/countries/fr/review", follow_redirects=False)
    assert no_token.status_code == 403
    one = curator.client.post("/admin/countries/fr/review",
                              data={"csrf_token": curator.csrf}, follow_redirects=False)
    assert one.status_code == 303
    today = date.today().isoformat()
    assert curator.client.get("/countries/fr.json").json()["dates"]["reviewed_on"] == today
    assert curator.client.get("/index.json").json()["dates"]["reviewed_on"] is None
    every = curator.client.post("/admin/review", data={"csrf_token": curator.csrf},
                                follow_redirects=False)
    assert every.status_code == 303
    assert curator.client.get("/index.json").json()["dates"]["reviewed_on"] == today
    edits = curator.client.get("/changes.json").json()["edits"]
    assert [e["action"] for e in edits[:2]] == ["dataset.review", "country.review"]
    assert "Every country&#39;s position reviewed" in curator.client.get("/changes").text
    assert curator.client.post("/admin/countries/zz/review", data={
        "csrf_token": curator.csrf}).status_code == 404


def test_json_twins_name_the_latest_revision(curator: Curator) -> None:
    curator.client.post("/admin/review", data={"csrf_token": curator.csrf})
    for path in ["/index.json", "/countries/fr.json", "/sources.json", "/sources/1.json",
                 "/about.json", "/changes.json", "/countries/fr/history.json"]:
        assert curator.client.get(path, params={"rev": 1}).json()["latest_revision"] == 2, path
        assert curator.client.get(path).json()["latest_revision"] == 2, path
    pinned = curator.client.get("/sources?rev=1").text
    assert "You are viewing revision 1 of 2" in pinned
    assert "You are viewing revision" not in curator.client.get("/sources").text


def test_future_dates_are_refused_everywhere(client: TestClient) -> None:
    for path in ["/api/countries", "/api/countries/fr", "/index.json", "/countries/fr.json",
                 "/countries.csv", "/embed/map", "/cards/dashboard.png"]:
        response = client.get(path, params={"as_of": "2999-01-01"})
        assert response.status_code == 422, path
        assert "future" in response.json()["detail"], path
    page = client.get("/", params={"as_of": "2999-01-01"})
    assert page.status_code == 422 and 'id="as_of-error"' in page.text
    assert client.get("/", params={"as_of": date.today().isoformat()}).status_code == 200


def test_trail_values_read_in_plain_words() -> None:
    changes = field_changes({"cond_after_ceasefire": None, "kind": "troops", "date": "2026-01-01",
                             "date_precision": "month"},
                            {"cond_after_ceasefire": True, "kind": "logistics",
                             "date": "2026-02-01", "date_precision": "month"})
    words = {c.label: (c.old_text, c.new_text) for c in changes}
    assert words["Only after a ceasefire"] == ("not stated", "yes")
    assert words["Stance"] == ("Troops", "Logistics")
    assert words["Date"] == ("Jan 2026", "Feb 2026")
    assert readable_value("cond_location", "neighbouring_nato") == "Neighbouring NATO states only"


def test_unknown_addresses_answer_a_page_to_browsers_and_json_to_machines(
    client: TestClient
) -> None:
    html = {"Accept": "text/html"}
    page = client.get("/no/such/page", headers=html)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'role="search"' in page.text and 'href="/changes"' in page.text
    for path in ["/api/nothing", "/api/countries/zz", "/nothing.json"]:
        response = client.get(path, headers=html)
        assert response.status_code == 404, path
        assert response.json()["detail"], path
    assert client.get("/no/such/page").json()["detail"] == "Not Found"
