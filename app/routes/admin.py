"""Curators' pages: countries, their commitments (add, correct, retract) and sources; the
citations of a commitment are saved by app/routes/admin_citations.py.

Every form re-renders with a message at each field and every typed value on error (422); a save
built on a stale version answers the conflict page (409) showing what others saved since, with the
curator's input kept for resubmission. Each field is validated as the curator types: the form's
`validate` endpoint renders the form's block and htmx swaps in that field's message.
"""

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin_auth import CuratorPage, CuratorWrite, FormDep, admin_response
from app.routes.admin_common import (
    FormSpec,
    Latest,
    attempt_save,
    conflict_page,
    form_spec,
    from_suggestion,
    latest_dataset,
    merged,
    saved,
    submitted_version,
    then,
    with_clashes,
)
from app.routes.deps import IdPath, today
from app.services import editing
from app.services.audit import country_events, edit_trail, last_saved
from app.services.countries import get_country, list_countries
from app.services.records import CommitmentRecord, Dataset
from app.services.validation import FieldErrors

router = APIRouter(prefix="/admin", include_in_schema=False)


def _dataset(session: SessionDep) -> Dataset:
    return latest_dataset(session)


# ---- overview -----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def admin_index(request: Request, session: SessionDep, curator: CuratorPage) -> Response:
    dataset = _dataset(session)
    context = {
        "curator": curator, "dataset": dataset,
        "countries": list_countries(dataset=dataset, as_of=today()),
        "sources": dataset.sources, "events": dataset.events,
        "trail": edit_trail(session=session, upto_revision=dataset.revision, limit=15),
    }
    return admin_response(request, "admin/index.html", context)


# ---- one country: edit it, add a commitment ----------------------------------------------


def _country_page(request: Request, session: SessionDep, curator: CuratorPage, code: str, *,
                  country_form: FormSpec | None = None, commitment_form: FormSpec | None = None,
                  status_code: int = 200, block: str | None = None) -> Response:
    dataset = _dataset(session)
    country = get_country(dataset=dataset, code=code, as_of=date.max)
    record = dataset.country(code)
    if country is None or record is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    base = f"/admin/countries/{country.code.lower()}"
    context = {
        "curator": curator, "dataset": dataset, "country": country,
        "sources": dataset.sources, "events": dataset.events,
        "last_saved": last_saved(session=session, where=country_events(country.code)),
        "country_form": country_form or form_spec(
            "country", base, editing.country_values(country=record),
            base=latest_country(dataset, code).values),
        "commitment_form": commitment_form or form_spec(
            "commitment", f"{base}/commitments",
            {**editing.new_commitment_values(version=record.version),
             **from_suggestion(request, session, new=True)}),
    }
    return admin_response(request, "admin/country.html", context, block=block,
                          status_code=status_code)


@router.get("/countries/new", response_class=HTMLResponse)
def new_country_form(request: Request, curator: CuratorPage) -> Response:
    return _new_country_page(request, curator, form_spec("country", "/admin/countries",
                                                         {"role": "member", "in_europe": "on"},
                                                         is_new=True))


def _new_country_page(request: Request, curator: CuratorPage, spec: FormSpec,
                      status_code: int = 200, block: str | None = None) -> Response:
    return admin_response(request, "admin/country_new.html", {"curator": curator, "form": spec},
                          status_code=status_code, block=block)


@router.post("/countries", response_class=HTMLResponse)
def add_country(request: Request, session: SessionDep, curator: CuratorWrite,
                form: FormDep) -> Response:
    spec = form_spec("country", "/admin/countries", form, is_new=True)
    return attempt_save(
        request, curator, spec,
        lambda failed, status: _new_country_page(request, curator, failed, status),
        lambda: "/admin/countries/" + editing.add_country(
            session=session, user=curator.user, values=form).lower())


@router.post("/countries/validate", response_class=HTMLResponse)
def validate_new_country(request: Request, session: SessionDep, curator: CuratorWrite,
                         form: FormDep) -> Response:
    errors = editing.country_errors(session=session, values=form, is_new=True)
    spec = form_spec("country", "/admin/countries", form, errors, is_new=True)
    return _new_country_page(request, curator, spec, block="country_form")


@router.get("/countries/{code}", response_class=HTMLResponse)
def country_admin(request: Request, session: SessionDep, curator: CuratorPage,
                  code: str) -> Response:
    return _country_page(request, session, curator, code)


def latest_country(dataset: Dataset, code: str) -> Latest:
    record = dataset.country(code)
    if record is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    return Latest.of(editing.country_values(country=record), version=record.version,
                     skip=("code",))


@router.post("/countries/{code}", response_class=HTMLResponse)
def edit_country(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                 form: FormDep) -> Response:
    dataset = _dataset(session)
    latest = latest_country(dataset, code)
    merge = merged(form, latest)
    target = f"/admin/countries/{code.lower()}"
    spec = form_spec("country", target, merge.values, base=latest.values)
    if merge.clashes:
        changes = editing.country_changes(session=session, code=code.upper(),
                                          since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = editing.edit_country(session=session, user=curator.user, code=code,
                                        values=merge.values)
    except editing.ValidationFailed as failed:
        return _country_page(request, session, curator, code, status_code=422,
                             country_form={**spec, "errors": failed.errors})
    except editing.VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes, dataset=dataset)
    return saved(target, revision)


@router.post("/countries/{code}/validate", response_class=HTMLResponse)
def validate_country(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                     form: FormDep) -> Response:
    errors = editing.country_errors(session=session, values=form, is_new=False)
    spec = form_spec("country", f"/admin/countries/{code.lower()}", form, errors)
    return _country_page(request, session, curator, code, country_form=spec,
                         block="country_form")


@router.post("/countries/{code}/commitments", response_class=HTMLResponse)
def add_commitment(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                   form: FormDep) -> Response:
    target = f"/admin/countries/{code.lower()}"
    spec = form_spec("commitment", f"{target}/commitments", form)
    return attempt_save(
        request, curator, spec,
        lambda failed, status: _country_page(request, session, curator, code,
                                             commitment_form=failed, status_code=status),
        lambda: then(editing.add_commitment(session=session, user=curator.user, code=code,
                                             values=form, today=today()), target),
        dataset=_dataset(session))


@router.post("/countries/{code}/commitments/validate", response_class=HTMLResponse)
def validate_commitment(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                        form: FormDep) -> Response:
    errors = editing.commitment_errors(session=session, values=form, today=today())
    spec = form_spec("commitment", f"/admin/countries/{code.lower()}/commitments", form, errors)
    return _country_page(request, session, curator, code, commitment_form=spec,
                         block="commitment_form")


# ---- one commitment: correct it, retract it -----------------------------------------------


def _citation_url(commitment_id: int, citation_id: int) -> str:
    return f"/admin/commitments/{commitment_id}/citations/{citation_id}"


def citation_form(commitment_id: int, citation_id: int, values: dict[str, str],
                  errors: FieldErrors | None = None, *,
                  base: dict[str, str] | None = None) -> FormSpec:
    """Correct one citation (forms are named after the citation: a page shows many)."""
    return form_spec(f"citation-{citation_id}", _citation_url(commitment_id, citation_id),
                     values, errors, base=base, kind="citation_correction")


def removal_form(commitment_id: int, citation_id: int, values: dict[str, str],
                 errors: FieldErrors | None = None) -> FormSpec:
    return form_spec(f"removal-{citation_id}",
                     _citation_url(commitment_id, citation_id) + "/remove", values, errors,
                     kind="citation_removal")


def new_citation_form(commitment_id: int, values: dict[str, str],
                      errors: FieldErrors | None = None) -> FormSpec:
    return form_spec("add_citation", f"/admin/commitments/{commitment_id}/citations", values,
                     errors)


def _commitment_forms(record: CommitmentRecord, version: int,
                      suggested: dict[str, str]) -> dict[str, FormSpec]:
    """Every form of a commitment's page, by name, as they are before the curator types."""
    base = f"/admin/commitments/{record.id}"
    current = {"version": str(version)}
    correction = editing.commitment_values(commitment=record, version=version)
    specs = {
        "correction": form_spec("correction", base, {**correction, **suggested},
                                base=Latest.of(correction, version=version).values),
        "retract": form_spec("retract", f"{base}/retract", current),
        "add_citation": new_citation_form(record.id, {**current, "source_id": ""}),
    }
    for citation in record.citations:
        values = editing.citation_values(citation=citation, version=version)
        specs[f"citation-{citation.id}"] = citation_form(
            record.id, citation.id, values, base=Latest.of(values, version=version).values)
        specs[f"removal-{citation.id}"] = removal_form(record.id, citation.id, current)
    return specs


def commitment_page(request: Request, session: SessionDep, curator: CuratorPage,
                    commitment_id: int, *, filled: dict[str, FormSpec] | None = None,
                    status_code: int = 200, block: str | None = None) -> Response:
    """The commitment's forms (correct, retract, its citations); `filled` replaces some, by
    form name."""
    dataset = _dataset(session)
    record = next((c for c in dataset.commitments if c.id == commitment_id), None)
    country = dataset.country(record.country_code) if record else None
    if record is None or country is None:
        raise HTTPException(404, detail=f"No commitment {commitment_id}.")
    context = {
        "curator": curator, "dataset": dataset, "commitment": record, "country": country,
        "sources": dataset.sources, "events": dataset.events,
        "specs": {**_commitment_forms(record, country.version,
                                      from_suggestion(request, session, new=False)),
                  **(filled or {})},
    }
    return admin_response(request, "admin/commitment.html", context, block=block,
                          status_code=status_code)


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_admin(request: Request, session: SessionDep, curator: CuratorPage,
                     commitment_id: IdPath) -> Response:
    return commitment_page(request, session, curator, commitment_id)


def latest_citation(dataset: Dataset, commitment_id: int, citation_id: int) -> Latest:
    record = next((c for c in dataset.commitments if c.id == commitment_id), None)
    country = dataset.country(record.country_code) if record else None
    citation = next((c for c in record.citations if c.id == citation_id), None) if record else None
    if citation is None or country is None:
        raise HTTPException(404, detail=f"No citation {citation_id} of commitment "
                                        f"{commitment_id}.")
    return Latest.of(editing.citation_values(citation=citation, version=country.version),
                     version=country.version)


def latest_correction(dataset: Dataset, commitment_id: int) -> Latest:
    record = next((c for c in dataset.commitments if c.id == commitment_id), None)
    country = dataset.country(record.country_code) if record else None
    if record is None or country is None:
        raise HTTPException(404, detail=f"No commitment {commitment_id}.")
    return Latest.of(editing.commitment_values(commitment=record, version=country.version),
                     version=country.version)


@router.post("/commitments/{commitment_id}", response_class=HTMLResponse)
def correct_commitment(request: Request, session: SessionDep, curator: CuratorWrite,
                       commitment_id: IdPath, form: FormDep) -> Response:
    dataset = _dataset(session)
    latest = latest_correction(dataset, commitment_id)
    merge = merged(form, latest)
    target = f"/admin/commitments/{commitment_id}"
    spec = form_spec("correction", target, merge.values, base=latest.values)
    if merge.clashes:
        changes = editing.commitment_changes(session=session, commitment_id=commitment_id,
                                             since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = editing.correct_commitment(session=session, user=curator.user,
                                              commitment_id=commitment_id,
                                              values=merge.values, today=today())
    except editing.ValidationFailed as failed:
        return commitment_page(request, session, curator, commitment_id, status_code=422,
                               filled={"correction": {**spec, "errors": failed.errors}})
    except editing.VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes, dataset=dataset)
    except editing.RecordNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing
    return saved(target, revision)


def commitment_attempt(request: Request, session: SessionDep, curator: CuratorWrite,
                       commitment_id: int, spec: FormSpec, save: Callable[[], int],
                       target: Callable[[], str]) -> Response:
    """A save from the commitment's page: on error the page comes back with this form filled."""
    return attempt_save(
        request, curator, spec,
        lambda failed, status: commitment_page(request, session, curator, commitment_id,
                                               status_code=status,
                                               filled={spec["name"]: failed}),
        lambda: then(save(), target()), dataset=_dataset(session))


@router.post("/commitments/{commitment_id}/validate", response_class=HTMLResponse)
def validate_correction(request: Request, session: SessionDep, curator: CuratorWrite,
                        commitment_id: IdPath, form: FormDep) -> Response:
    errors = editing.correction_errors(session=session, values=form, today=today())
    spec = form_spec("correction", f"/admin/commitments/{commitment_id}", form, errors)
    return commitment_page(request, session, curator, commitment_id,
                           filled={"correction": spec}, block="correct_form")


@router.post("/commitments/{commitment_id}/retract", response_class=HTMLResponse)
def retract_commitment(request: Request, session: SessionDep, curator: CuratorWrite,
                       commitment_id: IdPath, form: FormDep) -> Response:
    spec = form_spec("retract", f"/admin/commitments/{commitment_id}/retract", form)
    return commitment_attempt(
        request, session, curator, commitment_id, spec,
        lambda: editing.retract_commitment(session=session, user=curator.user,
                                           commitment_id=commitment_id, values=form),
        lambda: _country_admin_url(session, commitment_id))


def _country_admin_url(session: SessionDep, commitment_id: int) -> str:
    code = editing.commitment_country(session=session, commitment_id=commitment_id)
    return f"/admin/countries/{code.lower()}"


# ---- positions reviewed -------------------------------------------------------------------


@router.post("/review", response_class=HTMLResponse)
def review_all(session: SessionDep, curator: CuratorWrite) -> Response:
    """Mark every country's position reviewed today (audited; shown on the public pages)."""
    return saved("/admin", editing.mark_reviewed(session=session, user=curator.user))


@router.post("/countries/{code}/review", response_class=HTMLResponse)
def review_country(session: SessionDep, curator: CuratorWrite, code: str) -> Response:
    """Mark one country's position reviewed today."""
    try:
        revision = editing.mark_reviewed(session=session, user=curator.user, code=code)
    except editing.RecordNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing
    return saved(f"/admin/countries/{code.lower()}", revision)
