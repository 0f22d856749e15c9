"""The data package researchers reuse (issue 14, point 2): a licence (CC BY 4.0) on /data, in the
zip's README, in the JSON download and in every page's footer, quotes left their publishers'; a
"Cite as" line with publisher and access date; a versioned codebook; schema.org Dataset JSON-LD;
zip entries that unpack as ordinary files (0644); CITATION.cff in the repository."""

import csv
import io
import json
import re
import stat
import zipfile
from datetime import date, datetime

import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import PROJECT_ROOT
from app.models import Commitment
from app.services.licence import CODEBOOK_VERSION, LICENCE_URL, script_json

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_data_page_states_the_licence_and_how_to_cite(client: TestClient) -> None:
    html = client.get("/data").text
    # The licence is named with its address as text: no page links or loads another host.
    assert '<p class="licence" id="licence">' in html and LICENCE_URL in html
    assert f'href="{LICENCE_URL}"' not in html and 'href="/data#licence" rel="license"' in html
    assert "quotes are not ours" in html.lower()
    cite = re.search(r'<p class="cite-as"><strong>Cite as:</strong> (.*?)</p>', html, re.S)
    assert cite, "no Cite as line"
    assert "Coalition Tracker (publisher)" in cite.group(1)
    assert f"(accessed {date.today().isoformat()})" in cite.group(1)
    assert "?rev=1" in cite.group(1) and "CC BY 4.0" in cite.group(1)
    assert f"Codebook version {CODEBOOK_VERSION}" in html


def test_every_page_footer_names_the_licence(client: TestClient) -> None:
    for path in ("/", "/countries/fr", "/sources", "/about"):
        footer = client.get(path).text.split('<footer class="site-footer">')[1]
        assert "CC BY 4.0" in footer and "quotes remain their publishers" in footer, path
        assert 'href="/data#licence" rel="license"' in footer, path


def test_data_page_carries_schema_org_dataset(client: TestClient) -> None:
    found = JSONLD.findall(client.get("/data").text)
    assert len(found) == 1
    document = json.loads(found[0])
    assert document["@context"] == "https://schema.org" and document["@type"] == "Dataset"
    assert document["license"] == LICENCE_URL and document["name"].startswith("Coalition Tracker")
    commitments = client.get("/data/coalition-tracker.json").json()["tables"]["commitments"]
    dates = sorted(row["date"] for row in commitments)
    assert document["temporalCoverage"] == f"{dates[0]}/{dates[-1]}"
    formats = {d["encodingFormat"]: d["contentUrl"] for d in document["distribution"]}
    assert formats["application/zip"].endswith("/data/coalition-tracker.zip?rev=1")
    assert formats["application/json"].endswith("/data/coalition-tracker.json?rev=1")


def test_jsonld_cannot_end_its_script_element() -> None:
    text = script_json({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_json_download_carries_the_licence_and_codebook_version(client: TestClient) -> None:
    body = client.get("/data/coalition-tracker.json", params={"rev": 1}).json()
    assert body["licence"]["url"] == LICENCE_URL and "CC BY 4.0" in body["licence"]["name"]
    assert "quotes" in body["licence"]["note"]
    assert body["codebook_version"] == CODEBOOK_VERSION
    assert body["codebook_changes"][0]["version"] == CODEBOOK_VERSION
    assert "publisher's text" in body["codebook"]["citations"]["quote"]
    again = client.get("/data/coalition-tracker.json", params={"rev": 1})
    assert again.content == client.get("/data/coalition-tracker.json", params={"rev": 1}).content


def test_zip_readme_has_the_licence_and_entries_unpack_as_0644(client: TestClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(
        client.get("/data/coalition-tracker.zip", params={"rev": 1}).content))
    for info in archive.infolist():
        mode = info.external_attr >> 16
        assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o644, info.filename
        assert info.create_system == 3
    readme = next(n for n in archive.namelist() if n.endswith("README.md"))
    text = archive.read(readme).decode()
    assert "## Licence" in text and LICENCE_URL in text and "quotes" in text
    assert f"## Codebook version {CODEBOOK_VERSION}" in text


def test_citation_cff_describes_the_dataset() -> None:
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0" and cff["authors"] and cff["title"]


def _zip(client: TestClient) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(
        client.get("/data/coalition-tracker.zip", params={"rev": 1}).content))


def _csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    entry = next(n for n in archive.namelist() if n.endswith(f"rev1/{name}"))
    return list(csv.DictReader(io.StringIO(archive.read(entry).decode("utf-8"))))


def test_zip_has_mentions_and_a_long_stance_timeline(client: TestClient) -> None:
    archive = _zip(client)
    mentions = _csv_rows(archive, "mentions.csv")
    body = client.get("/data/coalition-tracker.json", params={"rev": 1}).json()
    assert len(mentions) == len(body["tables"]["mentions"])
    timeline = _csv_rows(archive, "stance_timeline.csv")
    assert timeline and all(r["stance"] != r["previous_stance"] for r in timeline)
    pairs = [(r["country_code"], r["date"]) for r in timeline]
    assert len(pairs) == len(set(pairs))  # one row per country per change date
    # The last change of each country is its stance today, as countries.csv says.
    latest = {r["country_code"]: r["stance"] for r in sorted(timeline, key=lambda r: r["date"])}
    today = {r["code"]: r["stance"] for r in _csv_rows(archive, "countries.csv")}
    assert all(today[code] == stance for code, stance in latest.items())
    assert all(stance == "undeclared" for code, stance in today.items() if code not in latest)


def test_zip_has_spreadsheet_copies_with_a_byte_order_mark(client: TestClient) -> None:
    archive = _zip(client)
    plain = [n for n in archive.namelist() if n.endswith(".csv") and "/excel/" not in n]
    for name in plain:
        folder, file = name.rsplit("/", 1)
        twin = f"{folder}/excel/{file}"
        assert archive.read(twin) == b"\xef\xbb\xbf" + archive.read(name), name
        assert not archive.read(name).startswith(b"\xef\xbb\xbf")


def test_commitments_carry_when_they_were_recorded(client: TestClient, db: Session) -> None:
    """recorded_at is the commitment's first recording time (UTC), so the same-date rule (the one
    recorded last decides; id follows the same order) can be reproduced from the download."""
    rows = client.get("/data/coalition-tracker.json").json()["tables"]["commitments"]
    stored = {c.id: c.created_at for c in db.exec(select(Commitment))}
    assert rows and {row["id"] for row in rows} == set(stored)
    for row in rows:
        assert datetime.fromisoformat(row["recorded_at"]) == stored[row["id"]], row["id"]
    by_id = sorted(rows, key=lambda row: row["id"])
    assert [row["recorded_at"] for row in by_id] == sorted(row["recorded_at"] for row in by_id)
    header = next(csv.reader(io.StringIO(_zip_text(client, "commitments.csv"))))
    assert header[-1] == "recorded_at"


def _zip_text(client: TestClient, name: str) -> str:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/data/coalition-tracker.zip").content))
    entry = next(n for n in archive.namelist() if n.endswith(f"rev1/{name}"))
    return archive.read(entry).decode("utf-8")
