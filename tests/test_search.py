"""Search (issue 13): country names with aliases and ISO codes, accent-insensitive; quotes,
speakers, source titles and event names, through each engine's full-text index, kept in step
with every published revision."""

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from app.db import get_engine
from app.models import Country
from app.services.dataset import publish_revision
from app.services.search import MAX_QUERY, HitKind, QueryError, fold, query_terms, search


def country_titles(session: Session, query: str) -> list[str]:
    return [hit.title for hit in search(session=session, query=query).groups[HitKind.country]]


def test_aliases_and_codes_find_the_country_first(db: Session) -> None:
    for query in ("UK", "uk", "Britain", "Great Britain", "GB", "GBR", "united kingdom"):
        assert country_titles(db, query)[0] == "United Kingdom", query
    for query in ("Turkey", "Türkiye", "Turkiye", "TÜRKIYE", "TUR"):
        assert country_titles(db, query)[0] == "Turkey", query
    assert country_titles(db, "fr") [0] == "France"


def test_quotes_and_speakers_link_to_the_exact_commitment(db: Session) -> None:
    hits = search(session=db, query="healey").groups[HitKind.quote]
    assert hits and all("#commitment-" in hit.url for hit in hits)
    assert any("John Healey" in hit.title for hit in hits)
    page = hits[0].url.split("#")[0]
    assert page == "/countries/gb"


def test_source_titles_and_event_names(db: Session) -> None:
    results = search(session=db, query="without backing")
    assert any("Without U.S. Backing" in hit.title for hit in results.groups[HitKind.source])
    events = search(session=db, query="paris summit").groups[HitKind.event]
    assert [hit.url for hit in events] == ["/events/" + events[0].url.rsplit("/", 1)[1]]
    assert "January 2026" in events[0].title


def test_empty_long_and_wordless_queries_are_refused_with_a_message() -> None:
    for query, words in (("", "Type a word"), ("   ", "Type a word"),
                         ("x" * (MAX_QUERY + 1), "too long"), ("«»!?", "letters or digits")):
        try:
            query_terms(query)
        except QueryError as error:
            assert words in str(error)
        else:  # pragma: no cover
            raise AssertionError(query)
    assert fold("Ærø Türkiye") == "ærø turkiye"


def test_operators_and_quotes_in_a_query_are_plain_words(db: Session) -> None:
    for query in ('"troops', "troops OR", "NEAR(x y)", "a:* & !b", "'; DROP TABLE x; --"):
        search(session=db, query=query)  # answers, never a syntax error


def test_the_index_follows_every_published_revision(db: Session) -> None:
    assert country_titles(db, "Freedonia") == []
    db.add(Country(code="ZZ", name="Freedonia", in_europe=True))
    publish_revision(session=db, summary="add", user_id=None, events=[])
    db.commit()
    assert country_titles(db, "freedonia") == ["Freedonia"]
    country = db.get(Country, "ZZ")
    assert country is not None
    country.name = "Grand Fenwick"
    db.add(country)
    publish_revision(session=db, summary="rename", user_id=None, events=[])
    db.commit()
    assert country_titles(db, "freedonia") == []
    assert country_titles(db, "fenwick") == ["Grand Fenwick"]


def test_the_engine_s_own_index_is_used(db: Session) -> None:
    engine = get_engine()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text("SELECT count(*) FROM search_fts WHERE search_fts "
                                      "MATCH 'france'")).scalar()
        else:
            found = conn.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                      "'ix_search_entry_document' AND indexdef LIKE '%gin%'")
                                 ).scalar()
    assert found and found >= 1


def test_api_and_json_twin(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Britain"}).json()
    assert body["groups"][0]["kind"] == "country"
    assert body["groups"][0]["results"][0] == {
        "title": "United Kingdom", "url": "/countries/gb",
        "detail": body["groups"][0]["results"][0]["detail"]}
    assert client.get("/search.json", params={"q": "Britain"}).json() == body
    for query in ("", "x" * 300):
        answer = client.get("/api/search", params={"q": query})
        assert answer.status_code == 422 and answer.json()["detail"]
    assert client.get("/api/search", params={"q": "x" * 2000}).status_code == 422


def test_search_page_groups_results_and_explains_refusals(client: TestClient) -> None:
    page = client.get("/search", params={"q": "macron"})
    assert page.status_code == 200
    assert "Quotes and speakers" in page.text and "#commitment-" in page.text
    refused = client.get("/search", params={"q": "x" * 300})
    assert refused.status_code == 422 and "too long" in refused.text
    assert 'value="' + "x" * 200 in refused.text
    empty = client.get("/search")
    assert empty.status_code == 200 and "Type a word" in empty.text


def test_seed_command_fills_an_index_left_empty_by_the_migration(db: Session) -> None:
    """A database published before 0007 has no entries: `python -m app seed` builds them."""
    import argparse

    from app.cli import seed
    from app.models import SearchEntry

    db.execute(text("DELETE FROM search_entry"))
    if get_engine().dialect.name == "sqlite":
        db.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    db.commit()
    assert country_titles(db, "france") == []
    assert seed(argparse.Namespace()) == 0
    assert country_titles(db, "france") == ["France"]
    assert db.exec(select(SearchEntry)).first() is not None
