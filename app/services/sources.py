"""Source queries over a Dataset: every source with the claims its quotes support."""

from collections import Counter

from pydantic import BaseModel

from app.models import Attribution
from app.services.countries import country_url
from app.services.records import Dataset, SourceRecord


class Claim(BaseModel):
    country_code: str
    country_name: str
    country_url: str
    commitment_id: int | None
    kind: str | None
    date: str | None
    summary: str | None
    quote: str
    speaker: str | None
    retracted: bool = False
    attribution: Attribution | None = None  # None for a mention
    date_precision: str | None = None


class SourceSummary(SourceRecord):
    claim_count: int
    url_path: str


class SourceDetail(SourceSummary):
    claims: list[Claim]


def _claims(dataset: Dataset, source_id: int) -> list[Claim]:
    claims: list[Claim] = []
    for commitment in dataset.commitments:
        country = dataset.country(commitment.country_code)
        name = country.name if country else commitment.country_code
        claims.extend(
            Claim(country_code=commitment.country_code, country_name=name,
                  country_url=country_url(commitment.country_code),
                  commitment_id=commitment.id, kind=commitment.kind,
                  date=commitment.date.isoformat(), summary=commitment.summary,
                  quote=citation.quote, speaker=citation.speaker,
                  retracted=commitment.is_retracted, attribution=citation.attribution,
                  date_precision=commitment.date_precision)
            for citation in commitment.citations if citation.source_id == source_id
        )
    for mention in dataset.mentions:
        if mention.source_id == source_id:
            country = dataset.country(mention.country_code)
            claims.append(Claim(
                country_code=mention.country_code,
                country_name=country.name if country else mention.country_code,
                country_url=country_url(mention.country_code), commitment_id=None, kind=None,
                date=None, summary=None, quote=mention.quote, speaker=None))
    return claims


def _detail(dataset: Dataset, source: SourceRecord) -> SourceDetail:
    claims = _claims(dataset, source.id)
    return SourceDetail(**source.model_dump(), claim_count=len(claims),
                        url_path=f"/sources/{source.id}", claims=claims)


def _claim_counts(dataset: Dataset) -> Counter[int]:
    """Claims per source in one pass over citations and mentions (not one pass per source)."""
    counts: Counter[int] = Counter()
    for commitment in dataset.commitments:
        counts.update(citation.source_id for citation in commitment.citations)
    counts.update(mention.source_id for mention in dataset.mentions)
    return counts


def list_sources(*, dataset: Dataset) -> list[SourceSummary]:
    counts = _claim_counts(dataset)
    return [
        SourceSummary(**s.model_dump(), claim_count=counts[s.id], url_path=f"/sources/{s.id}")
        for s in dataset.sources
    ]


def get_source(*, dataset: Dataset, source_id: int) -> SourceDetail | None:
    source = dataset.source(source_id)
    return _detail(dataset, source) if source else None
