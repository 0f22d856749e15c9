"""Curators' source pages: add a source, edit one (with its stored text, used to check quotes)."""

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.models import Firmness, Precision
from app.routes.admin_common import (
    CuratorPage,
    CuratorWrite,
    FormDep,
    admin_response,
    conflict_page,
    latest_dataset,
    merged,
    saved,
    submitted_version,
    with_clashes,
)
from app.routes.admin_forms import AdminForm, Latest, admin_form, source_values
from app.routes.deps import IdPath, today
from app.services.annotate import annotated, speaker_names, suggest_citation, text_matches
from app.services.editing.commitments import add_commitment, commitment_errors
from app.services.editing.common import ValidationFailed, VersionConflict
from app.services.editing.optimistic import source_changes
from app.services.editing.sources import get_source, save_source, source_texts
from app.services.records import Dataset
from app.services.validation import validate_source

router = APIRouter(prefix="/admin/sources", include_in_schema=False)


def _source_page(request: Request, curator: CuratorPage, spec: AdminForm,
                 status_code: int = 200, block: str | None = None) -> Response:
    return admin_response(request, "admin/source.html", {"curator": curator, "form": spec},
                          status_code=status_code, block=block)


def _action(source_id: int | None) -> str:
    return "/admin/sources" + (f"/{source_id}" if source_id is not None else "")


@router.get("", response_class=HTMLResponse)
def search_sources(request: Request, session: SessionDep, curator: CuratorPage,
                   q: str = "") -> Response:
    """Curators search the stored text of the articles (and titles)."""
    query = q[:200]
    matches = text_matches(source_texts(session=session), query)
    return admin_response(request, "admin/sources.html",
                          {"curator": curator, "q": query, "matches": matches})


@router.get("/new", response_class=HTMLResponse)
def new_source_form(request: Request, curator: CuratorPage) -> Response:
    return _source_page(request, curator, admin_form("source", _action(None), {}, is_new=True))


@router.get("/{source_id}", response_class=HTMLResponse)
def source_admin(request: Request, session: SessionDep, curator: CuratorPage,
                 source_id: IdPath) -> Response:
    latest = _latest(session, source_id)
    values = {**latest.values, "version": str(latest.version)}
    return _source_page(request, curator, admin_form("source", _action(source_id), values,
                                                    base=latest.values, source_id=source_id))


def _latest(session: SessionDep, source_id: int) -> Latest:
    source = get_source(session=session, source_id=source_id)
    if source is None:
        raise HTTPException(404, detail=f"No source {source_id}.")
    return Latest.of(source_values(source=source), version=source.version)


@router.post("", response_class=HTMLResponse)
def add_source(request: Request, session: SessionDep, curator: CuratorWrite,
               form: FormDep) -> Response:
    spec = admin_form("source", _action(None), form, is_new=True)
    try:
        revision = save_source(session=session, user=curator.user, source_id=None, values=form,
                               today=today())
    except ValidationFailed as failed:
        return _source_page(request, curator, spec.failed(failed.errors), 422)
    return saved("/admin", revision)


@router.post("/validate", response_class=HTMLResponse)
def validate_new_source(request: Request, curator: CuratorWrite, form: FormDep) -> Response:
    spec = admin_form("source", _action(None), form, validate_source(form, today=today()),
                     is_new=True)
    return _source_page(request, curator, spec, block="source_form")


@router.post("/{source_id}", response_class=HTMLResponse)
def edit_source(request: Request, session: SessionDep, curator: CuratorWrite, source_id: IdPath,
                form: FormDep) -> Response:
    """An edit merged three ways with what others saved since the form was opened."""
    latest = _latest(session, source_id)
    merge = merged(form, latest)
    spec = admin_form("source", _action(source_id), merge.values, base=latest.values,
                     source_id=source_id)
    if merge.clashes:
        changes = source_changes(session=session, source_id=source_id,
                                 since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=latest_dataset(session))
    try:
        revision = save_source(session=session, user=curator.user, source_id=source_id,
                               values=merge.values, today=today())
    except ValidationFailed as failed:
        return _source_page(request, curator, spec.failed(failed.errors), 422)
    except VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes,
                             dataset=latest_dataset(session))
    return saved(_action(source_id), revision)


@router.post("/{source_id}/validate", response_class=HTMLResponse)
def validate_source_edit(request: Request, curator: CuratorWrite, source_id: IdPath,
                         form: FormDep) -> Response:
    spec = admin_form("source", _action(source_id), form, validate_source(form, today=today()),
                     source_id=source_id)
    return _source_page(request, curator, spec, block="source_form")


# ---- annotate: from the article's text to cited commitments -------------------------------


def _annotation(session: SessionDep, source_id: int) -> tuple[str, Dataset]:
    source = get_source(session=session, source_id=source_id)
    if source is None:
        raise HTTPException(404, detail=f"No source {source_id}.")
    return source.text or "", latest_dataset(session)


def _names(dataset: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """Country names to codes, and known speakers' names to full names."""
    speakers = {c.speaker for commitment in dataset.commitments for c in commitment.citations
                if c.speaker}
    return {c.name: c.code for c in dataset.countries}, speaker_names(sorted(speakers))


def _annotate_page(request: Request, session: SessionDep, curator: CuratorPage, source_id: int,
                   *, spec: AdminForm | None, status_code: int = 200,
                   block: str | None = None) -> Response:
    text, dataset = _annotation(session, source_id)
    countries, speakers = _names(dataset)
    cited = [c.quote for commitment in dataset.commitments for c in commitment.citations
             if c.source_id == source_id]
    pieces = annotated(text, countries=countries, speakers=speakers, cited=cited)
    context = {"curator": curator, "source": dataset.source(source_id), "source_id": source_id,
               "pieces": pieces, "form": spec, "dataset": dataset, "events": dataset.events,
               "countries": dataset.countries}
    return admin_response(request, "admin/annotate.html", context, status_code=status_code,
                          block=block)


def _annotate_spec(source_id: int, values: dict[str, str],
                   errors: dict[str, str] | None = None) -> AdminForm:
    return admin_form("annotate", f"{_action(source_id)}/annotate", values, errors)


@router.get("/{source_id}/annotate", response_class=HTMLResponse)
def annotate(request: Request, session: SessionDep, curator: CuratorPage, source_id: IdPath,
             start: int | None = None, end: int | None = None,
             span: str | None = None) -> Response:
    """The article sentence by sentence; `start`/`end` (a selected span) or `span`
    ("start-end", a whole sentence) prefill a citation."""
    if span and re.fullmatch(r"\d{1,9}-\d{1,9}", span):
        start, end = (int(part) for part in span.split("-"))
    text, dataset = _annotation(session, source_id)
    countries, speakers = _names(dataset)
    chosen = (suggest_citation(text, start=start, end=end, countries=countries,
                               speakers=speakers)
              if start is not None and end is not None else None)
    spec = _annotate_spec(source_id, {
        "start": str(chosen.start), "end": str(chosen.end), "quote": chosen.quote,
        "attribution": chosen.attribution.value, "speaker": chosen.speaker,
        "country": chosen.country_code, "date": "", "date_precision": Precision.day.value,
        "firmness": Firmness.firm.value}) if chosen else None
    return _annotate_page(request, session, curator, source_id, spec=spec)


def _annotated_values(text: str, form: dict[str, str], source_id: int,
                      dataset: Dataset) -> dict[str, str]:
    """The quote is cut from the stored text by its offsets: exact by construction."""
    start, end = form.get("start", ""), form.get("end", "")
    quote = text[int(start):int(end)] if start.isdigit() and end.isdigit() else ""
    country = dataset.country(form.get("country", "").upper())
    return {**form, "quote": quote, "source_id": str(source_id),
            "version": str(country.version if country else 0)}


@router.post("/{source_id}/annotate", response_class=HTMLResponse)
def cite_from_article(request: Request, session: SessionDep, curator: CuratorWrite,
                      source_id: IdPath, form: FormDep) -> Response:
    """Record a commitment cited by the selected span (an addition: nothing is overwritten)."""
    text, dataset = _annotation(session, source_id)
    values = _annotated_values(text, form, source_id, dataset)
    spec = _annotate_spec(source_id, values)
    code = values.get("country", "")
    if dataset.country(code.upper()) is None:
        return _annotate_page(request, session, curator, source_id, status_code=422,
                              spec=spec.failed({"country": "Choose the country."}))
    try:
        revision = add_commitment(session=session, user=curator.user, code=code, values=values,
                                  today=today())
    except ValidationFailed as failed:
        return _annotate_page(request, session, curator, source_id, status_code=422,
                              spec=spec.failed(failed.errors))
    except VersionConflict:
        return _annotate_page(request, session, curator, source_id, status_code=409,
                              spec=spec.failed({"country": "Saved by someone else at the "
                                                           "same moment: save again."}))
    return saved(f"{_action(source_id)}/annotate", revision)


@router.post("/{source_id}/annotate/validate", response_class=HTMLResponse)
def validate_annotation(request: Request, session: SessionDep, curator: CuratorWrite,
                        source_id: IdPath, form: FormDep) -> Response:
    text, dataset = _annotation(session, source_id)
    values = _annotated_values(text, form, source_id, dataset)
    errors = commitment_errors(session=session, values=values, today=today())
    return _annotate_page(request, session, curator, source_id,
                          spec=_annotate_spec(source_id, values, errors), block="annotate_form")
