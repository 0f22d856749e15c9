"""What the stance map shows: one entry per dataset country (shape, colour, hover text, link), the
legend with counts, and a Plotly figure built from it. Shared by the dashboard, the country
locator map, the embeddable map and the share-card images, so nothing here knows about a page."""

import html
from datetime import date
from typing import Any

from pydantic import BaseModel

from app.models import Role, Stance
from app.palette import (
    HOST_COLOUR,
    HOST_TEXT_COLOUR,
    STANCE_COLOURS,
    STANCE_TEXT_COLOURS,
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
    "VA": "VAT",
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
    hover: str
    href: str


class LegendEntry(BaseModel):
    key: str
    label: str
    colour: str
    text_colour: str
    count: int


class MapData(BaseModel):
    revision: int
    as_of: date
    in_view: list[MapCountry]
    outside: list[MapCountry]
    legend: list[LegendEntry]


STANCE_LABELS: dict[Stance, str] = {
    Stance.troops: "Troops",
    Stance.logistics: "Logistics",
    Stance.political_only: "Political only",
    Stance.opposed: "Opposed",
    Stance.undeclared: "Undeclared",
}
HOST_LABEL = "Host country"
# Background and text colour of each legend key (a stance, or "host"), for badges and swatches.
PALETTE: dict[str, tuple[str, str]] = {
    **{stance.value: (STANCE_COLOURS[stance], STANCE_TEXT_COLOURS[stance]) for stance in Stance},
    "host": (HOST_COLOUR, HOST_TEXT_COLOUR),
}


def plotly_text(text: str) -> str:
    """Text as Plotly shows it: its labels and hovers read tags (<a href>, <b>) and entities,
    so a name typed with them is escaped to be shown as typed, never as a link."""
    return html.escape(text, quote=False)


def _hover(row: CountrySummary, is_host: bool) -> str:
    stance = STANCE_LABELS[row.stance] + (" (host country)" if is_host else "")
    latest = (f"latest statement {row.latest_date.isoformat()}" if row.latest_date
              else "no statement recorded")
    return f"{plotly_text(row.name)}: {stance}, {latest}"


def _map_country(row: CountrySummary) -> MapCountry:
    is_host = row.role == Role.host
    return MapCountry(
        code=row.code, alpha3=EUROPE_ALPHA3.get(row.code) or PARTNER_ALPHA3.get(row.code),
        name=row.name, role=row.role, is_host=is_host, stance=row.stance,
        stance_label=STANCE_LABELS[row.stance],
        colour=HOST_COLOUR if is_host else STANCE_COLOURS[row.stance],
        text_colour=HOST_TEXT_COLOUR if is_host else STANCE_TEXT_COLOURS[row.stance],
        latest_date=row.latest_date, hover=_hover(row, is_host), href=row.url,
    )


def _legend(countries: list[MapCountry]) -> list[LegendEntry]:
    """One entry per stance with its count; host countries are counted apart, by their role."""
    entries = [
        LegendEntry(key=stance.value, label=STANCE_LABELS[stance], colour=STANCE_COLOURS[stance],
                    text_colour=STANCE_TEXT_COLOURS[stance],
                    count=sum(1 for c in countries if c.stance == stance and not c.is_host))
        for stance in Stance
    ]
    hosts = sum(1 for c in countries if c.is_host)
    if hosts:
        entries.append(LegendEntry(key="host", label=HOST_LABEL, colour=HOST_COLOUR,
                                   text_colour=HOST_TEXT_COLOUR, count=hosts))
    return entries


def map_data(*, dataset: Dataset, as_of: date) -> MapData:
    """Every dataset country as the map shows it on `as_of`: drawn in view, or listed beside."""
    countries = [_map_country(row) for row in list_countries(dataset=dataset, as_of=as_of)]
    return MapData(
        revision=dataset.revision, as_of=as_of,
        in_view=[c for c in countries if c.code in EUROPE_ALPHA3],
        outside=[c for c in countries if c.code not in EUROPE_ALPHA3],
        legend=_legend(countries),
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


def _host_label(hosts: list[MapCountry]) -> dict[str, Any]:
    return {
        "type": "scattergeo", "mode": "text", "locationmode": "ISO-3",
        "locations": [c.alpha3 for c in hosts],
        "text": [f"{plotly_text(c.name)} (host)" for c in hosts],
        "textfont": {"color": "#000000", "size": 12}, "hoverinfo": "skip",
    }


def _traces(countries: list[MapCountry]) -> list[dict[str, Any]]:
    """One choropleth trace per colour; hosts get a heavy outline and a text label too."""
    traces: list[dict[str, Any]] = []
    for stance in Stance:
        members = [c for c in countries if c.stance == stance and not c.is_host]
        if members:
            traces.append(_trace(members, STANCE_COLOURS[stance], outline=0.6))
    hosts = [c for c in countries if c.is_host]
    if hosts:
        traces += [_trace(hosts, HOST_COLOUR, outline=2.5), _host_label(hosts)]
    return traces


def figure(*, data: MapData, height: int = 520) -> dict[str, Any]:
    """The Plotly figure (data + layout) of the stance map of Europe, JSON-serialisable."""
    return {
        "data": _traces([c for c in data.in_view if c.alpha3]),
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
