"""Search across countries (names, aliases, ISO codes), quotes, speakers, sources and events:
`/search?q=` (page), `/search.json` and `GET /api/search?q=` (JSON, 422 with a `detail`)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.db import get_engine
from app.routes.deps import DatasetDep, page_with_twin
from app.routes.query import RequiredSearchWords, SearchWords, is_twin
from app.services.search import KIND_LABELS, QueryError, SearchResults, search
from app.templating import page_response
from app.web.responses import json_error

router = APIRouter()

class HitBody(BaseModel):
    title: str
    url: str
    detail: str


class GroupBody(BaseModel):
    kind: str
    label: str
    results: list[HitBody]


class SearchBody(BaseModel):
    q: str
    total: int
    groups: list[GroupBody]


def _body(results: SearchResults) -> SearchBody:
    groups = [GroupBody(kind=kind.value, label=KIND_LABELS[kind],
                        results=[HitBody(title=h.title, url=h.url, detail=h.detail) for h in hits])
              for kind, hits in results.groups.items() if hits]
    return SearchBody(q=results.query, total=results.total, groups=groups)


def _search_json(q: str) -> Response:
    try:
        with Session(get_engine()) as session:
            results = search(session=session, query=q)
    except QueryError as error:
        return json_error(str(error), 422)
    return JSONResponse(_body(results).model_dump())


@router.get("/api/search", response_model=SearchBody, tags=["api"])
def api_search(q: RequiredSearchWords) -> Response:
    """Countries, quotes, speakers, sources and events matching every word of `q`, by kind."""
    return _search_json(q)


@page_with_twin(router, path="/search")
def search_page(request: Request, dataset: DatasetDep, q: SearchWords) -> Response:
    """The results page for `q` (`/search.json`: the same results as JSON, 422 when refused)."""
    if is_twin(request):
        return _search_json(q)
    error, results = None, None
    try:
        with Session(get_engine()) as session:
            results = search(session=session, query=q)
    except QueryError as refused:
        error = str(refused)
    context = {"dataset": dataset, "search_query": q[:200], "error": error, "results": results,
               "labels": KIND_LABELS}
    return page_response(request, "search.html", context, status_code=422 if error and q else 200)
