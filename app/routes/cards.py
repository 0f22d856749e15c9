"""Share-card images for link previews: `/cards/countries/{code}.png` and `/cards/dashboard.png`
(1200x630 PNG, `?rev=N` honoured). A card that cannot be drawn answers 503 with a message.
The map to download, `/cards/map-download.svg` and `.png` (the same picture), lives here too."""

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.routes.cached import kept
from app.routes.deps import AsOfQuery, DatasetDep, resolve_as_of
from app.services.cards import (
    DASHBOARD,
    CardImage,
    CardUnavailable,
    card_path,
    country_card,
    dashboard_card,
    placeholder_png,
    requested_card,
)
from app.services.mapimage import MAP_DOWNLOAD, map_download_file, picture_figure
from app.services.pagecache import Rendered
from app.services.records import Dataset
from app.web.conditional import etag_matches

router = APIRouter(prefix="/cards", tags=["share cards"])
PNG_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}},
          "description": "1200x630 PNG; while the card is being drawn, its previous "
                         "image or a plain placeholder (Cache-Control: no-store)"},
    503: {"description": "The image renderer is not available on this server"},
}


def png_response(*, dataset: Dataset, name: str, card: dict[str, Any]) -> Response:
    """The card, or while it is being drawn (or not drawn on request) the placeholder image."""
    try:
        image = requested_card(dataset=dataset, name=name, card=card)
    except CardUnavailable as exc:
        raise HTTPException(503, detail=f"Share card unavailable: {exc}") from exc
    if image is None or not image.final:
        png = placeholder_png() if image is None else image.png
        return Response(png, media_type="image/png",
                        headers={"Cache-Control": "no-store", "Retry-After": "10"})
    return Response(image.png, media_type="image/png",
                    headers={"Cache-Control": "public, max-age=600"})


@router.get("/dashboard.png", response_class=Response, responses=PNG_RESPONSE)
def dashboard_png(dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    """The dashboard's card: the stance map of Europe with counts (`as_of`: on that date)."""
    card = dashboard_card(dataset=dataset, as_of=resolve_as_of(as_of), dated=as_of is not None)
    return png_response(dataset=dataset, name=DASHBOARD, card=card)


@router.get("/map-download.svg", response_class=Response)
def map_download_svg_file(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None
                          ) -> Response:
    """The map as an SVG file to download: title, date, legend and source line (`?rev=N`,
    `as_of`), drawn on the server and kept per revision."""
    day = resolve_as_of(as_of)
    name = f"{download_name(dataset, day)}.svg"
    return kept(request, dataset, lambda: Rendered(
        map_download_file(dataset=dataset, as_of=day, dated=as_of is not None),
        "image/svg+xml", headers=(("Content-Disposition", f'attachment; filename="{name}"'),)))


def download_name(dataset: Dataset, day: date) -> str:
    return f"coalition-tracker-map-rev{dataset.revision}-{day.isoformat()}"


MAP_PNG_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}},
          "description": "The map download as a PNG picture (twice the SVG's size, the same "
                         "content). While it is being drawn: the map picture drawn before it "
                         "(its own lines name its date and revision), or a plain placeholder, "
                         "with Cache-Control: no-store, Retry-After and a file name saying so"},
    304: {"description": "Not modified (If-None-Match)"},
    503: {"description": "The image renderer is not available on this server"},
}


@router.get("/map-download.png", response_class=Response, responses=MAP_PNG_RESPONSE)
def map_download_png_file(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None
                          ) -> Response:
    """The map download as a PNG picture: the SVG file's very content (title, date, map,
    legend, source line), drawn by the card renderer, kept per revision and date."""
    day = resolve_as_of(as_of)
    svg = map_download_file(dataset=dataset, as_of=day, dated=as_of is not None)
    card = picture_figure(svg)
    etag = f'"{card_path(dataset=dataset, name=MAP_DOWNLOAD, card=card).stem}"'
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers={"ETag": etag})
    try:
        image = requested_card(dataset=dataset, name=MAP_DOWNLOAD, card=card, any_revision=True)
    except CardUnavailable as exc:
        raise HTTPException(503, detail=f"Map picture unavailable: {exc}") from exc
    if image is None or not image.final:
        return map_stand_in(image)
    pinned = as_of is not None and "rev" in request.query_params
    return Response(image.png, media_type="image/png", headers={
        "ETag": etag, "Cache-Control": "public, max-age=86400" if pinned else "no-cache",
        "Content-Disposition": f'attachment; filename="{download_name(dataset, day)}.png"'})


def map_stand_in(image: CardImage | None) -> Response:
    """While the asked picture is drawn: the map picture drawn before it, else the placeholder,
    named as what they are and never cached."""
    name = "coalition-tracker-map-not-drawn-yet" if image is None else \
        "coalition-tracker-map-previously-drawn"
    return Response(placeholder_png() if image is None else image.png, media_type="image/png",
                    headers={"Cache-Control": "no-store", "Retry-After": "5",
                             "Content-Disposition": f'attachment; filename="{name}.png"'})


@router.get("/countries/{code}.png", response_class=Response, responses=PNG_RESPONSE)
def country_png(dataset: DatasetDep, code: str, as_of: AsOfQuery = None) -> Response:
    """A country's card: highlighted on the map in its stance colour, with stance and dates
    (`as_of`: the position on that date, which the card names)."""
    card = country_card(dataset=dataset, code=code, as_of=resolve_as_of(as_of),
                        dated=as_of is not None)
    if card is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    return png_response(dataset=dataset, name=code, card=card)
