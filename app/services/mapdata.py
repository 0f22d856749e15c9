"""What the stance map shows: one entry per dataset country (shape, colour, hover text, link), the
legend with counts, and a Plotly figure built from it. Shared by the dashboard, the country
locator map, the embeddable map and the share-card images, so nothing here knows about a page."""

import html
from datetime import date
from typing import Any

from pydantic import BaseModel

from app.dates import format_date
from app.labels import (
    HOST_LABEL,
    NOT_TRACKED_LABEL,
    STANCE_LABELS,
    TROOPS_NEARBY_LABEL,
)
from app.models import Location, Role, Stance
from app.palette import (
    HOST_COLOUR,
    HOST_TEXT_COLOUR,
    NOT_TRACKED_COLOUR,
    NOT_TRACKED_TEXT_COLOUR,
    STANCE_COLOURS,
    STANCE_TEXT_COLOURS,
    TROOPS_NEARBY_COLOUR,
    TROOPS_NEARBY_TEXT_COLOUR,
)
from app.services.countries import CountrySummary, list_countries
from app.services.records import Dataset

# Every European country (and its neighbours in the map's view) that has a shape in
# static/topojson/world_50m.json: ISO 3166-1 alpha-2 -> alpha-3, as Plotly's "ISO-3" mode needs.
EUROPE_ALPHA3: dict[str, str] = {
    "AD": "AND", "AL": "ALB", "AM": "ARM", "AT": "AUT", "AZ": "AZE", "BA": "BIH", "BE": "BEL",
    "BG": "BGR", "BY": "BLR", "CH": "CHE", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FO": "FRO", "FR": "FRA", "GB": "GBR", "GE": "GEO",
    "GR": "GRC", "HR": "HRV", "HU": "HUN", "IE": "IRL", "IS": "ISL", "IT": "ITA", "LI": "LIE",
    "LT": "LTU", "LU": "LUX", "LV": "LVA", "MC": "MCO", "MD": "MDA", "ME": "MNE", "MK": "MKD",
    "MT": "MLT", "NL": "NLD", "NO": "NOR", "PL": "POL", "PT": "PRT", "RO": "ROU", "RS": "SRB",
    "RU": "RUS", "SE": "SWE", "SI": "SVN", "SK": "SVK", "SM": "SMR", "TR": "TUR", "UA": "UKR",
    "VA": "VAT", "XK": "XKX",
}
# Partners beyond the map's view (listed beside it; their codes serve a world locator map).
PARTNER_ALPHA3: dict[str, str] = {
    "US": "USA", "CA": "CAN", "AU": "AUS", "JP": "JPN", "NZ": "NZL", "KR": "KOR",
}

EUROPE_VIEW: dict[str, Any] = {
    "scope": "world",
    "resolution": 50,
    "projection": {"type": "conic conformal", "parallels": [40, 65], "rotation": {"lon": 12}},
    "lonaxis": {"range": [-25, 45]},
    "lataxis": {"range": [33, 72]},
}
WORLD_VIEW: dict[str, Any] = {
    "scope": "world", "resolution": 50, "projection": {"type": "natural earth"},
}
LAND = {"showland": True, "landcolor": "#EEEEEE", "showcountries": True,
        "countrycolor": "#FFFFFF", "showcoastlines": True, "coastlinecolor": "#9E9E9E",
        "showframe": False, "bgcolor": "rgba(0,0,0,0)", "showlakes": False}


class MapCountry(BaseModel):
    key: str
    code: str
    alpha3: str | None
    name: str
    role: str
    is_host: bool
    stance: Stance
    stance_label: str
    colour: str
    text_colour: str
    latest_date: date | None
    latest_precision: str | None = None
    hover: str
    href: str
    disputed: bool = False


DISPUTED_MARK = "⚠"  # drawn on the map and shown in the table beside a disputed stance


class LegendEntry(BaseModel):
    key: str
    label: str
    colour: str
    text_colour: str
    count: int
    definition: str


class MapData(BaseModel):
    revision: int
    as_of: date
    in_view: list[MapCountry]
    outside: list[MapCountry]
    not_tracked: list[str]
    legend: list[LegendEntry]


TROOPS_NEARBY = "troops_nearby"
NOT_TRACKED = "not_tracked"

# What each category means: /about's codebook, the legend's hover text, the README.
STANCE_MEANINGS: dict[Stance, str] = {
    Stance.troops: "The country has said it will contribute troops to a force in or for Ukraine "
                   "(possibly under conditions). Troops that would deploy only in neighbouring "
                   "NATO states, not inside Ukraine, are shown apart.",
    Stance.logistics: "The country offers support short of troops: logistics, training, air or "
                      "naval support, bases, intelligence, equipment.",
    Stance.political_only: "The country supports the guarantees politically but has committed "
                           "no troops and no material support.",
    Stance.opposed: "The country has said it opposes or will not take part in the guarantees.",
    Stance.undeclared: "The country is tracked, but no commitment is recorded for it on that "
                       "date: the sources name it without a position, or it has stated none yet. "
                       "It does not mean the country said nothing. API key: undeclared.",
}
CATEGORY_MEANINGS: dict[str, str] = {
    TROOPS_NEARBY: "Troops offered only for neighbouring NATO states (for example Poland or "
                   "Romania), not for deployment inside Ukraine: a different offer from troops "
                   "in Ukraine.",
    "host": "Ukraine, where the guarantees would apply: a role, not a stance. Outlined and "
            "labelled on the map, not counted under a stance.",
    NOT_TRACKED: "The country is not in the dataset: no source used so far discusses its "
                 "position. Drawn in the land colour.",
}
# Background and text colour of each legend key (a stance, or "host"), for badges and swatches.
PALETTE: dict[str, tuple[str, str]] = {
    **{stance.value: (STANCE_COLOURS[stance], STANCE_TEXT_COLOURS[stance]) for stance in Stance},
    TROOPS_NEARBY: (TROOPS_NEARBY_COLOUR, TROOPS_NEARBY_TEXT_COLOUR),
    "host": (HOST_COLOUR, HOST_TEXT_COLOUR),
    NOT_TRACKED: (NOT_TRACKED_COLOUR, NOT_TRACKED_TEXT_COLOUR),
}
LABELS: dict[str, str] = {
    **{stance.value: label for stance, label in STANCE_LABELS.items()},
    TROOPS_NEARBY: TROOPS_NEARBY_LABEL, "host": HOST_LABEL, NOT_TRACKED: NOT_TRACKED_LABEL,
}
DEFINITIONS: dict[str, str] = {
    **{stance.value: meaning for stance, meaning in STANCE_MEANINGS.items()},
    **CATEGORY_MEANINGS,
}
LEGEND_ORDER = [Stance.troops.value, TROOPS_NEARBY, Stance.logistics.value,
                Stance.political_only.value, Stance.opposed.value, Stance.undeclared.value,
                "host", NOT_TRACKED]


def locator_alpha3(code: str) -> str | None:
    """The outline id (ISO alpha-3) a locator map draws for a country code, if it has one."""
    return EUROPE_ALPHA3.get(code.upper()) or PARTNER_ALPHA3.get(code.upper())


def palette_colour(key: str) -> str:
    """The fill colour of a legend key (a stance, or "host")."""
    return PALETTE[key][0]


def plotly_text(text: str) -> str:
    """Text as Plotly shows it: its labels and hovers read tags (<a href>, <b>) and entities,
    so a name typed with them is escaped to be shown as typed, never as a link."""
    return html.escape(text, quote=False)


def category(*, stance: Stance, role: str, troop_location: str | None) -> str:
    """The legend key a country is shown under: its role (host), or its stance (troops split by
    where they would deploy)."""
    if role == Role.host:
        return "host"
    if stance == Stance.troops and troop_location == Location.neighbouring_nato:
        return TROOPS_NEARBY
    return stance.value


def _hover(row: CountrySummary, key: str) -> str:
    latest = (f"latest statement {format_date(row.latest_date, row.latest_precision)}"
              if row.latest_date else "no commitment recorded")
    disputed = f" · {DISPUTED_MARK} disputed: sources disagree" if row.disputed else ""
    return f"{plotly_text(row.name)}: {LABELS[key]}, {latest}{disputed}"


def _map_country(row: CountrySummary) -> MapCountry:
    key = category(stance=row.stance, role=row.role, troop_location=row.troop_location)
    colour, text_colour = PALETTE[key]
    return MapCountry(
        key=key, code=row.code,
        alpha3=EUROPE_ALPHA3.get(row.code) or PARTNER_ALPHA3.get(row.code),
        name=row.name, role=row.role, is_host=key == "host", stance=row.stance,
        stance_label=LABELS[key], colour=colour, text_colour=text_colour,
        latest_date=row.latest_date, latest_precision=row.latest_precision,
        hover=_hover(row, key), href=row.url, disputed=row.disputed,
    )


def _legend(countries: list[MapCountry], not_tracked: int) -> list[LegendEntry]:
    """One entry per category with its count (host countries apart, by their role)."""
    counts = {key: sum(1 for c in countries if c.key == key) for key in LEGEND_ORDER}
    counts[NOT_TRACKED] = not_tracked
    return [LegendEntry(key=key, label=LABELS[key], colour=PALETTE[key][0],
                        text_colour=PALETTE[key][1], count=counts[key],
                        definition=DEFINITIONS[key])
            for key in LEGEND_ORDER if counts[key] or key != "host"]


def map_data(*, dataset: Dataset, as_of: date) -> MapData:
    """Every dataset country as the map shows it on `as_of`: drawn in view, or listed beside;
    and the countries in view that the dataset does not track."""
    countries = [_map_country(row) for row in list_countries(dataset=dataset, as_of=as_of)]
    tracked = {c.code for c in countries}
    not_tracked = sorted(a3 for code, a3 in EUROPE_ALPHA3.items() if code not in tracked)
    return MapData(
        revision=dataset.revision, as_of=as_of,
        in_view=[c for c in countries if c.code in EUROPE_ALPHA3],
        outside=[c for c in countries if c.code not in EUROPE_ALPHA3],
        not_tracked=not_tracked, legend=_legend(countries, len(not_tracked)),
    )


def _trace(countries: list[MapCountry], colour: str, *, outline: float) -> dict[str, Any]:
    return {
        "type": "choropleth", "locationmode": "ISO-3", "showscale": False,
        "locations": [c.alpha3 for c in countries], "z": [1] * len(countries),
        "colorscale": [[0, colour], [1, colour]],
        "text": [c.hover for c in countries], "customdata": [c.href for c in countries],
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"line": {"color": "#222222", "width": outline}},
    }


def _not_tracked_trace(codes: list[str]) -> dict[str, Any]:
    """Countries in view that the dataset does not track: hover says so; no link."""
    return {
        "type": "choropleth", "locationmode": "ISO-3", "showscale": False,
        "locations": codes, "z": [0] * len(codes),
        "colorscale": [[0, NOT_TRACKED_COLOUR], [1, NOT_TRACKED_COLOUR]],
        "hovertemplate": f"{NOT_TRACKED_LABEL}: not in the dataset<extra></extra>",
        "marker": {"line": {"color": "#9E9E9E", "width": 0.4}},
    }


def _host_label(hosts: list[MapCountry]) -> dict[str, Any]:
    return {
        "type": "scattergeo", "mode": "text", "locationmode": "ISO-3",
        "locations": [c.alpha3 for c in hosts],
        "text": [f"{plotly_text(c.name)} (host)" for c in hosts],
        "textfont": {"color": "#000000", "size": 12}, "hoverinfo": "skip",
    }


def _disputed_marks(disputed: list[MapCountry]) -> dict[str, Any]:
    """A symbol on each country whose current position is disputed (never colour alone)."""
    return {
        "type": "scattergeo", "mode": "text", "locationmode": "ISO-3",
        "locations": [c.alpha3 for c in disputed], "text": [DISPUTED_MARK] * len(disputed),
        "textfont": {"color": "#000000", "size": 16}, "hoverinfo": "skip",
        "textposition": "bottom center",
    }


def _traces(countries: list[MapCountry], not_tracked: list[str] | None = None
            ) -> list[dict[str, Any]]:
    """One choropleth trace per colour; hosts get a heavy outline and a text label too."""
    traces: list[dict[str, Any]] = [_not_tracked_trace(not_tracked)] if not_tracked else []
    for key in LEGEND_ORDER[:-2]:
        members = [c for c in countries if c.key == key]
        if members:
            traces.append(_trace(members, PALETTE[key][0],
                                 outline=1.6 if key == TROOPS_NEARBY else 0.6))
    hosts = [c for c in countries if c.is_host]
    if hosts:
        traces += [_trace(hosts, HOST_COLOUR, outline=2.5), _host_label(hosts)]
    disputed = [c for c in countries if c.disputed]
    if disputed:
        traces.append(_disputed_marks(disputed))
    return traces


def figure(*, data: MapData, height: int = 520) -> dict[str, Any]:
    """The Plotly figure (data + layout) of the stance map of Europe, JSON-serialisable."""
    return {
        "data": _traces([c for c in data.in_view if c.alpha3], data.not_tracked),
        "layout": {
            "geo": {**EUROPE_VIEW, **LAND}, "height": height, "showlegend": False,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "dragmode": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }


def locator_figure(*, data: MapData, code: str, height: int = 260) -> dict[str, Any]:
    """A small map locating one country: Europe when it lies in view, the world otherwise."""
    chosen = [c for c in data.in_view + data.outside if c.code == code.upper() and c.alpha3]
    view = EUROPE_VIEW if code.upper() in EUROPE_ALPHA3 else WORLD_VIEW
    return {
        "data": _traces(chosen),
        "layout": {
            "geo": {**view, **LAND}, "height": height, "showlegend": False,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "dragmode": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }
