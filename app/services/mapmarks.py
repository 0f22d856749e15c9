"""What the dashboard adds to the stance map (issue 13): the countries whose stance changed
between two dates (outlined, marked with a symbol, "from → to" in their hover), the dimming of
countries outside a chosen stance, the table's sort order, and a map sized by its container.

Everything is computed from one per-revision Dataset (the same one for both dates)."""

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from app.dates import format_date
from app.models import Stance
from app.services.countries import CountrySummary
from app.services.mapdata import LEGEND_ORDER, MapCountry, MapData, category

CHANGE_MARK = "◆"  # the symbol drawn on a changed country and shown beside the list below
DIMMED_OPACITY = 0.25
CHANGED_OUTLINE = {"color": "#000000", "width": 3.0}


class DateChange(BaseModel):
    """One country whose stance on `since` differs from its stance on the date shown."""

    code: str
    name: str
    href: str
    on_map: bool
    before_key: str
    before_label: str
    after_key: str
    after_label: str


def date_changes(*, before: MapData, after: MapData) -> list[DateChange]:
    """Countries whose stance differs between two maps of one dataset, by name."""
    earlier = {c.code: c for c in before.in_view + before.outside}
    changes = [
        DateChange(code=c.code, name=c.name, href=c.href, on_map=c in after.in_view,
                   before_key=earlier[c.code].key, before_label=earlier[c.code].stance_label,
                   after_key=c.key, after_label=c.stance_label)
        for c in after.in_view + after.outside
        if c.code in earlier and earlier[c.code].stance != c.stance
    ]
    return sorted(changes, key=lambda change: change.name)


def _with_change(country: MapCountry, change: DateChange | None, since: date) -> MapCountry:
    if change is None:
        return country
    hover = (f"{country.hover}<br>{CHANGE_MARK} Changed since {format_date(since)}: "
             f"{change.before_label} → {change.after_label}")
    return country.model_copy(update={"hover": hover})


def with_change_hovers(*, data: MapData, changes: list[DateChange], since: date) -> MapData:
    """The map with "from → to" added to the hover of each changed country."""
    by_code = {change.code: change for change in changes}
    return data.model_copy(update={
        "in_view": [_with_change(c, by_code.get(c.code), since) for c in data.in_view],
        "outside": [_with_change(c, by_code.get(c.code), since) for c in data.outside],
    })


def _is_dimmed(country: MapCountry | None, stance: Stance | None) -> bool:
    return stance is not None and (country is None or
                                   (not country.is_host and country.stance != stance))


def _emphasise(trace: dict[str, Any], by_alpha3: dict[str, MapCountry], stance: Stance | None,
               changed: set[str]) -> dict[str, Any]:
    """One choropleth trace, dimmed when its countries are outside `stance`, with a heavy black
    outline around each changed country."""
    if trace.get("type") != "choropleth":
        return trace
    locations: list[str] = trace["locations"]
    line = dict(trace.get("marker", {}).get("line", {}))
    width, colour = line.get("width", 0.6), line.get("color", "#222222")
    line["width"] = [CHANGED_OUTLINE["width"] if a3 in changed else width for a3 in locations]
    line["color"] = [CHANGED_OUTLINE["color"] if a3 in changed else colour for a3 in locations]
    # One trace draws one category (one stance), so it is dimmed as a whole: plotly.js 4.1
    # applies a scalar opacity to a choropleth trace, not one per location.
    dimmed = all(_is_dimmed(by_alpha3.get(a3), stance) for a3 in locations)
    opacity = DIMMED_OPACITY if dimmed else 1.0
    return {**trace, "marker": {**trace.get("marker", {}), "line": line, "opacity": opacity}}


def _change_symbols(alpha3s: list[str]) -> dict[str, Any]:
    """A symbol on each changed country: the mark is a shape, never colour alone."""
    return {
        "type": "scattergeo", "mode": "markers", "locationmode": "ISO-3",
        "locations": alpha3s, "hoverinfo": "skip", "name": "changed",
        "marker": {"symbol": "diamond", "size": 12, "color": "#000000",
                   "line": {"color": "#FFFFFF", "width": 1.5}},
    }


def marked_figure(*, fig: dict[str, Any], data: MapData, stance: Stance | None,
                  changes: list[DateChange]) -> dict[str, Any]:
    """The dashboard's figure: dimmed and marked as above, and sized by its container (CSS
    aspect-ratio with Plotly's responsive autosize; no fixed height)."""
    by_alpha3 = {c.alpha3: c for c in data.in_view if c.alpha3}
    codes = {change.code for change in changes}
    changed = {alpha3 for alpha3, country in by_alpha3.items() if country.code in codes}
    traces = [_emphasise(trace, by_alpha3, stance, changed) for trace in fig["data"]]
    if changed:
        traces.append(_change_symbols(sorted(changed)))
    layout = {key: value for key, value in fig["layout"].items() if key != "height"}
    return {"data": traces, "layout": {**layout, "autosize": True}}


class TableSort(StrEnum):
    """The dashboard table's orders (`sort=` in the address; "-" first means descending)."""

    name = "name"
    name_desc = "-name"
    stance = "stance"
    stance_desc = "-stance"
    latest = "latest"
    latest_desc = "-latest"
    sources = "sources"
    sources_desc = "-sources"


def _stance_rank(row: CountrySummary) -> int:
    key = category(stance=row.stance, role=row.role, troop_location=row.troop_location)
    return LEGEND_ORDER.index(key)


def sorted_rows(*, rows: list[CountrySummary], sort: TableSort | None) -> list[CountrySummary]:
    """The table's rows in the asked order (by name within ties; undated rows last by date)."""
    by_name = sorted(rows, key=lambda row: row.name.casefold())
    if sort is None or sort == TableSort.name:
        return by_name
    reverse = sort.value.startswith("-")
    column = sort.value.lstrip("-")
    if column == "name":
        return list(reversed(by_name))
    if column == "latest":
        dated = [row for row in by_name if row.latest_date is not None]
        undated = [row for row in by_name if row.latest_date is None]
        return sorted(dated, key=lambda row: row.latest_date or date.min,
                      reverse=reverse) + undated
    if column == "stance":
        return sorted(by_name, key=_stance_rank, reverse=reverse)
    return sorted(by_name, key=lambda row: row.source_count, reverse=reverse)
