"""What the public pages show, as data: each page and its JSON twin come from one call here."""

from datetime import date
from typing import Any

from pydantic import BaseModel

from app.models import Location, Role, Stance
from app.services.countries import CommitmentView, CountryDetail, CountrySummary, list_countries
from app.services.countries import get_country as country_detail
from app.services.mapdata import (
    STANCE_LABELS,
    STANCE_MEANINGS,
    MapData,
    figure,
    locator_figure,
    map_data,
)
from app.services.records import ConditionsRecord, Dataset

LOCATIONS: dict[str, str] = {
    Location.ukraine: "troops would be deployed inside Ukraine",
    Location.neighbouring_nato: "troops would stay in neighbouring NATO countries, not in Ukraine",
}
ROLE_LABELS: dict[str, str] = {
    Role.member: "Coalition member",
    Role.host: "Host country",
    Role.partner: "Partner",
    Role.non_member: "Not a member",
}

ROLE_MEANINGS: dict[Role, str] = {
    Role.member: "A country taking part in the coalition’s meetings.",
    Role.host: "Ukraine, where the guarantees would apply; marked on the map, not counted under "
               "a stance.",
    Role.partner: "A country outside the core coalition whose contribution is discussed (for "
                  "example the United States or Australia).",
    Role.non_member: "A country outside the coalition, listed because sources report its "
                     "position.",
}
DERIVATION = (
    "A country’s stance on a date D is the kind of its latest commitment dated on or before D "
    "that has not been retracted. Several commitments on the same date are ordered by when they "
    "were recorded: the one recorded last wins. A month-precision date counts from the first day "
    "of its month. With no such commitment the stance is “undeclared”. The current stance is the "
    "stance today."
)


class CodebookEntry(BaseModel):
    key: str
    label: str
    meaning: str


class Codebook(BaseModel):
    """What /about explains, as data: its JSON twin is /about.json."""

    revision: int
    stances: list[CodebookEntry]
    roles: list[CodebookEntry]
    derivation: str


def codebook(*, dataset: Dataset) -> Codebook:
    return Codebook(
        revision=dataset.revision,
        stances=[CodebookEntry(key=stance.value, label=STANCE_LABELS[stance], meaning=meaning)
                 for stance, meaning in STANCE_MEANINGS.items()],
        roles=[CodebookEntry(key=role.value, label=ROLE_LABELS[role], meaning=meaning)
               for role, meaning in ROLE_MEANINGS.items()],
        derivation=DERIVATION,
    )


class DashboardView(BaseModel):
    revision: int
    as_of: date
    stance: Stance | None
    query: str | None
    countries: list[CountrySummary]
    total: int
    map: MapData
    figure: dict[str, Any]


class CommitmentPage(CommitmentView):
    conditions_text: list[str]


class CountryPage(CountryDetail):
    revision: int
    as_of: date
    stance_label: str
    role_label: str
    paragraph: str
    commitments: list[CommitmentPage]  # type: ignore[assignment]
    locator: dict[str, Any]


def conditions_in_words(conditions: ConditionsRecord) -> list[str]:
    """The structured conditions of a commitment as sentences (unknown ones are left out)."""
    flags = [
        (conditions.after_ceasefire, "only after a ceasefire", "not waiting for a ceasefire"),
        (conditions.us_backstop, "only with a United States backstop",
         "without requiring a United States backstop"),
        (conditions.parliament_approval, "subject to approval by parliament",
         "no parliamentary approval needed"),
        (conditions.non_combat, "in a non-combat role only", "combat role not excluded"),
    ]
    words = [yes if value else no for value, yes, no in flags if value is not None]
    if conditions.location:
        words.append(LOCATIONS.get(conditions.location, f"location: {conditions.location}"))
    if conditions.troop_numbers:
        words.append(f"troop numbers: {conditions.troop_numbers}")
    if conditions.other:
        words.append(conditions.other)
    return [word[0].upper() + word[1:] for word in words]


def dashboard(
    *, dataset: Dataset, as_of: date, stance: Stance | None = None, query: str | None = None
) -> DashboardView:
    """The map of every country on `as_of`, and the table filtered by stance and name."""
    data = map_data(dataset=dataset, as_of=as_of)
    rows = list_countries(dataset=dataset, as_of=as_of, stance=stance, query=query)
    return DashboardView(
        revision=dataset.revision, as_of=as_of, stance=stance, query=query or None,
        countries=rows, total=len(dataset.countries), map=data, figure=figure(data=data),
    )


def _paragraph(detail: CountryDetail, as_of: date) -> str:
    live = [c for c in detail.commitments if not c.retracted]
    if not live:
        return (f"{detail.name} had made no recorded commitment as of {as_of.isoformat()}: "
                "its stance is undeclared.")
    latest = live[0]
    sources = "source" if detail.source_count == 1 else "sources"
    return (f"As of {as_of.isoformat()}, {detail.name}'s stance is "
            f"{STANCE_LABELS[detail.stance].lower()}, from its statement of "
            f"{latest.date.isoformat()}: {latest.summary} The record holds {len(live)} "
            f"commitment{'s' if len(live) != 1 else ''} backed by {detail.source_count} {sources}.")


def country_page(*, dataset: Dataset, code: str, as_of: date) -> CountryPage | None:
    detail = country_detail(dataset=dataset, code=code, as_of=as_of)
    if detail is None:
        return None
    commitments = [
        CommitmentPage(**c.model_dump(), conditions_text=conditions_in_words(c.conditions))
        for c in detail.commitments
    ]
    return CountryPage(
        **detail.model_dump(exclude={"commitments"}), commitments=commitments,
        revision=dataset.revision, as_of=as_of, stance_label=STANCE_LABELS[detail.stance],
        role_label=ROLE_LABELS.get(detail.role, detail.role),
        paragraph=_paragraph(detail, as_of),
        locator=locator_figure(data=map_data(dataset=dataset, as_of=as_of), code=detail.code),
    )


def find_country_code(*, dataset: Dataset, text: str) -> str | None:
    """The code of the country whose code or name is `text` (any case), if there is one."""
    wanted = text.strip().casefold()
    for country in dataset.countries:
        if wanted in (country.code.casefold(), country.name.casefold()):
            return country.code
    return None
