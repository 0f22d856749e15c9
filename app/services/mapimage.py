"""The map download as a PNG picture (issue 14): the very SVG file of `/cards/map-download.svg`
(title, date line, the map with the recognised borders of static/topojson, the legend in words,
the source line with revision, address and CC BY 4.0), drawn by the share-card renderer
(headless Chromium, app/services/renderer.py) at twice its size. One drawing, so the two
files cannot differ.

The picture is a share card like the others (app/services/cards.py): named by a hash of what it
shows (so per revision and date), drawn once, by the card worker process when there is one,
pre-drawn for the latest revision after each publish, and answered at once while it is drawn
(the previous map picture or the placeholder, never a wait or a 5xx)."""

import base64
import re
from datetime import date
from typing import Any

from app.config import get_settings
from app.services.pageviews import map_download
from app.services.records import Dataset
from app.services.revisions import pinned_url

MAP_DOWNLOAD = "mapdownload"  # the card's name: its images are mapdownload-<hash>.png
SCALE = 2  # pixels per SVG unit: a 1200-pixel-wide picture from the 600-unit SVG
_SIZE = re.compile(r'<svg [^>]*?width="(\d+)" height="(\d+)"')


def download_address(*, revision: int, as_of: date | None) -> str:
    """The dashboard view a downloaded map shows, pinned to its revision (and its date when one
    was asked for): the address printed in its source line."""
    query = [("as_of", as_of.isoformat())] if as_of else []
    return pinned_url(base=get_settings().public_base_url, path="/", query=query,
                      revision=revision)


def map_download_file(*, dataset: Dataset, as_of: date, dated: bool) -> str:
    """The map download as SVG: positions on `as_of`; `dated`: the date was asked for, so the
    address names it."""
    address = download_address(revision=dataset.revision, as_of=as_of if dated else None)
    return map_download(dataset=dataset, as_of=as_of, address=address)


def svg_size(svg: str) -> tuple[int, int]:
    """Width and height of an SVG file's outermost element."""
    found = _SIZE.search(svg)
    if found is None:
        raise ValueError("the SVG has no width and height")
    return int(found.group(1)), int(found.group(2))


def picture_figure(svg: str) -> dict[str, Any]:
    """A Plotly figure that is only `svg`, filling a page SCALE times its size (kaleido renders
    figures: this one draws the SVG as a vector image, sharp at any scale)."""
    width, height = svg_size(svg)
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    return {"data": [], "layout": {
        "width": width * SCALE, "height": height * SCALE,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        "paper_bgcolor": "#FFFFFF", "plot_bgcolor": "#FFFFFF",
        "xaxis": hidden, "yaxis": hidden, "showlegend": False,
        "images": [{"source": source, "xref": "paper", "yref": "paper", "x": 0, "y": 1,
                    "sizex": 1, "sizey": 1, "xanchor": "left", "yanchor": "top",
                    "sizing": "stretch", "layer": "above"}],
    }}


def map_picture_card(*, dataset: Dataset, as_of: date, dated: bool = False) -> dict[str, Any]:
    """The card (figure) of the map download of `dataset` on `as_of`."""
    return picture_figure(map_download_file(dataset=dataset, as_of=as_of, dated=dated))

