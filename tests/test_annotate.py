"""Annotate: an article's stored text, sentence by sentence, with names and cue words marked;
a selected span prefills a citation (exact quote, suggested attribution, speaker and country)
and saves a commitment; cited spans are marked afterwards."""

from sqlmodel import Session

from app.models import Attribution, Source
from app.services.annotate import annotated, speaker_names, suggest_citation
from tests.support.admin import Curator
from tests.support.forms import form_fields

ARTICLE = (
    "Leaders met in Rome on Tuesday to discuss security guarantees for Ukraine.\n"
    'Keir Starmer said: "The United Kingdom will put boots on the ground once a ceasefire '
    'holds." Denmark will send logistics teams to Poland, the Danish defence ministry said in '
    "a statement. Starmer added that parliament would vote first."
)
QUOTE = "The United Kingdom will put boots on the ground once a ceasefire holds."
COUNTRIES = {"Ukraine": "UA", "United Kingdom": "GB", "Poland": "PL", "Denmark": "DK"}
SPEAKERS = speaker_names(["Keir Starmer", "Emmanuel Macron and Keir Starmer (joint statement)"])


def span(text: str) -> tuple[int, int]:
    start = ARTICLE.index(text)
    return start, start + len(text)


def test_sentences_cover_the_text_exactly_with_marks() -> None:
    pieces = annotated(ARTICLE, countries=COUNTRIES, speakers=SPEAKERS, cited=["Rome"])
    assert "".join(seg.text for piece in pieces for seg in piece.segments) == ARTICLE
    assert [p.number for p in pieces if p.number] == [1, 2, 3, 4]
    marked = {seg.text: seg.marks for piece in pieces for seg in piece.segments if seg.marks}
    assert marked["United Kingdom"] == {"country"} and marked["Keir Starmer"] == {"speaker"}
    assert marked["boots on the ground"] == {"cue"} and marked["Rome"] == {"cited"}
    assert "statement)" not in SPEAKERS  # only real surnames stand for a speaker


def test_suggestions_for_a_selected_span() -> None:
    direct = suggest_citation(ARTICLE, start=span(QUOTE)[0] - 1, end=span(QUOTE)[1] + 1,
                              countries=COUNTRIES, speakers=SPEAKERS)
    assert direct is not None and direct.quote == '"' + QUOTE + '"'
    inner = suggest_citation(ARTICLE, start=span(QUOTE)[0], end=span(QUOTE)[1],
                             countries=COUNTRIES, speakers=SPEAKERS)
    assert inner is not None and inner.attribution is Attribution.direct
    assert (inner.speaker, inner.country_code) == ("Keir Starmer", "GB")
    outlet = suggest_citation(ARTICLE, start=span("Denmark will send")[0],
                              end=span("a statement.")[1], countries=COUNTRIES, speakers=SPEAKERS)
    assert outlet is not None and outlet.attribution is Attribution.outlet
    assert outlet.country_code == "DK"  # the country named first
    reported = suggest_citation(ARTICLE, start=span("Starmer added")[0], end=len(ARTICLE),
                                countries=COUNTRIES, speakers=SPEAKERS)
    assert reported is not None and reported.attribution is Attribution.reported
    assert suggest_citation(ARTICLE, start=5, end=5, countries=COUNTRIES,
                            speakers=SPEAKERS) is None


def test_a_span_becomes_a_commitment_and_is_then_marked_cited(curator: Curator,
                                                              db: Session) -> None:
    source = Source(title="Test wire", outlet="Test Wire", text=ARTICLE)
    db.add(source)
    db.commit()
    start, end = span(QUOTE)
    url = f"/admin/sources/{source.id}/annotate"
    page = curator.client.get(f"{url}?start={start}&end={end}")
    assert page.status_code == 200 and 'class="hl-country"' in page.text
    form = form_fields(page.text, "annotate-form")
    assert (form["country"], form["attribution"], form["speaker"]) == (
        "GB", "direct", "Keir Starmer")
    form.update(kind="troops", date="2026-01-20", summary="The UK would deploy after a "
                "ceasefire", cond_after_ceasefire="yes", start=str(start), end=str(end))
    saved = curator.client.post(url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    gb = curator.client.get("/api/countries/gb").json()
    assert gb["commitments"][0]["citations"][0]["quote"] == QUOTE
    again = curator.client.get(url).text
    assert 'class="hl-cited' in again or "hl-cited" in again.split('id="article"')[1]
    empty = curator.client.post(url, data={**form, "start": "5", "end": "5", "quote": "typed"})
    assert empty.status_code == 422  # the quote comes from the offsets, never from the form


def test_whole_sentence_choice_and_no_text(curator: Curator, db: Session) -> None:
    source = Source(title="Test wire", text=ARTICLE)
    empty = Source(title="No text")
    db.add_all([source, empty])
    db.commit()
    start, end = span("Denmark will send")[0], span("a statement.")[1]
    page = curator.client.get(f"/admin/sources/{source.id}/annotate?span={start}-{end}")
    assert form_fields(page.text, "annotate-form")["country"] == "DK"
    assert "paste the article" in curator.client.get(f"/admin/sources/{empty.id}/annotate").text
    assert curator.client.get("/admin/sources/9999/annotate").status_code == 404


def test_curators_search_the_stored_text(curator: Curator, db: Session) -> None:
    source = Source(title="Test wire", text=ARTICLE)
    db.add(source)
    db.commit()
    page = curator.client.get("/admin/sources", params={"q": "BOOTS on the ground"}).text
    assert f'href="/admin/sources/{source.id}/annotate"' in page and "put boots" in page
    assert "0 sources found" in curator.client.get("/admin/sources?q=zzzyyx").text


def test_the_annotate_form_block_renders_alone(curator: Curator, db: Session) -> None:
    source = Source(title="Test wire", text=ARTICLE)
    db.add(source)
    db.commit()
    start, end = span(QUOTE)
    response = curator.client.post(
        f"/admin/sources/{source.id}/annotate/validate",
        data={"start": str(start), "end": str(end), "country": "GB", "date": "2099-01-01"},
        headers={"HX-Request": "true", "X-CSRF-Token": curator.csrf})
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="annotate-date-error"' in response.text and "future" in response.text
