"""Who said it, how firm it is, and where accounts disagree: the admin's attribution rules with
inline validation, the three ways a citation is displayed, disputes (automatic and marked) on the
country page, table, map, API and exports, and firmness everywhere the stance is."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Source
from app.services.validation import message
from tests.support.admin import Curator, field_error

STORED = "Officials met on Monday. The minister said: \u201cwe will send engineers\u201d to Kyiv."


def _stored_source(db: Session) -> int:
    source = Source(title="Stored", outlet="Example News", text=STORED)
    db.add(source)
    db.commit()
    return source.id or 0


def _hungary(client: TestClient) -> dict[str, Any]:
    return dict(client.get("/api/countries/hu").json()["commitments"][0])


def _cite(curator: Curator, commitment_id: int, suffix: str = "", **fields: str) -> Any:
    data = {"csrf_token": curator.csrf, "version": "1", **fields}
    return curator.client.post(f"/admin/commitments/{commitment_id}/citations{suffix}",
                               data=data, follow_redirects=False)


def test_citation_attribution_rules_in_the_admin(curator: Curator, db: Session) -> None:
    source = str(_stored_source(db))
    hungary = _hungary(curator.client)["id"]
    outlet_with_speaker = _cite(curator, hungary, source_id=source, attribution="outlet",
                                quote="Officials met on Monday.", speaker="The minister")
    assert outlet_with_speaker.status_code == 422
    assert field_error(outlet_with_speaker.text, "add_citation", "speaker") == \
        message("speaker_refused")
    reported_alone = _cite(curator, hungary, "/validate", source_id=source,
                           attribution="reported", quote="Officials met on Monday.")
    assert field_error(reported_alone.text, "add_citation", "speaker") == \
        message("speaker_needed")
    not_quoted = _cite(curator, hungary, source_id=source, attribution="direct",
                       quote="Officials met on Monday", speaker="The minister")
    assert not_quoted.status_code == 422
    assert field_error(not_quoted.text, "add_citation", "quote") == message("not_quoted")
    assert "Officials met on Monday</textarea>" in not_quoted.text
    saved = _cite(curator, hungary, source_id=source, attribution="direct",
                  quote="we will send engineers", speaker="The minister")
    assert saved.status_code == 303
    citation = _hungary(curator.client)["citations"][-1]
    assert (citation["attribution"], citation["speaker"]) == ("direct", "The minister")
    page = curator.client.get("/countries/hu").text
    assert ('<span class="speaker">The minister</span> said:</p>\n'
            "  <blockquote>\u201cwe will send engineers\u201d</blockquote>") in page


def test_citations_say_whose_words_they_are(client: TestClient) -> None:
    page = client.get("/countries/de").text
    assert "Reported by the source, paraphrasing <span class=\"speaker\">Friedrich Merz</span>:" \
        in page
    assert "europeanconservative.com reported:" in page
    france = client.get("/countries/fr").text
    assert "Emmanuel Macron and Keir Starmer (joint statement)</span> said:" in france
    citations = client.get("/data/coalition-tracker.json").json()["tables"]["citations"]
    assert {c["attribution"] for c in citations} == {"direct", "reported", "outlet"}


def test_marked_disputes_show_both_accounts_and_travel_to_api_and_exports(
    client: TestClient,
) -> None:
    germany = client.get("/api/countries/de").json()
    assert germany["disputed"] is True
    commitment = germany["commitments"][0]
    assert commitment["disputed"] and "ruled out" in commitment["dispute_reason"]
    assert commitment["dispute_citation"]["quote"] == "Germany ruled out any deployment on " \
        "Ukrainian soil."
    page = client.get("/countries/de").text
    assert "This account" in page and "The other account" in page
    us = client.get("/api/countries/us").json()["commitments"]
    assert us[0]["disputed_with"] == [us[1]["id"]] and us[1]["disputed_with"] == [us[0]["id"]]
    rows = {r["id"]: r for r in client.get("/data/coalition-tracker.json").json()
            ["tables"]["commitments"]}
    assert rows[commitment["id"]]["disputed"] is True
    assert "ruled out" in rows[commitment["id"]]["dispute_reason"]
    assert rows[commitment["id"]]["firmness"] == "tentative"


def _table_row(html: str, code: str) -> str:
    start = html.index(f'<tr data-code="{code}">')
    return html[start:html.index("</tr>", start)]


def test_table_and_map_mark_disputed_countries_with_a_symbol(client: TestClient) -> None:
    html = client.get("/").text
    assert "⚠</span> Disputed" in _table_row(html, "DE")
    assert "Disputed" not in _table_row(html, "PL")
    view = client.get("/index.json").json()
    marks = [t for t in view["figure"]["data"] if t.get("text") and "⚠" in t["text"]]
    assert marks and "DEU" in marks[0]["locations"] and "POL" not in marks[0]["locations"]
    hover = next(c["hover"] for c in view["map"]["in_view"] if c["code"] == "DE")
    assert "disputed" in hover


def test_same_day_accounts_of_different_kinds_are_disputed_automatically(
    curator: Curator,
) -> None:
    form = {"csrf_token": curator.csrf, "version": "1", "kind": "opposed",
            "date": "2026-01-06", "date_precision": "day", "summary": "Other account",
            "source_id": "1", "attribution": "outlet",
            "quote": "Poland rejected sending troops and offered only logistics."}
    assert curator.client.post("/admin/countries/pl/commitments", data=form,
                               follow_redirects=False).status_code == 303
    poland = curator.client.get("/api/countries/pl").json()
    assert poland["disputed"] is True
    assert all(c["disputed"] for c in poland["commitments"])
    assert "same date" in poland["commitments"][0]["dispute_reason"]
    countries = curator.client.get("/countries.csv").text
    assert any(line.startswith("PL,") and line.endswith(",true")
               for line in countries.splitlines())


def test_curators_mark_a_dispute_with_a_reason(curator: Curator) -> None:
    poland = curator.client.get("/api/countries/pl").json()["commitments"][0]
    assert not poland["disputed"]
    base = {"csrf_token": curator.csrf, "version": "1", "kind": "logistics",
            "date": "2026-01-06", "date_precision": "day", "summary": poland["summary"],
            "firmness": "firm", "disputed": "on"}
    missing = curator.client.post(f"/admin/commitments/{poland['id']}", data=base)
    assert missing.status_code == 422
    assert field_error(missing.text, "correction", "dispute_reason") == message("dispute_reason")
    unknown = curator.client.post(f"/admin/commitments/{poland['id']}",
                                  data={**base, "dispute_reason": "x",
                                        "dispute_citation_id": "99999"})
    assert field_error(unknown.text, "correction", "dispute_citation_id") == \
        message("citation_unknown")
    italy = curator.client.get("/api/countries/it").json()["commitments"][0]["citations"][1]
    saved = curator.client.post(f"/admin/commitments/{poland['id']}", data={
        **base, "dispute_reason": "Tusk: no troops inside Ukraine only",
        "dispute_citation_id": str(italy["id"]), "event_id": "",
        "reason": "Marked disputed: Italy's account disagrees"}, follow_redirects=False)
    assert saved.status_code == 303
    after = curator.client.get("/api/countries/pl").json()["commitments"][0]
    assert after["disputed"] and after["dispute_reason"] == "Tusk: no troops inside Ukraine only"
    assert after["dispute_citation"]["id"] == italy["id"]


def test_firmness_is_shown_beside_the_stance(client: TestClient) -> None:
    germany = client.get("/api/countries/de").json()
    assert germany["firmness"] == "tentative"
    assert germany["commitments"][0]["firmness"] == "tentative"
    html = client.get("/").text
    assert "Tentative" in _table_row(html, "DE") and "Firm" in _table_row(html, "PL")
    page = client.get("/countries/es").text
    assert 'class="firmness firmness-tentative">Tentative</span>' in page
    about = client.get("/about.json").json()
    assert [f["key"] for f in about["firmness"]] == ["firm", "tentative"]
    assert [a["key"] for a in about["attributions"]] == ["direct", "reported", "outlet"]
    assert "Disputed accounts" in client.get("/about").text
    readme_columns = client.get("/data/coalition-tracker.json").json()["codebook"]
    assert "firmness" in readme_columns["commitments"] and \
        "attribution" in readme_columns["citations"]
