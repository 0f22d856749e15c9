"""Curators' pages: countries, their commitments (add, correct, retract); the citations of a
commitment are saved by app/routes/admin_citations.py, sources and events by their own modules.

Every form re-renders with a message at each field and every typed value on error (422); a save
built on a stale version answers the conflict page (409) showing what others saved since, with the
curator's input kept for resubmission. Each field is validated as the curator types: the form's
`validate` endpoint renders the form's block and htmx swaps in that field's message. Each save is
a plain `try` over the editing service's call.
"""

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep
from app.models import Role
from app.routes.admin_common import (
    CuratorPage,
    CuratorWrite,
    FormDep,
    admin_response,
    commitment_page,
    conflict_page,
    latest_dataset,
    merged,
    saved,
    stale_addition,
    submitted_version,
    with_clashes,
)
from app.routes.admin_forms import (
    AdminForm,
    admin_form,
    country_values,
    from_suggestion,
    latest_correction,
    latest_country,
    new_commitment_values,
)
from app.routes.deps import IdPath, today
from app.services.audit import country_events, edit_trail, last_saved
from app.services.countries import get_country, list_countries
from app.services.editing import commitments, countries
from app.services.editing.common import ValidationFailed, VersionConflict
from app.services.editing.optimistic import commitment_changes, country_changes

router = APIRouter(prefix="/admin", include_in_schema=False)


# ---- overview -----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def admin_index(request: Request, session: SessionDep, curator: CuratorPage) -> Response:
    dataset = latest_dataset(session)
    context = {
        "curator": curator, "dataset": dataset,
        "countries": list_countries(dataset=dataset, as_of=today()),
        "sources": dataset.sources, "events": dataset.events,
        "trail": edit_trail(session=session, upto_revision=dataset.revision, limit=15),
    }
    return admin_response(request, "admin/index.html", context)


# ---- one country: edit it, add a commitment ----------------------------------------------


def _country_page(request: Request, session: SessionDep, curator: CuratorPage, code: str, *,
                  filled: AdminForm | None = None, status_code: int = 200,
                  block: str | None = None) -> Response:
    """The country's page; `filled` replaces its country or commitment form (by name)."""
    dataset = latest_dataset(session)
    country = get_country(dataset=dataset, code=code, as_of=date.max)
    record = dataset.country(code)
    if country is None or record is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    base = f"/admin/countries/{country.code.lower()}"
    forms = {
        "country": admin_form("country", base, country_values(country=record),
                              base=latest_country(dataset, code).values),
        "commitment": admin_form("commitment", f"{base}/commitments",
                                 {**new_commitment_values(version=record.version),
                                  **from_suggestion(request, session, new=True)}),
    }
    if filled is not None:
        forms[filled.name] = filled
    context = {
        "curator": curator, "dataset": dataset, "country": country,
        "sources": dataset.sources, "events": dataset.events,
        "last_saved": last_saved(session=session, where=country_events(country.code)),
        "country_form": forms["country"], "commitment_form": forms["commitment"],
    }
    return admin_response(request, "admin/country.html", context, block=block,
                          status_code=status_code)


def _new_country_form(values: dict[str, str], errors: dict[str, str] | None = None) -> AdminForm:
    return admin_form("country", "/admin/countries", values, errors, is_new=True)


def _new_country_page(request: Request, curator: CuratorPage, form: AdminForm,
                      status_code: int = 200, block: str | None = None) -> Response:
    return admin_response(request, "admin/country_new.html", {"curator": curator, "form": form},
                          status_code=status_code, block=block)


@router.get("/countries/new", response_class=HTMLResponse)
def new_country_form(request: Request, curator: CuratorPage) -> Response:
    return _new_country_page(request, curator,
                             _new_country_form({"role": Role.member.value, "in_europe": "on"}))


@router.post("/countries", response_class=HTMLResponse)
def add_country(request: Request, session: SessionDep, curator: CuratorWrite,
                form: FormDep) -> Response:
    try:
        code = countries.add_country(session=session, user=curator.user, values=form)
    except ValidationFailed as failed:
        return _new_country_page(request, curator, _new_country_form(form, failed.errors), 422)
    return RedirectResponse(f"/admin/countries/{code.lower()}", status_code=303)


@router.post("/countries/validate", response_class=HTMLResponse)
def validate_new_country(request: Request, session: SessionDep, curator: CuratorWrite,
                         form: FormDep) -> Response:
    errors = countries.country_errors(session=session, values=form, is_new=True)
    return _new_country_page(request, curator, _new_country_form(form, errors),
                             block="country_form")


@router.get("/countries/{code}", response_class=HTMLResponse)
def country_admin(request: Request, session: SessionDep, curator: CuratorPage,
                  code: str) -> Response:
    return _country_page(request, session, curator, code)


@router.post("/countries/{code}", response_class=HTMLResponse)
def edit_country(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                 form: FormDep) -> Response:
    """An edit merged three ways with what others saved since the form was opened."""
    dataset = latest_dataset(session)
    latest = latest_country(dataset, code)
    merge = merged(form, latest)
    target = f"/admin/countries/{code.lower()}"
    filled = admin_form("country", target, merge.values, base=latest.values)
    if merge.clashes:
        changes = country_changes(session=session, code=code.upper(),
                                  since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(filled, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = countries.edit_country(session=session, user=curator.user, code=code,
                                          values=merge.values)
    except ValidationFailed as failed:
        return _country_page(request, session, curator, code, status_code=422,
                             filled=filled.failed(failed.errors))
    except VersionConflict as conflict:
        return conflict_page(request, curator, filled, changes=conflict.changes, dataset=dataset)
    return saved(target, revision)


@router.post("/countries/{code}/validate", response_class=HTMLResponse)
def validate_country(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                     form: FormDep) -> Response:
    errors = countries.country_errors(session=session, values=form, is_new=False)
    filled = admin_form("country", f"/admin/countries/{code.lower()}", form, errors)
    return _country_page(request, session, curator, code, filled=filled, block="country_form")


@router.post("/countries/{code}/commitments", response_class=HTMLResponse)
def add_commitment(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                   form: FormDep) -> Response:
    """An addition (nothing stored is overwritten): a stale version gets the conflict page."""
    target = f"/admin/countries/{code.lower()}"
    filled = admin_form("commitment", f"{target}/commitments", form)
    try:
        revision = commitments.add_commitment(session=session, user=curator.user, code=code,
                                              values=form, today=today())
    except ValidationFailed as failed:
        return _country_page(request, session, curator, code, status_code=422,
                             filled=filled.failed(failed.errors))
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(target, revision)


@router.post("/countries/{code}/commitments/validate", response_class=HTMLResponse)
def validate_commitment(request: Request, session: SessionDep, curator: CuratorWrite, code: str,
                        form: FormDep) -> Response:
    errors = commitments.commitment_errors(session=session, values=form, today=today())
    filled = admin_form("commitment", f"/admin/countries/{code.lower()}/commitments", form,
                        errors)
    return _country_page(request, session, curator, code, filled=filled,
                         block="commitment_form")


# ---- one commitment: correct it, retract it -----------------------------------------------


@router.get("/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_admin(request: Request, session: SessionDep, curator: CuratorPage,
                     commitment_id: IdPath) -> Response:
    return commitment_page(request, session, curator, commitment_id)


@router.post("/commitments/{commitment_id}", response_class=HTMLResponse)
def correct_commitment(request: Request, session: SessionDep, curator: CuratorWrite,
                       commitment_id: IdPath, form: FormDep) -> Response:
    """A correction merged three ways with what others saved since the form was opened."""
    dataset = latest_dataset(session)
    latest = latest_correction(dataset, commitment_id)
    merge = merged(form, latest)
    target = f"/admin/commitments/{commitment_id}"
    filled = admin_form("correction", target, merge.values, base=latest.values)
    if merge.clashes:
        changes = commitment_changes(session=session, commitment_id=commitment_id,
                                     since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(filled, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = commitments.correct_commitment(session=session, user=curator.user,
                                                  commitment_id=commitment_id,
                                                  values=merge.values, today=today())
    except ValidationFailed as failed:
        return commitment_page(request, session, curator, commitment_id, status_code=422,
                               filled=filled.failed(failed.errors))
    except VersionConflict as conflict:
        return conflict_page(request, curator, filled, changes=conflict.changes, dataset=dataset)
    return saved(target, revision)


@router.post("/commitments/{commitment_id}/validate", response_class=HTMLResponse)
def validate_correction(request: Request, session: SessionDep, curator: CuratorWrite,
                        commitment_id: IdPath, form: FormDep) -> Response:
    errors = commitments.correction_errors(session=session, values=form, today=today())
    filled = admin_form("correction", f"/admin/commitments/{commitment_id}", form, errors)
    return commitment_page(request, session, curator, commitment_id, filled=filled,
                           block="correct_form")


@router.post("/commitments/{commitment_id}/retract", response_class=HTMLResponse)
def retract_commitment(request: Request, session: SessionDep, curator: CuratorWrite,
                       commitment_id: IdPath, form: FormDep) -> Response:
    """Retract with a reason; back to the country's page (the commitment is no longer current)."""
    filled = admin_form("retract", f"/admin/commitments/{commitment_id}/retract", form)
    try:
        code = commitments.commitment_country(session=session, commitment_id=commitment_id)
        revision = commitments.retract_commitment(session=session, user=curator.user,
                                                  commitment_id=commitment_id, values=form)
    except ValidationFailed as failed:
        return commitment_page(request, session, curator, commitment_id, status_code=422,
                               filled=filled.failed(failed.errors))
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(f"/admin/countries/{code.lower()}", revision)


# ---- positions reviewed -------------------------------------------------------------------


@router.post("/review", response_class=HTMLResponse)
def review_all(session: SessionDep, curator: CuratorWrite) -> Response:
    """Mark every country's position reviewed today (audited; shown on the public pages)."""
    return saved("/admin", countries.mark_reviewed(session=session, user=curator.user))


@router.post("/countries/{code}/review", response_class=HTMLResponse)
def review_country(session: SessionDep, curator: CuratorWrite, code: str) -> Response:
    """Mark one country's position reviewed today (an unknown country: 404)."""
    revision = countries.mark_reviewed(session=session, user=curator.user, code=code)
    return saved(f"/admin/countries/{code.lower()}", revision)
