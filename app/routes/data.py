"""Open data: the /data page, full downloads (zip with codebook, JSON), CSV twins of list pages and
API lists, and the list of citable revisions. Every answer honours `?rev=N` and `as_of`."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app.config import get_settings
from app.db import SessionDep
from app.models import Stance
from app.numbers import MAX_ID
from app.routes.cached import html_page, json_body, kept
from app.routes.deps import AsOfQuery, DatasetDep, resolve_as_of, today
from app.services.countries import CountrySummary, list_countries
from app.services.export import (
    DATASET_NAME,
    FORMULA_NOTE,
    Table,
    cite_as,
    codebook,
    countries_table,
    full_json,
    full_tables,
    revisions_table,
    sources_table,
    to_csv,
    zip_bytes,
)
from app.services.licence import (
    CODEBOOK_CHANGES,
    CODEBOOK_VERSION,
    DATASET_DESCRIPTION,
    LICENCE_NOTE,
    Distribution,
    cite_line,
    dataset_jsonld,
)
from app.services.mapmarks import TableSort, sorted_rows
from app.services.pagecache import Rendered
from app.services.records import Dataset
from app.services.revisions import REVISIONS_PER_PAGE, list_revisions
from app.services.sources import list_sources
from app.templating import page_response, pinned_request_url

router = APIRouter(tags=["open data"])
CSV_TYPE = "text/csv; charset=utf-8"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV with a header row"}
}


class CountryFilters:
    """The filters the country list pages and /api/countries take, parsed once."""

    def __init__(
        self,
        as_of: AsOfQuery = None,
        stance: Annotated[Stance | None, Query(description="Only this stance")] = None,
        q: Annotated[str | None, Query(max_length=100, description="Name contains")] = None,
        sort: Annotated[TableSort | None, Query(description="Row order, as the dashboard "
                                                "table's (`-` first: descending)")] = None,
    ) -> None:
        self.as_of = resolve_as_of(as_of)
        self.stance = stance
        self.query = q
        self.sort = sort

    def apply(self, dataset: Dataset) -> list[CountrySummary]:
        rows = list_countries(dataset=dataset, as_of=self.as_of, stance=self.stance,
                              query=self.query)
        return rows if self.sort is None else sorted_rows(rows=rows, sort=self.sort)


FiltersDep = Annotated[CountryFilters, Depends()]


def download(content: str | bytes, *, media_type: str, filename: str) -> Rendered:
    return Rendered(content, media_type,
                    headers=(("Content-Disposition", f'attachment; filename="{filename}"'),))


def csv_download(table: Table, dataset: Dataset) -> Rendered:
    return download(to_csv(table), media_type=CSV_TYPE,
                    filename=f"{table.name}-rev{dataset.revision}.csv")


def _full_tables(dataset: Dataset, as_of: date) -> list[Table]:
    countries = list_countries(dataset=dataset, as_of=as_of)
    return full_tables(dataset=dataset, countries=countries, as_of=as_of)


def _pinned_query(dataset: Dataset, as_of: date | None) -> str:
    """The query of the download links: this revision, and the asked date when there is one."""
    pairs = [("as_of", as_of.isoformat())] if as_of else []
    return "?" + urlencode([*pairs, ("rev", str(dataset.revision))])


def _package_context(request: Request, dataset: Dataset) -> dict[str, Any]:
    """Licence, "Cite as" (with today's access date) and schema.org JSON-LD for /data."""
    url = pinned_request_url(request, dataset)
    base, rev = get_settings().public_base_url.rstrip("/"), f"?rev={dataset.revision}"
    files = (Distribution(name="Everything as CSV (zip with a README codebook)",
                          url=f"{base}/data/coalition-tracker.zip{rev}",
                          media_type="application/zip"),
             Distribution(name="Everything as JSON", url=f"{base}/data/coalition-tracker.json{rev}",
                          media_type="application/json"))
    return {"cite_line": cite_line(dataset=dataset, url=url, accessed=today()),
            "licence_note": LICENCE_NOTE, "codebook_version": CODEBOOK_VERSION,
            "codebook_changes": CODEBOOK_CHANGES,
            "jsonld": dataset_jsonld(dataset=dataset, url=url, description=DATASET_DESCRIPTION,
                                     distributions=files)}


@router.get("/data", response_class=HTMLResponse, include_in_schema=False)
def data_page(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    day = resolve_as_of(as_of)

    def render_page() -> Rendered:
        context = {"dataset": dataset, "as_of": day, "tables": _full_tables(dataset, day),
                   "pinned_query": _pinned_query(dataset, as_of), "formula_note": FORMULA_NOTE,
                   **_package_context(request, dataset)}
        return html_page(request, "data.html", context, block="downloads")

    return kept(request, dataset, render_page)


@router.get("/data.json", include_in_schema=False)
def data_page_json(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    day = resolve_as_of(as_of)
    query = _pinned_query(dataset, as_of)
    return kept(request, dataset, lambda: json_body({
        "revision": dataset.revision, "as_of": day,
        "cite_as": cite_as(dataset=dataset, url=pinned_request_url(request, dataset)),
        "downloads": {"zip": f"/data/{DATASET_NAME}.zip{query}",
                      "json": f"/data/{DATASET_NAME}.json{query}"},
        "codebook": codebook(_full_tables(dataset, day)),
    }))


@router.get(f"/data/{DATASET_NAME}.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
def dataset_zip(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    """The whole dataset as CSV files plus a README codebook, at `?rev=N` and `as_of`."""
    day = resolve_as_of(as_of)
    return kept(request, dataset, lambda: download(
        zip_bytes(dataset=dataset, tables=_full_tables(dataset, day), as_of=day,
                  cite_url=pinned_request_url(request, dataset)),
        media_type="application/zip", filename=f"{DATASET_NAME}-rev{dataset.revision}.zip"))


@router.get(f"/data/{DATASET_NAME}.json", response_class=JSONResponse)
def dataset_json(request: Request, dataset: DatasetDep, as_of: AsOfQuery = None) -> Response:
    """The whole dataset as one JSON document: codebook, cite-as line and every table."""
    day = resolve_as_of(as_of)
    return kept(request, dataset, lambda: json_body(
        full_json(dataset=dataset, tables=_full_tables(dataset, day), as_of=day,
                  cite_url=pinned_request_url(request, dataset))))


@router.get("/api/countries.csv", response_class=Response, responses=CSV_RESPONSE)
def api_countries_csv(request: Request, dataset: DatasetDep, filters: FiltersDep) -> Response:
    """`/api/countries` as CSV: same filters (`as_of`, `stance`, `q`, `rev`), same rows."""
    return kept(request, dataset, lambda: csv_download(
        countries_table(rows=filters.apply(dataset), as_of=filters.as_of), dataset))


@router.get("/countries.csv", response_class=Response, include_in_schema=False)
def countries_csv(request: Request, dataset: DatasetDep, filters: FiltersDep) -> Response:
    """The dashboard's country table as CSV (the dashboard's filters and date)."""
    return api_countries_csv(request, dataset, filters)


@router.get("/api/sources.csv", response_class=Response, responses=CSV_RESPONSE)
def api_sources_csv(request: Request, dataset: DatasetDep) -> Response:
    """`/api/sources` as CSV."""
    return kept(request, dataset, lambda: csv_download(
        sources_table(sources=list_sources(dataset=dataset)), dataset))


@router.get("/sources.csv", response_class=Response, include_in_schema=False)
def sources_csv(request: Request, dataset: DatasetDep) -> Response:
    return api_sources_csv(request, dataset)


BeforeQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only revisions numbered below this (the "
                      "next page of the list: its `next_before`)")]


def _revision_context(session: SessionDep, dataset: DatasetDep,
                      before: BeforeQuery = None) -> dict[str, Any]:
    """One page of the list (`REVISIONS_PER_PAGE`, newest first) and where the next begins."""
    revisions = list_revisions(session=session, before=before, limit=REVISIONS_PER_PAGE + 1)
    more = len(revisions) > REVISIONS_PER_PAGE
    revisions = revisions[:REVISIONS_PER_PAGE]
    return {"dataset": dataset, "revisions": revisions,
            "next_before": revisions[-1].number if more else None}


@router.get("/revisions", response_class=HTMLResponse, include_in_schema=False)
def revisions_page(
    request: Request, context: Annotated[dict[str, Any], Depends(_revision_context)]
) -> HTMLResponse:
    return page_response(request, "revisions.html", context, block="revisions")


@router.get("/revisions.csv", response_class=Response, include_in_schema=False)
def revisions_csv(session: SessionDep) -> Response:
    """Every published revision (the whole list: a download, read in one query)."""
    table = revisions_table(revisions=list_revisions(session=session))
    return Response(to_csv(table), media_type=CSV_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{table.name}.csv"'})


@router.get("/revisions.json")
def revisions_json(
    context: Annotated[dict[str, Any], Depends(_revision_context)]
) -> dict[str, Any]:
    """Published revisions, newest first, a page at a time: number, date, summary;
    `next` is the address of the next page (null on the last)."""
    following = context["next_before"]
    return {"latest": context["dataset"].revision,
            "revisions": [r.model_dump(mode="json") for r in context["revisions"]],
            "next": f"/revisions.json?before={following}" if following else None}
