"""Embeddable pages for other sites' iframes: `/embed/map` and `/embed/countries/{code}`.

Minimal pages (map, legend, a link back; no site chrome). Only paths under /embed/ may be framed
by other sites (the security-headers middleware, app/web/headers.py, sends frame-ancestors *)."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.routes.cached import html_page, kept
from app.routes.deps import AsOfQuery, DatasetDep, resolve_as_of
from app.services.embed import embed_view
from app.services.pagecache import Rendered

router = APIRouter(prefix="/embed", include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def embed_map(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    day = resolve_as_of(as_of)
    return kept(request, dataset, lambda: html_page(
        request, "embed_map.html", {"dataset": dataset,
                                    "view": embed_view(dataset=dataset, as_of=day)}))


@router.get("/countries/{code}", response_class=HTMLResponse)
def embed_country(request: Request, dataset: DatasetDep, code: str, as_of: AsOfQuery = None
                  ) -> Response:
    day = resolve_as_of(as_of)

    def render_page() -> Rendered:
        view = embed_view(dataset=dataset, as_of=day, code=code)
        if view is None:  # raised, so never kept
            raise HTTPException(404, detail=f"No country with code {code!r}.")
        return html_page(request, "embed_country.html", {"dataset": dataset, "view": view})

    return kept(request, dataset, render_page)
