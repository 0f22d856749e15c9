"""What the embeddable pages show: the stance map (or one country's locator map) whose clicks
open the country's page on this site in a new tab, never inside the host page's iframe."""

from datetime import date
from typing import Any

from pydantic import BaseModel

from app.config import get_settings
from app.services.mapdata import MapCountry, MapData, figure, locator_figure, map_data
from app.services.records import Dataset


class EmbedView(BaseModel):
    map: MapData
    country: MapCountry | None
    figure: dict[str, Any]
    links: dict[str, str]


def _without_links(fig: dict[str, Any]) -> dict[str, Any]:
    """The figure with no in-frame navigation (map.js follows `customdata` in the same frame)."""
    traces = [{k: v for k, v in trace.items() if k != "customdata"} for trace in fig["data"]]
    return {**fig, "data": traces}


def _links(countries: list[MapCountry]) -> dict[str, str]:
    base = get_settings().public_base_url.rstrip("/")
    return {c.alpha3: base + c.href for c in countries if c.alpha3}


def embed_view(*, dataset: Dataset, as_of: date, code: str | None = None) -> EmbedView | None:
    """The whole map, or one country's locator map (None when there is no such country)."""
    data = map_data(dataset=dataset, as_of=as_of)
    if code is None:
        return EmbedView(map=data, country=None, links=_links(data.in_view),
                         figure=_without_links(figure(data=data, height=420)))
    country = next((c for c in data.in_view + data.outside if c.code == code.upper()), None)
    if country is None:
        return None
    fig = locator_figure(data=data, code=country.code, height=300)
    return EmbedView(map=data, country=country, links=_links([country]),
                     figure=_without_links(fig))
