"""Open data: the /data page, full downloads (zip with codebook, JSON), CSV twins of list pages and
API lists, and the list of citable revisions. Every answer honours `?rev=N` and `as_of`."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from app.config import get_settings
from app.db import SessionDep
from app.numbers import MAX_ID
from app.routes.cached import html_page, json_body, kept_answer
from app.routes.deps import DatasetDep, country_rows, page_with_twin, read_dataset
from app.routes.query import DatedQuery, ListQuery, ReadQuery, is_twin, today
from app.services.countries import list_countries
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


# --- the answers, kept per revision (app/routes/cached.py `kept_answer`) -------------------

@dataclass(frozen=True)
class DataPage:
    """`/data` (the download page) or `/data.json` (its twin), for the query's date."""

    request: Request
    dataset: Dataset
    query: ReadQuery

    def render(self) -> Rendered:
        dataset, day = self.dataset, self.query.day
        links = _pinned_query(dataset, self.query.as_of)
        if is_twin(self.request):
            return json_body({
                "revision": dataset.revision, "as_of": day,
                "cite_as": cite_as(dataset=dataset,
                                   url=pinned_request_url(self.request, dataset)),
                "downloads": {"zip": f"/data/{DATASET_NAME}.zip{links}",
                              "json": f"/data/{DATASET_NAME}.json{links}"},
                "codebook": codebook(_full_tables(dataset, day))})
        context = {"dataset": dataset, "as_of": day, "tables": _full_tables(dataset, day),
                   "pinned_query": links, "formula_note": FORMULA_NOTE,
                   **_package_context(self.request, dataset)}
        return html_page(self.request, "data.html", context, block="downloads")


@dataclass(frozen=True)
class DatasetFile:
    """The whole dataset on the query's date: the zip of CSVs with its codebook, or one JSON."""

    request: Request
    dataset: Dataset
    query: ReadQuery
    zipped: bool

    def render(self) -> Rendered:
        dataset, day = self.dataset, self.query.day
        tables, url = _full_tables(dataset, day), pinned_request_url(self.request, dataset)
        if not self.zipped:
            return json_body(full_json(dataset=dataset, tables=tables, as_of=day, cite_url=url))
        return download(zip_bytes(dataset=dataset, tables=tables, as_of=day, cite_url=url),
                        media_type="application/zip",
                        filename=f"{DATASET_NAME}-rev{dataset.revision}.zip")


@dataclass(frozen=True)
class CountriesCsv:
    """The country list the query asks for (the dashboard table's, /api/countries'), as CSV."""

    dataset: Dataset
    query: ReadQuery

    def render(self) -> Rendered:
        rows = country_rows(dataset=self.dataset, query=self.query)
        return csv_download(countries_table(rows=rows, as_of=self.query.day), self.dataset)


@dataclass(frozen=True)
class SourcesCsv:
    dataset: Dataset

    def render(self) -> Rendered:
        table = sources_table(sources=list_sources(dataset=self.dataset))
        return csv_download(table, self.dataset)


# --- the routes ----------------------------------------------------------------------------

@page_with_twin(router, path="/data")
def data_page(request: Request, query: DatedQuery) -> Response:
    """The download page (`?as_of=`, `?rev=`); `/data.json` is its twin."""
    dataset = read_dataset(rev=query.rev)
    return kept_answer(request, dataset=dataset,
                       answer=DataPage(request=request, dataset=dataset, query=query))


@router.get(f"/data/{DATASET_NAME}.zip", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
def dataset_zip(request: Request, query: DatedQuery) -> Response:
    """The whole dataset as CSV files plus a README codebook, at `?rev=N` and `as_of`."""
    dataset = read_dataset(rev=query.rev)
    return kept_answer(request, dataset=dataset, answer=DatasetFile(
        request=request, dataset=dataset, query=query, zipped=True))


@router.get(f"/data/{DATASET_NAME}.json", response_class=JSONResponse)
def dataset_json(request: Request, query: DatedQuery) -> Response:
    """The whole dataset as one JSON document: codebook, cite-as line and every table."""
    dataset = read_dataset(rev=query.rev)
    return kept_answer(request, dataset=dataset, answer=DatasetFile(
        request=request, dataset=dataset, query=query, zipped=False))


@router.get("/api/countries.csv", response_class=Response, responses=CSV_RESPONSE)
def api_countries_csv(request: Request, query: ListQuery) -> Response:
    """`/api/countries` as CSV: same parameters (`as_of`, `stance`, `q`, `sort`, `rev`), same
    rows in the same order."""
    dataset = read_dataset(rev=query.rev)
    return kept_answer(request, dataset=dataset,
                       answer=CountriesCsv(dataset=dataset, query=query))


@router.get("/countries.csv", response_class=Response, include_in_schema=False)
def countries_csv(request: Request, query: ListQuery) -> Response:
    """The dashboard's country table as CSV (the dashboard's filters, date and order)."""
    return api_countries_csv(request, query)


@router.get("/api/sources.csv", response_class=Response, responses=CSV_RESPONSE)
def api_sources_csv(request: Request, dataset: DatasetDep) -> Response:
    """`/api/sources` as CSV."""
    return kept_answer(request, dataset=dataset, answer=SourcesCsv(dataset=dataset))


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


@page_with_twin(router, path="/revisions", documented=True)
def revisions_page(
    request: Request, context: Annotated[dict[str, Any], Depends(_revision_context)]
) -> Response:
    """Published revisions, newest first, a page at a time: number, date, summary;
    `next` is the address of the next page (null on the last)."""
    if not is_twin(request):
        return page_response(request, "revisions.html", context, block="revisions")
    following = context["next_before"]
    return JSONResponse({
        "latest": context["dataset"].revision,
        "revisions": [r.model_dump(mode="json") for r in context["revisions"]],
        "next": f"/revisions.json?before={following}" if following else None})


@router.get("/revisions.csv", response_class=Response, include_in_schema=False)
def revisions_csv(session: SessionDep) -> Response:
    """Every published revision (the whole list: a download, read in one query)."""
    table = revisions_table(revisions=list_revisions(session=session))
    return Response(to_csv(table), media_type=CSV_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{table.name}.csv"'})
