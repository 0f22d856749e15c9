"""The JSON API contract, through real HTTP handling and the real database."""

from fastapi.testclient import TestClient


def test_countries_lists_every_seed_country_with_stance_and_url(client: TestClient) -> None:
    body = client.get("/api/countries").json()
    by_code = {row["code"]: row for row in body["countries"]}
    assert by_code["FR"] == {**by_code["FR"], "name": "France", "stance": "troops",
                             "url": "/countries/fr"}
    assert by_code["HU"]["stance"] == "opposed"
    assert by_code["PL"]["stance"] == "logistics"
    assert by_code["IT"]["stance"] == "political_only"
    assert by_code["DK"]["stance"] == "undeclared"
    assert body["revision"] == 1
    assert len(body["as_of"]) == 10


def test_as_of_shows_the_older_stance_before_a_change(client: TestClient) -> None:
    before = client.get("/api/countries", params={"as_of": "2025-12-31"}).json()
    after = client.get("/api/countries", params={"as_of": "2026-01-06"}).json()
    stance = {r["code"]: r["stance"] for r in before["countries"]}
    assert stance["PL"] == "undeclared" and stance["ES"] == "undeclared"
    assert stance["FR"] == "troops"
    assert {r["code"]: r["stance"] for r in after["countries"]}["PL"] == "logistics"
    early = client.get("/api/countries", params={"as_of": "2025-08-16"}).json()
    assert {r["stance"] for r in early["countries"]} == {"undeclared"}


def test_stance_filter(client: TestClient) -> None:
    body = client.get("/api/countries", params={"stance": "troops"}).json()
    assert sorted(r["code"] for r in body["countries"]) == ["DE", "ES", "FR", "GB"]


def test_country_detail_newest_first_with_citations(client: TestClient) -> None:
    body = client.get("/api/countries/fr").json()
    assert body["code"] == "FR" and body["stance"] == "troops"
    dates = [c["date"] for c in body["commitments"]]
    assert dates == sorted(dates, reverse=True)
    first = body["commitments"][0]
    assert first["kind"] == "troops" and first["conditions"]["after_ceasefire"] is True
    citation = first["citations"][0]
    assert set(citation) >= {"quote", "speaker", "source"}
    assert set(citation["source"]) >= {"id", "title", "outlet", "author", "published", "url"}


def test_country_code_is_case_insensitive(client: TestClient) -> None:
    assert client.get("/api/countries/FR").json()["code"] == "FR"


def test_unknown_country_is_404_with_message(client: TestClient) -> None:
    response = client.get("/api/countries/xx")
    assert response.status_code == 404
    assert "xx" in response.json()["detail"]


def test_malformed_as_of_and_stance_are_422_with_message(client: TestClient) -> None:
    bad_date = client.get("/api/countries", params={"as_of": "2026-13-01"})
    assert bad_date.status_code == 422
    assert "as_of" in bad_date.json()["detail"]
    bad_stance = client.get("/api/countries", params={"stance": "maybe"})
    assert bad_stance.status_code == 422
    assert "stance" in bad_stance.json()["detail"]


def test_sources_list_and_detail(client: TestClient) -> None:
    sources = client.get("/api/sources").json()["sources"]
    assert len(sources) == 5
    one = client.get(f"/api/sources/{sources[0]['id']}").json()
    assert one["claims"] and all(c["quote"] for c in one["claims"])
    assert client.get("/api/sources/999").status_code == 404


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/countries", "/api/countries/{code}", "/api/sources",
                 "/api/sources/{source_id}"]:
        assert "200" in paths[path]["get"]["responses"]
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema
    assert client.get("/docs").status_code == 200
