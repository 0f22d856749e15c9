"""What the public pages show, as data: each page and its JSON twin come from one call here."""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from app.config import get_settings
from app.dates import format_date
from app.labels import ROLE_LABELS, STANCE_LABELS
from app.models import Attribution, Firmness, Location, Role, Stance
from app.services.countries import CommitmentView, CountryDetail, CountrySummary, list_countries
from app.services.countries import get_country as country_detail
from app.services.mapdata import (
    DEFINITIONS,
    LABELS,
    LEGEND_ORDER,
    STANCE_MEANINGS,
    MapData,
    category,
    figure,
    locator_alpha3,
    map_data,
    palette_colour,
)
from app.services.mapmarks import (
    DateChange,
    TableSort,
    date_changes,
    marked_figure,
    sorted_rows,
    with_change_hovers,
)
from app.services.mapsvg import Caption, locator_svg, map_download_svg, map_picture_svg
from app.services.records import ConditionsRecord, Dataset
from app.services.stances import stance_on

LOCATIONS: dict[str, str] = {
    Location.ukraine: "troops would be deployed inside Ukraine",
    Location.neighbouring_nato: "troops would stay in neighbouring NATO countries, not in Ukraine",
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
    "of its month. With no such commitment the country shows “No commitment recorded” (API key "
    "“undeclared”): it is tracked, but no commitment is on record, which is not the same as "
    "having said nothing. A country outside the dataset is “Not tracked”. The host, Ukraine, has "
    "a role, not a stance: it is shown as “Host country” everywhere. A troops commitment whose "
    "stated location is neighbouring NATO states only (not inside Ukraine) is shown apart, as "
    "“Troops, in neighbouring NATO states only”. The current stance is the stance today."
)
DATES_EXPLAINED = (
    "“Latest recorded statement” is the date of the newest commitment on record, not today’s "
    "date; “Positions last reviewed” is when curators last checked every country’s position "
    "against the news (an audited action). A notice appears when the newest evidence is older "
    "than {days} days. Dates of month precision are written “Jan 2026”, day dates “6 Jan 2026”; "
    "downloads keep the ISO date with its precision. A date in the future is refused."
)


ATTRIBUTION_MEANINGS: dict[Attribution, tuple[str, str]] = {
    Attribution.direct: ("Direct quote", "The named speaker’s own words, standing inside "
                         "quotation marks in the source. Shown as “Name said: “…””."),
    Attribution.reported: ("Reported", "The outlet’s paraphrase of what a named person said or "
                           "decided (“Merz said Germany could…”). Shown as “Reported by {outlet}, "
                           "paraphrasing Name: …”."),
    Attribution.outlet: ("Outlet’s reporting", "The outlet’s own reporting or analysis, with no "
                         "speaker. Shown as “{outlet} reported: …”."),
}
FIRMNESS_MEANINGS: dict[Firmness, tuple[str, str]] = {
    Firmness.firm: ("Firm", "Stated as a decision or a commitment (conditions, such as “after a "
                    "ceasefire”, are recorded separately)."),
    Firmness.tentative: ("Tentative", "Hedged (“could”, “might”, “potential”, “would prefer”), "
                         "reported but unconfirmed, conditional on something still undecided, "
                         "or only floated."),
}
DISPUTES = (
    "A commitment is disputed when sources disagree about a country’s position: either two "
    "commitments in force on the same date give different kinds or contradicting conditions, or a "
    "curator marks the commitment disputed with a reason and the conflicting citation. A disputed "
    "commitment still counts for the stance; the country page shows both accounts side by side, "
    "and the table and the map mark the country with ⚠ (a symbol, never colour alone). The API "
    "and the downloads carry `disputed` and the reason."
)
EVENTS = (
    "An event is a meeting, a call or a document (for example the Paris summit of 6 January "
    "2026). It has a date with its precision and how the date was established, a place when the "
    "sources give one, a summary, and coalition-level facts with their own citations: how many "
    "countries attended or were said to be willing, force sizes floated, what the United States "
    "offered or declined, and who signed which declaration. A commitment may link to the event "
    "at which it was made. A country that signs a document is listed as a signatory; a "
    "signature is not a stance (the host, Ukraine, signs without having a stance)."
)


class CodebookEntry(BaseModel):
    key: str
    label: str
    meaning: str


class Codebook(BaseModel):
    """What /about explains, as data: its JSON twin is /about.json."""

    revision: int
    stances: list[CodebookEntry]
    categories: list[CodebookEntry]
    roles: list[CodebookEntry]
    derivation: str
    attributions: list[CodebookEntry] = []
    firmness: list[CodebookEntry] = []
    disputes: str = DISPUTES
    events: str = EVENTS
    dates: str


def codebook(*, dataset: Dataset) -> Codebook:
    return Codebook(
        revision=dataset.revision,
        stances=[CodebookEntry(key=stance.value, label=STANCE_LABELS[stance], meaning=meaning)
                 for stance, meaning in STANCE_MEANINGS.items()],
        categories=[CodebookEntry(key=key, label=LABELS[key], meaning=DEFINITIONS[key])
                    for key in LEGEND_ORDER],
        roles=[CodebookEntry(key=role.value, label=ROLE_LABELS[role], meaning=meaning)
               for role, meaning in ROLE_MEANINGS.items()],
        derivation=DERIVATION,
        attributions=[CodebookEntry(key=key.value, label=label, meaning=meaning)
                      for key, (label, meaning) in ATTRIBUTION_MEANINGS.items()],
        firmness=[CodebookEntry(key=key.value, label=label, meaning=meaning)
                  for key, (label, meaning) in FIRMNESS_MEANINGS.items()],
        dates=DATES_EXPLAINED.format(days=get_settings().stale_after_days),
    )


class Dates(BaseModel):
    """What the dates on a page mean: the newest evidence, the last review, how stale it is, and
    the range a reader may ask about (the date inputs' min and max)."""

    as_of: date
    is_past: bool
    latest_statement: date | None
    latest_precision: str | None
    reviewed_on: date | None
    stale: bool
    stale_after_days: int
    earliest: date | None
    today: date
    later_commitments: int


class DashboardView(BaseModel):
    revision: int
    as_of: date
    stance: Stance | None
    query: str | None
    countries: list[CountrySummary]
    total: int
    map: MapData
    figure: dict[str, Any]
    dates: Dates
    change_dates: list[date] = []
    since: date | None = None
    sort: TableSort | None = None
    date_changes: list[DateChange] = []
    # The map as a still picture (inline SVG) shown until Plotly has drawn: not in the JSON twin.
    picture: str = Field(default="", exclude=True)


def stance_change_dates(*, dataset: Dataset, until: date) -> list[date]:
    """The dates (up to `until`) on which any country's stance changed: the time slider's stops.
    A country's stance can change only on the date of one of its live commitments, so each day
    looks at the countries with a commitment dated that day."""
    tracked = {country.code for country in dataset.countries}
    days: dict[date, set[str]] = defaultdict(set)
    for commitment in dataset.commitments:
        if not commitment.is_retracted and commitment.date <= until:
            days[commitment.date].add(commitment.country_code)
    changed, current = [], dict.fromkeys(tracked, Stance.undeclared)
    for day in sorted(days):
        moved = False
        for code in days[day] & tracked:
            stance = stance_on(dataset.commitments_of(code), day)
            moved = moved or stance != current[code]
            current[code] = stance
        if moved:
            changed.append(day)
    return changed


def _reviewed_on(dataset: Dataset) -> date | None:
    """The day by which every tracked country had last been reviewed (None: one never was)."""
    marks: list[datetime | None] = [country.reviewed_at for country in dataset.countries]
    if not marks or any(mark is None for mark in marks):
        return None
    return min(mark for mark in marks if mark is not None).date()


def page_dates(*, dataset: Dataset, as_of: date, today: date, code: str | None = None) -> Dates:
    """The dates shown on the dashboard (code None) or on one country's page."""
    records = [c for c in dataset.commitments
               if not c.is_retracted and (code is None or c.country_code == code)]
    shown = [c for c in records if c.date <= as_of]
    latest = max(shown, key=lambda c: (c.date, c.id), default=None)
    country = dataset.country(code) if code else None
    reviewed = (country.reviewed_at.date() if country and country.reviewed_at else None
                ) if code else _reviewed_on(dataset)
    limit = get_settings().stale_after_days
    return Dates(
        as_of=as_of, is_past=as_of < today,
        latest_statement=latest.date if latest else None,
        latest_precision=latest.date_precision if latest else None,
        reviewed_on=reviewed, stale_after_days=limit,
        stale=latest is not None and (today - latest.date).days > limit and as_of >= today,
        earliest=min((c.date for c in dataset.commitments), default=None), today=today,
        later_commitments=sum(1 for c in records if c.date > as_of),
    )


class CommitmentPage(CommitmentView):
    conditions_text: list[str]


class CountryPage(CountryDetail):
    revision: int
    as_of: date
    category: str
    stance_label: str
    role_label: str
    paragraph: str
    commitments: list[CommitmentPage]  # type: ignore[assignment]
    # The locator map as inline SVG (drawn on the server; no Plotly): not part of the JSON twin.
    locator_svg: str | None = Field(default=None, exclude=True)
    dates: Dates


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
    *, dataset: Dataset, as_of: date, today: date, stance: Stance | None = None,
    query: str | None = None, since: date | None = None, sort: TableSort | None = None,
) -> DashboardView:
    """The map of every country on `as_of` (countries outside `stance` dimmed; with `since`,
    those whose stance changed between `since` and `as_of` marked), and the table filtered by
    stance and name, in `sort` order."""
    data = map_data(dataset=dataset, as_of=as_of)
    changes = (date_changes(before=map_data(dataset=dataset, as_of=since), after=data)
               if since else [])
    if since:
        data = with_change_hovers(data=data, changes=changes, since=since)
    rows = list_countries(dataset=dataset, as_of=as_of, stance=stance, query=query)
    shown = marked_figure(fig=figure(data=data), data=data, stance=stance, changes=changes)
    return DashboardView(
        revision=dataset.revision, as_of=as_of, stance=stance, query=query or None,
        countries=sorted_rows(rows=rows, sort=sort), total=len(dataset.countries), map=data,
        figure=shown, picture=map_picture(data=data),
        dates=page_dates(dataset=dataset, as_of=as_of, today=today),
        change_dates=stance_change_dates(dataset=dataset, until=today),
        since=since, sort=sort, date_changes=changes,
    )


def _paragraph(detail: CountryDetail, as_of: date, label: str) -> str:
    live = [c for c in detail.commitments if not c.retracted]
    when = format_date(as_of)
    if detail.role == Role.host:
        return (f"{detail.name} is the host country: the guarantees would apply on its territory. "
                "It has a role, not a stance.")
    if not live:
        return f"No commitment by {detail.name} is recorded as of {when}."
    latest = live[0]
    sources = "source" if detail.source_count == 1 else "sources"
    return (f"As of {when}, {detail.name}'s position is “{label}”, from its statement of "
            f"{format_date(latest.date, latest.date_precision)}: {latest.summary} The record "
            f"holds {len(live)} commitment{'s' if len(live) != 1 else ''} backed by "
            f"{detail.source_count} {sources}.")


def map_picture(*, data: MapData) -> str:
    """The dashboard map as a still SVG picture, coloured as Plotly will draw it."""
    shown = [c for c in data.in_view if c.alpha3]
    return map_picture_svg(fills=tuple((c.alpha3, c.colour) for c in shown if c.alpha3),
                           outlined=tuple(c.alpha3 for c in shown if c.is_host and c.alpha3))


def map_download(*, dataset: Dataset, as_of: date, address: str) -> str:
    """The map as a downloadable SVG file with its title, date and source line."""
    data = map_data(dataset=dataset, as_of=as_of)
    caption = Caption(
        title="Where countries stand on security guarantees for Ukraine",
        dated=f"Positions on {format_date(as_of)} · Coalition Tracker revision {dataset.revision}",
        source=(f"Source: Coalition Tracker, revision {dataset.revision} (published "
                f"{dataset.published_at.strftime('%Y-%m-%d')}), {address}. Data CC BY 4.0."))
    legend = tuple((entry.label, entry.colour, entry.count) for entry in data.legend)
    return map_download_svg(picture=map_picture(data=data), caption=caption, legend=legend)


def _locator(*, code: str, name: str, key: str) -> str | None:
    alpha3 = locator_alpha3(code)
    if alpha3 is None:
        return None
    return locator_svg(alpha3=alpha3, name=name, colour=palette_colour(key), label=LABELS[key])


def country_page(*, dataset: Dataset, code: str, as_of: date, today: date
                 ) -> CountryPage | None:
    detail = country_detail(dataset=dataset, code=code, as_of=as_of)
    if detail is None:
        return None
    key = category(stance=detail.stance, role=detail.role, troop_location=detail.troop_location)
    commitments = [
        CommitmentPage(**c.model_dump(), conditions_text=conditions_in_words(c.conditions))
        for c in detail.commitments
    ]
    return CountryPage(
        **detail.model_dump(exclude={"commitments"}), commitments=commitments,
        revision=dataset.revision, as_of=as_of, category=key, stance_label=LABELS[key],
        role_label=ROLE_LABELS[detail.role],
        paragraph=_paragraph(detail, as_of, LABELS[key]),
        locator_svg=_locator(code=detail.code, name=detail.name, key=key),
        dates=page_dates(dataset=dataset, as_of=as_of, today=today, code=detail.code),
    )


def find_country_code(*, dataset: Dataset, text: str) -> str | None:
    """The code of the country whose code or name is `text` (any case), if there is one."""
    wanted = text.strip().casefold()
    for country in dataset.countries:
        if wanted in (country.code.casefold(), country.name.casefold()):
            return country.code
    return None
