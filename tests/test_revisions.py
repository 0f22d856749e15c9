"""Citable revisions: after an edit publishes revision 2, `?rev=1` still shows the earlier stance
on the API, the dashboard, the country page and in the downloads; the latest shows the new one."""

import io
import re
import zipfile
from datetime import datetime

from fastapi.testclient import TestClient

from tests.support.opendata import Edit, csv_rows


def _dashboard_stance(client: TestClient, code: str, **params: int) -> str:
    page = client.get("/", params=params).text
    match = re.search(rf'<tr data-code="{code}">.*?badge-(\w+)', page, re.S)
    assert match, page[:500]
    return match.group(1)


def _badge_stance(client: TestClient, path: str, after: str, **params: int) -> str:
    """The stance of the first badge after the element of class `after` on the page at `path`."""
    page = client.get(path, params=params)
    assert page.status_code == 200
    match = re.search(rf'class="{after}">.*?badge-(\w+)', page.text, re.S)
    assert match
    return match.group(1)


def _zip_stance(client: TestClient, code: str, **params: int) -> str:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/data/coalition-tracker.zip",
                                                    params=params).content))
    name = next(n for n in archive.namelist() if n.endswith("/countries.csv"))
    rows = csv_rows(archive.read(name).decode())
    return next(r["stance"] for r in rows if r["code"] == code)


def _stances(client: TestClient, code: str, **params: int) -> dict[str, str]:
    """The country's stance as every public view shows it."""
    api = client.get("/api/countries", params=params).json()["countries"]
    csv_api = csv_rows(client.get("/api/countries.csv", params=params).text)
    full = client.get("/data/coalition-tracker.json", params=params).json()["tables"]
    return {
        "api list": next(c["stance"] for c in api if c["code"] == code),
        "api country": client.get(f"/api/countries/{code}", params=params).json()["stance"],
        "api csv": next(r["stance"] for r in csv_api if r["code"] == code),
        "dashboard": _dashboard_stance(client, code, **params),
        "dashboard json": next(c["stance"] for c in client.get("/index.json", params=params)
                               .json()["countries"] if c["code"] == code),
        "country page": _badge_stance(client, f"/countries/{code.lower()}", "stance-line",
                                      **params),
        "country json": client.get(f"/countries/{code.lower()}.json", params=params)
        .json()["stance"],
        "dashboard csv": next(r["stance"] for r in csv_rows(
            client.get("/countries.csv", params=params).text) if r["code"] == code),
        "zip": _zip_stance(client, code, **params),
        "json download": next(r["stance"] for r in full["countries"] if r["code"] == code),
        "embed": _badge_stance(client, f"/embed/countries/{code.lower()}", "embed-title",
                               **params),
    }


def test_earlier_revision_still_shows_the_earlier_stance_everywhere(
    client: TestClient, poland_retracted: Edit
) -> None:
    edit = poland_retracted
    assert edit.revision == 2
    earlier = _stances(client, edit.code, rev=1)
    assert earlier == dict.fromkeys(earlier, edit.before)
    latest = _stances(client, edit.code)
    assert latest == dict.fromkeys(latest, edit.after)
    pinned = _stances(client, edit.code, rev=2)
    assert pinned == latest


def test_downloads_of_an_earlier_revision_name_it(client: TestClient, poland_retracted: Edit
                                                 ) -> None:
    body = client.get("/data/coalition-tracker.json", params={"rev": 1}).json()
    assert body["revision"] == 1 and "rev=1" in body["cite_as"]
    retracted = [r for r in body["tables"]["commitments"] if r["retracted_at"]]
    assert retracted == []
    latest = client.get("/data/coalition-tracker.json").json()
    assert latest["revision"] == poland_retracted.revision
    assert [r["country_code"] for r in latest["tables"]["commitments"] if r["retracted_at"]] \
        == ["PL"]
    response = client.get("/data/coalition-tracker.zip", params={"rev": 1})
    assert 'filename="coalition-tracker-rev1.zip"' in response.headers["content-disposition"]


def test_revisions_list_and_json_twin(client: TestClient, poland_retracted: Edit) -> None:
    body = client.get("/revisions.json").json()
    assert body["latest"] == 2
    numbers = [r["number"] for r in body["revisions"]]
    assert numbers == [2, 1]
    assert "PL" in body["revisions"][0]["summary"] and body["revisions"][1]["summary"]
    assert all(re.match(r"\d{4}-\d{2}-\d{2}T", r["published_at"]) for r in body["revisions"])
    page = client.get("/revisions").text
    assert 'href="/?rev=1"' in page and 'href="/?rev=2"' in page
    assert body["revisions"][0]["summary"] in page
    assert 'href="/revisions.csv"' in page and 'href="/revisions.json"' in page
    rows = csv_rows(client.get("/revisions.csv").text)
    assert [(int(r["number"]), r["summary"], r["url"]) for r in rows] == [
        (r["number"], r["summary"], r["url"]) for r in body["revisions"]]
    assert [datetime.fromisoformat(r["published_at"]) for r in rows] == [
        datetime.fromisoformat(r["published_at"]) for r in body["revisions"]]


def test_pages_show_a_cite_line_with_revision_and_pinned_url(client: TestClient,
                                                             poland_retracted: Edit) -> None:
    data_page = client.get("/data", params={"rev": 1}).text
    assert "Cite this page: Coalition Tracker, revision 1" in data_page
    assert 'href="http://127.0.0.1:8000/data?rev=1"' in data_page
    latest = client.get("/revisions").text
    assert "revision 2" in latest and "http://127.0.0.1:8000/revisions?rev=2" in latest
    for path in ("/", "/countries/pl"):
        assert "Cite this page: Coalition Tracker, revision 1" in client.get(
            path, params={"rev": 1}).text


def test_unknown_revision_is_404(client: TestClient) -> None:
    for path in ("/api/countries.csv", "/data/coalition-tracker.zip", "/data"):
        response = client.get(path, params={"rev": 99})
        assert response.status_code == 404 and "99" in response.json()["detail"]
