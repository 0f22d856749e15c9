"""Countries side by side (`/compare?c=fr,de,pl`): stance, firmness, conditions and the latest
statement with its quote and date, for 2 to 4 countries on one date."""

from datetime import date

from pydantic import BaseModel

from app.models import Attribution, Firmness
from app.services.countries import CommitmentView, get_country
from app.services.mapdata import LABELS, category
from app.services.pageviews import conditions_in_words
from app.services.records import Dataset

MIN_COUNTRIES, MAX_COUNTRIES = 2, 4


class ChoiceError(ValueError):
    """The list of countries cannot be compared; the message says why."""


class LatestStatement(BaseModel):
    date: date
    date_precision: str
    summary: str
    quote: str | None
    speaker: str | None
    attribution: Attribution | None
    source_title: str | None
    url: str


class CompareColumn(BaseModel):
    code: str
    name: str
    url: str
    stance: str
    category: str
    stance_label: str
    firmness: Firmness | None
    disputed: bool
    conditions: list[str]
    latest: LatestStatement | None


class Comparison(BaseModel):
    revision: int
    as_of: date
    codes: list[str]
    countries: list[CompareColumn]


def chosen_codes(*, dataset: Dataset, text: str) -> list[str]:
    """`fr,de,pl` (codes or names, any case) as known codes, or ChoiceError."""
    wanted = [part.strip() for part in text.split(",") if part.strip()][:MAX_COUNTRIES + 1]
    by_name = {key.casefold(): c.code for c in dataset.countries for key in (c.code, c.name)}
    unknown = [part for part in wanted if part.casefold() not in by_name]
    if unknown:
        raise ChoiceError(f"No tracked country is called {', '.join(unknown)[:60]}: "
                          "use two-letter codes such as fr,de,pl.")
    codes = list(dict.fromkeys(by_name[part.casefold()] for part in wanted))
    if not MIN_COUNTRIES <= len(codes) <= MAX_COUNTRIES:
        raise ChoiceError(f"Choose {MIN_COUNTRIES} to {MAX_COUNTRIES} different countries, "
                          "for example ?c=fr,de,pl.")
    return codes


def _latest(commitment: CommitmentView, url: str) -> LatestStatement:
    citation = commitment.citations[0] if commitment.citations else None
    return LatestStatement(
        date=commitment.date, date_precision=commitment.date_precision,
        summary=commitment.summary, quote=citation.quote if citation else None,
        speaker=citation.speaker if citation else None,
        attribution=citation.attribution if citation else None,
        source_title=citation.source.title if citation else None, url=url)


def _column(dataset: Dataset, code: str, as_of: date) -> CompareColumn | None:
    detail = get_country(dataset=dataset, code=code, as_of=as_of)
    if detail is None:  # chosen_codes only returns known codes
        return None
    key = category(stance=detail.stance, role=detail.role, troop_location=detail.troop_location)
    live = [c for c in detail.commitments if not c.retracted]
    latest = _latest(live[0], f"{detail.url}#commitment-{live[0].id}") if live else None
    return CompareColumn(
        code=detail.code, name=detail.name, url=detail.url, stance=detail.stance.value,
        category=key, stance_label=LABELS[key], firmness=detail.firmness,
        disputed=detail.disputed, conditions=conditions_in_words(live[0].conditions) if live
        else [], latest=latest)


def compare_countries(*, dataset: Dataset, codes: list[str], as_of: date) -> Comparison:
    return Comparison(revision=dataset.revision, as_of=as_of, codes=codes,
                      countries=[column for code in codes
                                 if (column := _column(dataset, code, as_of)) is not None])
