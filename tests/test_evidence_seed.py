"""Evidence rules on the seed: every citation's attribution is justified by its article, the
loader refuses a seed that breaks a rule, and the re-audit's corrections hold."""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.config import get_settings
from app.db import get_engine
from app.models import Revision
from app.services.seed import SeedError, check_seed, load_seed, read_seed, seed_citations
from app.services.validation import quoted_in
from tests.support.database import empty_tables

SEED = read_seed(get_settings().seed_dir)


def _article(articles_dir: Path, source_id: int) -> str:
    if not articles_dir.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    source = next(s for s in SEED["sources"] if s["id"] == source_id)
    return (articles_dir / source["article"]).read_text(encoding="utf-8")


def _quoted_passages(article: str) -> list[str]:
    """Independent of the app's rule: the text between curly or straight double quotes."""
    return re.findall(r"\u201c([^\u201d]*)\u201d", article) + re.findall(r'"([^"]*)"', article)


def test_every_seed_citation_keeps_its_attribution_rule(articles_dir: Path) -> None:
    citations = seed_citations(SEED)
    assert len(citations) > 60
    for cit in citations:
        article = _article(articles_dir, cit["source"])
        quote, speaker = cit["quote"], cit["speaker"]
        assert quote in article, quote
        if cit["attribution"] == "direct":
            assert speaker, quote
            assert any(quote in passage for passage in _quoted_passages(article)), quote
        elif cit["attribution"] == "reported":
            # A named person's words, paraphrased: the person is named in the article.
            assert speaker and speaker.split(" (")[0].split()[-1] in article, quote
            assert not any(quote.strip("“”") == p for p in _quoted_passages(article)), quote
        else:
            assert cit["attribution"] == "outlet" and speaker is None, quote


def test_the_seed_has_each_kind_of_attribution() -> None:
    kinds = {c["attribution"] for c in seed_citations(SEED)}
    assert kinds == {"direct", "reported", "outlet"}


def _bad_seed(tmp_path: Path, change: dict[str, Any]) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(get_settings().seed_dir, folder)
    data = json.loads((folder / "commitments.json").read_text(encoding="utf-8"))
    poland = next(c for c in data["commitments"] if c["country"] == "PL")
    poland["citations"][0].update(change)
    (folder / "commitments.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.mark.parametrize("change", [
    {"attribution": "direct", "speaker": "Donald Tusk"},  # not inside quotation marks
    {"attribution": "outlet", "speaker": "Donald Tusk"},  # outlet with a speaker
    {"attribution": "reported", "speaker": None},  # reported without a speaker
    {"attribution": "hearsay"},  # not an attribution
])
def test_the_loader_refuses_a_citation_that_breaks_a_rule(
    change: dict[str, Any], tmp_path: Path, db: Session, articles_dir: Path
) -> None:
    if not articles_dir.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    folder = _bad_seed(tmp_path, change)
    with pytest.raises(SeedError, match="source 1"):
        check_seed(read_seed(folder), articles_dir=articles_dir)
    empty_tables(get_engine())
    with Session(get_engine()) as session, pytest.raises(SeedError):
        load_seed(session=session, seed_dir=folder, articles_dir=articles_dir)
    assert db.exec(select(func.count()).select_from(Revision)).one() == 0


def test_direct_quotes_must_stand_inside_quotation_marks() -> None:
    text = ('Merz said Germany could help. \u201cWe will not send troops,\u201d he said. '
            '"Never," she said.')
    assert quoted_in("We will not send troops", text)
    assert quoted_in("\u201cWe will not send troops,\u201d", text)
    assert quoted_in("Never", text)
    assert not quoted_in("Germany could help", text)
    assert not quoted_in("troops,\u201d he said", text)  # crosses the closing mark
    assert not quoted_in("he said", text)


def _commitments(country: str) -> list[dict[str, Any]]:
    return [c for c in SEED["commitments"] if c["country"] == country]


def test_the_re_audit_corrections_hold() -> None:
    events = SEED["events"]
    summit = events["paris-summit-2026-01-06"]
    assert "19 January" in summit["basis"] and "This week" in summit["basis"]
    assert {s["country"] for s in summit["signatories"]} == {"FR", "GB", "UA"}
    france = _commitments("FR")[-1]
    assert france["dispute"]["citation"]["source"] == 5
    assert "no figures" in france["conditions"]["troop_numbers"]
    assert "contact line" in france["conditions"]["other"]
    germany = _commitments("DE")[0]
    assert "could" in germany["summary"] and "would prefer" in germany["summary"]
    assert germany["firmness"] == "tentative" and germany["dispute"]
    us_august = _commitments("US")[0]
    assert "without troops" not in us_august["summary"]
    for early in (_commitments("FR")[0], _commitments("GB")[0]):
        assert early["conditions"]["location"] == "ukraine"
    macron = [c for c in france["citations"] if c["speaker"] == "Emmanuel Macron"]
    assert not any("parliamentary approval" in c["quote"] for c in macron)
    claims = [f["statement"] for e in events.values() for f in e["facts"]]
    assert any("26 countries" in claim for claim in claims)
    assert any("did not sign" in claim for claim in claims)
