"""Compare countries (issue 13): /compare?c=fr,de,pl and its JSON twin."""

from fastapi.testclient import TestClient


def test_json_twin_has_each_country_in_the_order_asked(client: TestClient) -> None:
    body = client.get("/compare.json?c=fr,DE,Poland").json()
    assert body["codes"] == ["FR", "DE", "PL"]
    france, germany, poland = body["countries"]
    api = {row["code"]: row for row in client.get("/api/countries").json()["countries"]}
    for column in body["countries"]:
        assert column["stance"] == api[column["code"]]["stance"]
        assert column["latest"]["date"] == api[column["code"]]["latest_date"]
    assert france["latest"]["quote"]
    assert france["latest"]["url"].startswith("/countries/fr#commitment-")
    assert germany["stance_label"] == "Troops, in neighbouring NATO states only"
    assert poland["firmness"] in ("firm", "tentative")


def test_page_shows_columns_with_quotes_and_dates(client: TestClient) -> None:
    page = client.get("/compare?c=fr,de,pl")
    assert page.status_code == 200
    assert page.text.count('class="compare-column"') == 3
    assert "<blockquote>" in page.text and "#commitment-" in page.text


def test_wrong_choices_are_explained(client: TestClient) -> None:
    for query, words in (("fr", "2 to 4"), ("fr,fr", "2 to 4"), ("fr,de,pl,it,es", "2 to 4"),
                         ("fr,xx", "No tracked country"), ("", "2 to 4")):
        answer = client.get("/compare.json", params={"c": query})
        assert answer.status_code == 422 and words in answer.json()["detail"], query
    page = client.get("/compare?c=fr,zz")
    assert page.status_code == 422 and "No tracked country is called zz" in page.text
    assert 'value="fr,zz"' in page.text
    assert client.get("/compare").status_code == 200
