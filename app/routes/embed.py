"""Embeddable pages for other sites' iframes: `/embed/map` and `/embed/countries/{code}`.

Minimal pages (map, legend, a link back; no site chrome). Only paths under /embed/ may be framed
by other sites (the security-headers middleware, app/web/headers.py, sends frame-ancestors *)."""

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.routes.cached import html_page, kept_answer
from app.routes.deps import AsOfQuery, DatasetDep, resolve_as_of
from app.services.embed import embed_view
from app.services.pagecache import Rendered
from app.services.records import Dataset

router = APIRouter(prefix="/embed", include_in_schema=False)


@dataclass(frozen=True)
class EmbedAnswer:
    """The embedded map, or one country's embed when `code` is given (404 if unknown: raised,
    so never kept)."""

    request: Request
    dataset: Dataset
    day: date
    code: str | None = None

    def render(self) -> Rendered:
        view = embed_view(dataset=self.dataset, as_of=self.day, code=self.code)
        if view is None:
            raise HTTPException(404, detail=f"No country with code {self.code!r}.")
        name = "embed_map.html" if self.code is None else "embed_country.html"
        return html_page(self.request, name, {"dataset": self.dataset, "view": view})


@router.get("/map", response_class=HTMLResponse)
def embed_map(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    return kept_answer(request, dataset=dataset, answer=EmbedAnswer(
        request=request, dataset=dataset, day=resolve_as_of(as_of)))


@router.get("/countries/{code}", response_class=HTMLResponse)
def embed_country(request: Request, dataset: DatasetDep, code: str, as_of: AsOfQuery = None
                  ) -> Response:
    return kept_answer(request, dataset=dataset, answer=EmbedAnswer(
        request=request, dataset=dataset, day=resolve_as_of(as_of), code=code))
