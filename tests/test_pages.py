"""The public pages and their JSON twins, through real HTTP handling and the real database."""

import gzip
import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import PROJECT_ROOT
from app.db import get_engine
from app.models import Commitment, Role, Source, Stance
from app.palette import contrast_ratio
from app.routes.cached import accepts_gzip
from app.services.dataset import publish_revision
from app.services.mapdata import EUROPE_ALPHA3, PALETTE, PARTNER_ALPHA3
from app.services.pagecache import PageCache, Rendered
from app.services.pageviews import conditions_in_words
from app.services.records import ConditionsRecord, Dataset

HTMX = {"HX-Request": "true"}
PUBLIC_PAGES = ["/", "/countries/fr", "/countries/us", "/sources", "/sources/1", "/about",
                "/?stance=troops", "/?as_of=2025-12-31", "/countries/zz"]


class Scripts(HTMLParser):
    """Collects <script> tags, inline event handlers and outside addresses of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.outside: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        loaded = [values.get("src"), values.get("action")]
        if tag == "link" and values.get("rel") != "canonical":
            loaded.append(values.get("href"))
        self.outside += [url for url in loaded if url and url.startswith(("http:", "https:", "//"))]
        self._in_inline = tag == "script" and not values.get("src") and (
            values.get("type") != "application/json")

    def handle_data(self, data: str) -> None:
        if self._in_inline and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag: str) -> None:
        self._in_inline = False


def figure_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-figure-data">(.*?)</script>',
                      html, re.S)
    assert match, "the page holds the map figure"
    return json.loads(match.group(1))


def table_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="([A-Z]{2})">', html)


def retract(db: Session, code: str, reason: str) -> None:
    """Retract a country's commitments and publish the change as a new revision."""
    for row in db.exec(select(Commitment).where(Commitment.country_code == code)):
        row.retracted_at = datetime.now(UTC)
        row.retraction_reason = reason
        db.add(row)
    publish_revision(session=db, summary=f"retract {code}", user_id=None, events=[])
    db.commit()


# --- the dashboard ---------------------------------------------------------------------------

def test_dashboard_lists_every_country_and_maps_those_in_view(client: TestClient) -> None:
    html = client.get("/").text
    api = client.get("/api/countries").json()["countries"]
    assert sorted(table_codes(html)) == sorted(row["code"] for row in api)
    drawn = {loc for trace in figure_of(html)["data"] if trace["type"] == "choropleth"
             and trace.get("customdata") for loc in trace["locations"]}
    assert drawn == {EUROPE_ALPHA3[r["code"]] for r in api if r["code"] in EUROPE_ALPHA3}
    assert {"TUR", "RUS", "UKR"} <= drawn
    for partner in ("United States", "Australia"):
        assert re.search(rf'<a href="/countries/\w\w">{partner}</a>\s*<span class="badge', html)


def test_legend_counts_each_stance_and_the_host_apart(client: TestClient) -> None:
    body = client.get("/index.json").json()
    legend = {entry["key"]: entry["count"] for entry in body["map"]["legend"]}
    rows = client.get("/api/countries").json()["countries"]
    nearby = {r["code"] for r in rows if r["troop_location"] == "neighbouring_nato"}
    assert nearby == {"DE"}
    assert legend["troops_nearby"] == 1
    for stance in Stance:
        assert legend[stance.value] == sum(
            1 for r in rows if r["stance"] == stance and r["role"] != "host"
            and r["code"] not in nearby)
    assert legend["host"] == 1
    assert legend["not_tracked"] == len(body["map"]["not_tracked"]) > 20
    html = client.get("/").text
    assert re.search(rf"Troops <span class=\"count\">{legend['troops']}</span>", html)


def test_stance_filter_and_search_narrow_the_table(client: TestClient) -> None:
    troops = table_codes(client.get("/", params={"stance": "troops"}).text)
    assert sorted(troops) == ["DE", "ES", "FR", "GB"]
    assert table_codes(client.get("/", params={"q": "pol"}).text) == ["PL"]


def test_htmx_request_gets_the_results_block_and_a_clean_pushed_url(client: TestClient) -> None:
    response = client.get("/?stance=troops&q=&as_of=", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results"')
    assert "<html" not in response.text and "map-figure-data" in response.text
    assert response.headers["HX-Push-Url"] == "/?stance=troops"
    assert "HX-Request" in response.headers["Vary"]


def test_history_restore_gets_the_whole_page(client: TestClient) -> None:
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/?stance=troops", headers=headers).text


def test_form_sent_without_javascript_works_with_empty_fields(client: TestClient) -> None:
    response = client.get("/?stance=&q=&as_of=")
    assert response.status_code == 200
    assert len(table_codes(response.text)) == 14


def test_as_of_shows_the_map_and_table_as_they_stood(client: TestClient) -> None:
    before = client.get("/", params={"as_of": "2025-12-31"}).text
    assert "Position on <time datetime=\"2025-12-31\">31 Dec 2025</time>" in before
    colours = {trace["colorscale"][0][1]: trace["locations"] for trace in figure_of(before)["data"]
               if trace["type"] == "choropleth"}
    assert "POL" in colours[PALETTE["undeclared"][0]]
    assert "ESP" in colours[PALETTE["undeclared"][0]]
    now = figure_of(client.get("/").text)
    assert any("POL" in t["locations"] and t["colorscale"][0][1] == PALETTE["logistics"][0]
               for t in now["data"] if t["type"] == "choropleth")


def test_bad_filter_values_are_explained(client: TestClient) -> None:
    response = client.get("/", params={"as_of": "31/12/2025", "stance": "maybe"})
    assert response.status_code == 422
    assert "is not a date" in response.text and "is not a stance" in response.text
    assert client.get("/index.json", params={"stance": "maybe"}).status_code == 422
    assert client.get("/", params={"q": "x" * 101}).status_code == 422


def test_dashboard_json_twin_matches_the_page(client: TestClient) -> None:
    body = client.get("/index.json", params={"stance": "troops"}).json()
    html = client.get("/", params={"stance": "troops"}).text
    assert [row["code"] for row in body["countries"]] == table_codes(html)
    assert body["revision"] == 1 and body["stance"] == "troops"
    assert {c["code"] for c in body["map"]["outside"]} == {"US", "AU"}


# --- country pages ---------------------------------------------------------------------------

def test_country_page_shows_stance_timeline_and_citations(client: TestClient) -> None:
    html = client.get("/countries/fr").text
    detail = client.get("/api/countries/fr").json()
    assert '<span class="badge badge-troops">Troops</span>' in html
    for commitment in detail["commitments"]:
        assert f'id="commitment-{commitment["id"]}"' in html
        for citation in commitment["citations"]:
            quote = citation["quote"].replace("'", "&#39;").replace('"', "&#34;")
            if citation["attribution"] == "direct":
                quote = f"“{quote}”"
            assert f"<blockquote>{quote}</blockquote>" in html
            assert f'href="/sources/{citation["source"]["id"]}"' in html
    assert "How the date was established" in html
    assert "Only after a ceasefire" in html
    assert html.index("6 January 2026") < html.index("17 August 2025")


def test_citation_shows_speaker_outlet_date_and_a_link_when_the_source_has_one(
    client: TestClient, db: Session
) -> None:
    citations = [cit for c in client.get("/api/countries/fr").json()["commitments"]
                 for cit in c["citations"]]
    spoken = next(cit for cit in citations if cit["speaker"])
    with_outlet = next(cit for cit in citations if cit["source"]["outlet"])
    html = client.get("/countries/fr").text
    assert f'<span class="speaker">{spoken["speaker"]}</span>' in html
    assert f"</cite>, {with_outlet['source']['outlet']}" in html
    source = db.get(Source, with_outlet["source"]["id"])
    assert source is not None and source.url is None
    source.url, source.published = "https://example.org/a?b=1&c=2", date(2025, 8, 18)
    db.add(source)
    publish_revision(session=db, summary="add a link", user_id=None, events=[])
    db.commit()
    html = client.get("/countries/fr").text
    assert (f'<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">'
            f'{source.title}</a>, {source.outlet}, <time datetime="2025-08-18">') in html


def test_country_page_has_share_metadata(client: TestClient) -> None:
    html = client.get("/countries/fr").text
    base = "http://127.0.0.1:8000"
    assert f'<meta property="og:url" content="{base}/countries/fr">' in html
    assert f'<meta property="og:image" content="{base}/cards/countries/fr.png">' in html
    assert '<meta property="og:title" content="France: Troops' in html
    assert f'<meta name="twitter:image" content="{base}/cards/countries/fr.png">' in html
    assert 'data-copy-target="share-url"' in html and 'id="share-url"' in html


@pytest.mark.parametrize("spelling", ["FR", "France", "fRANCE"])
def test_other_spellings_redirect_permanently_to_the_canonical_url(
    client: TestClient, spelling: str
) -> None:
    response = client.get(f"/countries/{spelling}", params={"rev": 1}, follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/countries/fr?rev=1"


def test_unknown_country_gets_a_helpful_404_page(client: TestClient) -> None:
    response = client.get("/countries/atlantis")
    assert response.status_code == 404
    assert "No country “atlantis”" in response.text
    assert 'href="/countries/fr"' in response.text and 'action="/"' in response.text
    assert client.get("/countries/atlantis.json").status_code == 404


def test_country_json_twin_matches_the_page(client: TestClient) -> None:
    body = client.get("/countries/fr.json").json()
    assert body["code"] == "FR" and body["stance_label"] == "Troops"
    assert body["paragraph"] in client.get("/countries/fr").text.replace("&#39;", "'")
    assert body["commitments"][0]["conditions_text"][0] == "Only after a ceasefire"


def test_retracted_commitment_is_struck_through_and_stops_counting(
    client: TestClient, db: Session
) -> None:
    assert '<span class="badge badge-logistics">Logistics</span>' in client.get(
        "/countries/pl").text
    retract(db, "PL", "Misattributed quote")
    html = client.get("/countries/pl").text
    assert "<del>" in html and "Reason for retraction: Misattributed quote" in html
    assert "Retracted: does not count" in html
    assert re.search(r'Stance.*?<span class="badge badge-undeclared">', html, re.S)
    assert "PL" in table_codes(client.get("/?stance=undeclared").text)


def test_rev_shows_an_older_revision_exactly(client: TestClient, db: Session) -> None:
    retract(db, "PL", "test")
    old = client.get("/countries/pl", params={"rev": 1}).text
    assert '<span class="badge badge-logistics">Logistics</span>' in old
    assert "PL" in table_codes(client.get("/?rev=1&stance=logistics").text)
    assert client.get("/?rev=99").status_code == 404


# --- sources and the codebook ----------------------------------------------------------------

def test_sources_list_and_detail_show_the_claims(client: TestClient) -> None:
    listing = client.get("/sources.json").json()["sources"]
    html = client.get("/sources").text
    for source in listing:
        assert f'href="/sources/{source["id"]}"' in html
    detail = client.get("/sources/1.json").json()
    page = client.get("/sources/1").text
    assert detail["claims"] and all(claim["country_name"] in page for claim in detail["claims"])
    assert client.get("/sources/999").status_code == 404
    assert client.get("/sources/999.json").status_code == 404


def test_about_page_is_the_codebook(client: TestClient) -> None:
    html = client.get("/about").text
    for words in ("latest commitment dated on or before D", "recorded last wins",
                  "month-precision", "verbatim", "retracted with a reason", 'href="/changes"'):
        assert words in html
    for stance in Stance:
        assert f'class="badge badge-{stance.value}"' in html


def test_about_json_twin_holds_the_codebook_the_page_shows(client: TestClient) -> None:
    body = client.get("/about.json").json()
    html = client.get("/about").text.replace("&#39;", "'")
    assert [entry["key"] for entry in body["stances"]] == [stance.value for stance in Stance]
    assert [entry["key"] for entry in body["roles"]] == [role.value for role in Role]
    assert [entry["key"] for entry in body["categories"]] == [
        "troops", "troops_nearby", "logistics", "political_only", "opposed", "undeclared", "host",
        "not_tracked"]
    for entry in body["categories"]:
        assert f'<span class="badge badge-{entry["key"]}">{entry["label"]}</span>' in html
        assert f'<dd>{entry["meaning"]}</dd>' in html
    assert body["dates"] in html
    for entry in body["roles"]:
        assert f'<dt>{entry["label"]}</dt><dd>{entry["meaning"]}</dd>' in html
    assert body["derivation"] in html and body["revision"] == 1


# --- every page: no inline script, nothing from outside, gzip --------------------------------

@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_have_no_inline_script_and_load_nothing_from_outside(
    client: TestClient, path: str
) -> None:
    parser = Scripts()
    parser.feed(client.get(path).text)
    assert parser.inline_scripts == []
    assert parser.handlers == []
    assert parser.outside == []


def test_footer_shows_the_revision(client: TestClient) -> None:
    assert "Dataset revision 1, published" in client.get("/countries/fr").text


def test_a_stray_query_never_reaches_the_cached_page(client: TestClient) -> None:
    first = client.get("/?utm_source=spam&stance=troops").text
    assert "spam" not in first
    assert "/?stance=troops&amp;rev=1" in client.get("/?stance=troops").text


def test_pages_are_served_gzipped_with_an_etag(client: TestClient) -> None:
    raw = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["etag"].endswith('-gz"')
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == raw.content  # httpx decoded the gzip body
    assert plain.headers["etag"] != raw.headers["etag"]


def test_accepts_gzip_reads_the_header() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, *;q=0.5")
    assert not accepts_gzip("gzip;q=0, br")
    assert not accepts_gzip("identity")


# --- the page cache --------------------------------------------------------------------------

def test_page_is_rendered_once_per_revision(client: TestClient, db: Session) -> None:
    renders: list[int] = []
    cache = PageCache()

    def render(dataset: Dataset) -> Rendered:
        renders.append(1)
        return Rendered(f"revision {dataset.revision}")

    first = cache.page(engine=get_engine(), revision=None, key=("k",), render=render)
    again = cache.page(engine=get_engine(), revision=None, key=("k",), render=render)
    assert first is again and len(renders) == 1
    retract(db, "PL", "test")
    newer = cache.page(engine=get_engine(), revision=None, key=("k",), render=render)
    assert newer is not None and newer.body == b"revision 2" and len(renders) == 2
    pinned = cache.page(engine=get_engine(), revision=1, key=("k",), render=render)
    assert pinned is not None and pinned.body == b"revision 1"
    assert cache.page(engine=get_engine(), revision=7, key=("k",), render=render) is None


def test_page_cache_is_bounded(db: Session) -> None:
    cache = PageCache(max_entries=3)
    for number in range(5):
        cache.page(engine=get_engine(), revision=None, key=(number,),
                   render=lambda _d: Rendered("x"))
    assert len(cache) == 3


def test_cached_page_follows_a_change_saved_elsewhere(client: TestClient, db: Session) -> None:
    """Another process saving a revision: this process's next request shows it."""
    assert "PL" in table_codes(client.get("/?stance=logistics").text)
    retract(db, "PL", "saved by another worker")
    assert "PL" not in table_codes(client.get("/?stance=logistics").text)
    gzipped = client.get("/?stance=logistics", headers={"Accept-Encoding": "gzip"})
    assert gzip.compress(gzipped.content)  # still a valid body after the change


# --- the map data and palette ----------------------------------------------------------------

def test_every_mapped_code_has_a_shape_in_the_served_outlines() -> None:
    outlines = json.loads((PROJECT_ROOT / "static/topojson/world_50m.json").read_text())
    ids = {g.get("id") for g in outlines["objects"]["countries"]["geometries"]}
    assert set(EUROPE_ALPHA3.values()) | set(PARTNER_ALPHA3.values()) <= ids
    assert {"CYP", "MLT", "TUR", "RUS", "UKR", "ISL"} <= set(EUROPE_ALPHA3.values())


def test_badge_text_meets_wcag_aa_contrast_on_every_colour() -> None:
    for background, text in PALETTE.values():
        assert contrast_ratio(background, text) >= 4.5


def test_conditions_are_put_in_words() -> None:
    words = conditions_in_words(ConditionsRecord(after_ceasefire=True, us_backstop=False,
                                                 location="neighbouring_nato",
                                                 troop_numbers="up to 1,000"))
    assert words == ["Only after a ceasefire", "Without requiring a United States backstop",
                     "Troops would stay in neighbouring NATO countries, not in Ukraine",
                     "Troop numbers: up to 1,000"]
    assert conditions_in_words(ConditionsRecord()) == []
