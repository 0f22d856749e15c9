"""Downloads round-trip: CSV and JSON of a filtered, dated view match what the page and the API
show; the full download (zip with a README codebook, and JSON) opens and describes every column."""

import io
import re
import zipfile

from fastapi.testclient import TestClient

from app.services.mapmarks import TableSort
from tests.support.opendata import csv_rows

VIEW = {"stance": "troops", "as_of": "2026-01-06"}
EARLY = {"as_of": "2025-12-31"}


def _summary(row: dict[str, object]) -> tuple[str, ...]:
    """The fields a CSV row and a JSON country share, as text."""
    return tuple(str(row[k] if row[k] is not None else "") for k in
                 ("code", "name", "stance", "latest_date", "source_count"))


def test_api_countries_csv_matches_the_api_for_a_filtered_dated_view(client: TestClient) -> None:
    for params in (VIEW, EARLY, {"q": "an"}):
        api = client.get("/api/countries", params=params).json()
        response = client.get("/api/countries.csv", params=params)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = csv_rows(response.text)
        assert [_summary(r) for r in rows] == [_summary(c) for c in api["countries"]]
        assert {r["as_of"] for r in rows} == {api["as_of"]}


def test_countries_csv_is_the_dashboard_table(client: TestClient) -> None:
    rows = csv_rows(client.get("/countries.csv", params=VIEW).text)
    dashboard = client.get("/index.json", params=VIEW).json()
    assert [_summary(r) for r in rows] == [_summary(c) for c in dashboard["countries"]]
    page = client.get("/", params=VIEW).text
    assert re.findall(r'<tr data-code="([A-Z]{2})"', page) == [r["code"] for r in rows]
    assert [r["code"] for r in rows] == ["FR", "DE", "ES", "GB"]


def test_early_date_changes_the_csv(client: TestClient) -> None:
    early = {r["code"]: r["stance"] for r in csv_rows(client.get("/countries.csv",
                                                                 params=EARLY).text)}
    now = {r["code"]: r["stance"] for r in csv_rows(client.get("/countries.csv").text)}
    assert early["PL"] == "undeclared" and now["PL"] == "logistics"


def test_sources_csv_matches_the_sources_list(client: TestClient) -> None:
    api = client.get("/api/sources").json()["sources"]
    for path in ("/api/sources.csv", "/sources.csv"):
        rows = csv_rows(client.get(path).text)
        assert [(int(r["id"]), r["title"], int(r["claim_count"])) for r in rows] == [
            (s["id"], s["title"], s["claim_count"]) for s in api
        ]
    page = client.get("/sources").text
    shown = list(dict.fromkeys(re.findall(r'href="/sources/(\d+)', page)))
    assert shown == [r["id"] for r in csv_rows(client.get("/sources.csv").text)]


def test_bad_filter_is_422_with_message(client: TestClient) -> None:
    response = client.get("/api/countries.csv", params={"stance": "maybe"})
    assert response.status_code == 422 and "stance" in response.json()["detail"]


def _zip(client: TestClient, **params: str) -> zipfile.ZipFile:
    response = client.get("/data/coalition-tracker.zip", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _files(archive: zipfile.ZipFile) -> dict[str, str]:
    return {name.split("/", 1)[1]: archive.read(name).decode() for name in archive.namelist()}


def test_zip_opens_and_its_readme_describes_every_column(client: TestClient) -> None:
    files = _files(_zip(client))
    tables = {"countries.csv", "commitments.csv", "citations.csv", "sources.csv", "events.csv",
              "event_facts.csv", "mentions.csv", "stance_timeline.csv"}
    assert set(files) == {"README.md", *tables, *(f"excel/{name}" for name in tables)}
    readme = files["README.md"]
    for name, text in files.items():
        if name.endswith(".csv") and not name.startswith("excel/"):
            assert f"## {name}" in readme
            header = text.splitlines()[0].split(",")
            section = readme.split(f"## {name}", 1)[1].split("\n## ", 1)[0]
            described = re.findall(r"^\| `(\w+)` \| .+ \|$", section, re.M)
            assert described == header, name
    cite = re.search(r"^Cite as: (.+)$", readme, re.M)
    assert cite and "revision 1" in cite.group(1) and "rev=1" in cite.group(1)
    assert re.search(r"published \d{4}-\d{2}-\d{2}", cite.group(1))


def test_zip_tables_match_the_api(client: TestClient) -> None:
    files = _files(_zip(client, as_of="2025-12-31"))
    countries = {r["code"]: r["stance"] for r in csv_rows(files["countries.csv"])}
    api = client.get("/api/countries", params=EARLY).json()["countries"]
    assert countries == {c["code"]: c["stance"] for c in api}
    fr = client.get("/api/countries/fr").json()
    commitments = [r for r in csv_rows(files["commitments.csv"]) if r["country_code"] == "FR"]
    assert sorted(int(r["id"]) for r in commitments) == sorted(c["id"] for c in fr["commitments"])
    quotes = {r["quote"] for r in csv_rows(files["citations.csv"]) if r["country_code"] == "FR"}
    assert quotes == {cit["quote"] for c in fr["commitments"] for cit in c["citations"]}


def test_json_download_has_the_same_tables_as_the_zip(client: TestClient) -> None:
    files = _files(_zip(client))
    body = client.get("/data/coalition-tracker.json").json()
    assert body["revision"] == 1 and "revision 1" in body["cite_as"]
    for name, rows in body["tables"].items():
        csv_table = csv_rows(files[f"{name}.csv"])
        assert len(rows) == len(csv_table), name
        assert list(body["codebook"][name]) == list(csv_table[0]), name
    first = body["tables"]["commitments"][0]
    assert isinstance(first["id"], int) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["date"])


def test_data_page_links_the_downloads_and_the_codebook(client: TestClient) -> None:
    page = client.get("/data").text
    assert 'href="/data/coalition-tracker.zip?rev=1"' in page
    assert 'href="/data/coalition-tracker.json?rev=1"' in page
    for column in ("source_count", "retraction_reason", "commitment_id", "claim_count"):
        assert f"<code>{column}</code>" in page
    assert "&lt;iframe src=&#34;http://127.0.0.1:8000/embed/map&#34;" in page \
        or "&lt;iframe src=\"http://127.0.0.1:8000/embed/map\"" in page
    twin = client.get("/data.json").json()
    assert twin["downloads"]["zip"] == "/data/coalition-tracker.zip?rev=1"


def test_a_dated_data_page_links_downloads_of_that_date(client: TestClient) -> None:
    page = client.get("/data", params=EARLY).text
    link = re.search(r'href="(/data/coalition-tracker\.zip\?[^"]+)"', page)
    assert link and "Stances as of 31 Dec 2025" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(link.group(1).replace("&amp;", "&")).content))
    rows = csv_rows(_files(archive)["countries.csv"])
    api = client.get("/api/countries", params=EARLY).json()["countries"]
    assert {r["as_of"] for r in rows} == {"2025-12-31"}
    assert {r["code"]: r["stance"] for r in rows} == {c["code"]: c["stance"] for c in api}
    downloads = client.get("/data.json", params=EARLY).json()["downloads"]
    assert downloads["json"] == "/data/coalition-tracker.json?as_of=2025-12-31&rev=1"


def _linked(page: str, path: str) -> str:
    """The address of the page's link to `path` (with its query), unescaped."""
    link = re.search(rf'href="({re.escape(path)}(?:\?[^"]*)?)"', page)
    assert link, path
    return link.group(1).replace("&amp;", "&")


def test_list_pages_link_their_twins_for_the_view_shown(client: TestClient) -> None:
    page = client.get("/", params={**VIEW, "rev": "1"}).text
    shown = re.findall(r'<tr data-code="([A-Z]{2})"', page)
    csv_twin = csv_rows(client.get(_linked(page, "/countries.csv")).text)
    json_twin = client.get(_linked(page, "/index.json")).json()["countries"]
    assert [r["code"] for r in csv_twin] == [c["code"] for c in json_twin] == shown
    assert {r["as_of"] for r in csv_twin} == {VIEW["as_of"]}
    sources = client.get("/sources").text
    assert csv_rows(client.get(_linked(sources, "/sources.csv")).text)
    assert client.get(_linked(sources, "/sources.json")).json()["sources"]


def test_countries_csv_follows_the_table_order(client: TestClient) -> None:
    """The table's CSV twin keeps the table's `sort`, and the page links to it with that order."""
    for sort in TableSort:
        params = {"sort": sort.value}
        rows = csv_rows(client.get("/countries.csv", params=params).text)
        dashboard = client.get("/index.json", params=params).json()
        assert [r["code"] for r in rows] == [c["code"] for c in dashboard["countries"]], sort
        assert [_summary(r) for r in rows] == [_summary(c) for c in dashboard["countries"]]
    page = client.get("/", params={"sort": "-sources"}).text
    assert 'href="/countries.csv?sort=-sources"' in page
    response = client.get("/api/countries.csv", params={"sort": "size"})
    assert response.status_code == 422 and "sort" in response.text
