"""Public history: /changes (stance changes between dates and the edit trail), country history,
their JSON and Atom twins, and escaping of curator input on every public page it reaches."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own feed in a test

from fastapi.testclient import TestClient

from app.config import get_settings
from tests.support.admin import Curator

ATOM = "{http://www.w3.org/2005/Atom}"
EVIL = "<script>alert(1)</script>"


def add_commitment(curator: Curator, **fields: str) -> None:
    form = {"csrf_token": curator.csrf, "version": "1", "kind": "troops", "date": "2026-01-12",
            "summary": "Denmark offers troops", "source_id": "1", "quote": "Danish troops",
            **fields}
    response = curator.client.post("/admin/countries/dk/commitments", data=form,
                                   follow_redirects=False)
    assert response.status_code == 303, response.text


def test_changes_between_dates_show_old_and_new_stance_with_citation(client: TestClient) -> None:
    body = client.get("/changes.json", params={"from": "2025-12-31", "to": "2026-01-07"}).json()
    moved = {c["country"]["code"]: (c["old"], c["new"]) for c in body["stance_changes"]}
    assert moved["PL"] == ("undeclared", "logistics")
    poland = next(c for c in body["stance_changes"] if c["country"]["code"] == "PL")
    assert poland["commitment"]["citations"][0]["quote"]
    assert (body["start"], body["end"]) == ("2025-12-31", "2026-01-07")
    page = client.get("/changes", params={"from": "2025-12-31", "to": "2026-01-07"}).text
    poland_item = page[page.index(">Poland</a>"):].split("</li>")[0]
    old, new = re.findall(r'class="badge badge-(\w+)">([^<]+)<', poland_item)[:2]
    assert (old, new) == (("undeclared", "No commitment recorded"), ("logistics", "Logistics"))


def test_changes_fragment_for_htmx_and_bad_period(client: TestClient) -> None:
    fragment = client.get("/changes", params={"from": "2025-12-31", "to": "2026-01-07"},
                          headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="stance-changes"')
    assert fragment.headers["vary"].lower().count("hx-request") >= 1
    assert client.get("/changes.json", params={"from": "2026-02-01",
                                               "to": "2026-01-01"}).status_code == 422


def test_edit_trail_newest_first_with_roles_not_names(curator: Curator) -> None:
    add_commitment(curator)
    add_commitment(curator, version="2", kind="logistics", summary="Second thoughts")
    edits = curator.client.get("/changes.json").json()["edits"]
    assert [e["action"] for e in edits] == ["commitment.add", "commitment.add", "seed"]
    assert edits[0]["after"]["summary"] == "Second thoughts" and edits[0]["actor"] == "Curator"
    page = curator.client.get("/changes").text
    assert "Curator added a commitment" in page and "alice" not in page
    assert "alice" not in curator.client.get("/changes.json").text


def test_trail_honours_the_revision(curator: Curator) -> None:
    add_commitment(curator)
    assert len(curator.client.get("/changes.json", params={"rev": 1}).json()["edits"]) == 1
    assert len(curator.client.get("/changes.json", params={"rev": 2}).json()["edits"]) == 2


def test_country_history_page_json_and_atom(curator: Curator) -> None:
    add_commitment(curator)
    history = curator.client.get("/countries/dk/history.json").json()
    assert history["country"]["code"] == "DK"
    assert [e["action"] for e in history["edits"]] == ["commitment.add"]
    page = curator.client.get("/countries/dk/history")
    assert page.status_code == 200 and "Denmark offers troops" in page.text
    feed = curator.client.get("/countries/dk/history.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == "Denmark: new Troops commitment (12 Jan 2026)"
    assert curator.client.get("/countries/xx/history").status_code == 404


def test_changes_atom_lists_every_saved_change(curator: Curator) -> None:
    add_commitment(curator)
    root = ET.fromstring(curator.client.get("/changes.atom").content)  # noqa: S314
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Denmark: new Troops commitment (12 Jan 2026)", "Seed dataset published"]


def test_a_script_quote_is_escaped_on_every_public_page(curator: Curator) -> None:
    add_commitment(curator, source_id="new", new_source_title=f"Title {EVIL}", quote=EVIL,
                   summary=f"Summary {EVIL}", date="2026-01-05")
    source_id = curator.client.get("/api/countries/dk").json()["commitments"][0][
        "citations"][0]["source"]["id"]
    retract_with_reason(curator, "fr", f"Reason {EVIL}")
    pages = ["/countries/dk", f"/sources/{source_id}", "/changes?from=2026-01-01&to=2026-01-10",
             "/countries/dk/history", "/changes.atom", "/countries/dk/history.atom", "/",
             "/sources", "/revisions", "/embed/countries/dk", "/embed/map", "/countries/fr",
             "/countries/fr/history", "/countries/fr/history.atom"]
    for path in pages:
        response = curator.client.get(path)
        assert response.status_code == 200, path
        assert EVIL not in response.text, path
    for path in ["/countries/dk", "/changes?from=2026-01-01&to=2026-01-10",
                 "/countries/dk/history"]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in curator.client.get(path).text, path
    assert curator.client.get("/api/countries/dk").json()["commitments"][0][
        "citations"][0]["quote"] == EVIL
    assert "Reason &lt;script&gt;" in curator.client.get("/revisions").text


def retract_with_reason(curator: Curator, code: str, reason: str) -> None:
    commitment = curator.client.get(f"/api/countries/{code}").json()["commitments"][0]
    response = curator.client.post(f"/admin/commitments/{commitment['id']}/retract",
                                   data={"csrf_token": curator.csrf, "version": "1",
                                         "reason": reason}, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_the_trail_shows_a_citation_as_readable_text(curator: Curator) -> None:
    add_commitment(curator, quote='Danish troops "will go"', speaker="The minister")
    page = curator.client.get("/countries/dk/history").text
    assert "“Danish troops &#34;will go&#34;” — The minister" in page
    assert '<a href="/sources/1">source 1</a>' in page and "\\u00" not in page


def test_the_atom_feeds_show_a_citation_as_readable_escaped_text(curator: Curator) -> None:
    add_commitment(curator, quote='Danish troops "will go" <b>now</b>', speaker="The minister")
    expected = "\u201cDanish troops \"will go\" <b>now</b>\u201d \u2014 The minister, source 1"
    for path in ["/changes.atom", "/countries/dk/history.atom"]:
        raw = curator.client.get(path).text
        assert "<b>now</b>" not in raw and "&lt;b&gt;now&lt;/b&gt;" in raw, path
        root = ET.fromstring(raw)  # noqa: S314 - our own feed
        content = root.find(f"{ATOM}entry/{ATOM}content")
        assert content is not None and content.get("type") == "text"
        lines = (content.text or "").splitlines()
        citations = lines[lines.index("Citations: not stated → ") + 1]
        assert citations == f"  - {expected} ({get_settings().public_base_url}/sources/1)", path
        assert '{"' not in (content.text or "") and "\\u" not in raw, path


def test_public_history_does_not_vary_with_login(curator: Curator, client: TestClient) -> None:
    add_commitment(curator)
    logged_in = curator.client.get("/changes").text
    curator.client.cookies.clear()
    assert curator.client.get("/changes").text == logged_in
