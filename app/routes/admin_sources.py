"""Curators' source pages: add a source, edit one (with its stored text, used to check quotes)."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin_auth import CuratorPage, CuratorWrite, FormDep, admin_response
from app.routes.admin_common import (
    FormSpec,
    Latest,
    conflict_page,
    form_spec,
    latest_dataset,
    merged,
    saved,
    submitted_version,
    with_clashes,
)
from app.routes.deps import IdPath, today
from app.services import editing
from app.services.validation import validate_source

router = APIRouter(prefix="/admin/sources", include_in_schema=False)


def _source_page(request: Request, curator: CuratorPage, spec: FormSpec,
                 status_code: int = 200, block: str | None = None) -> Response:
    return admin_response(request, "admin/source.html", {"curator": curator, "form": spec},
                          status_code=status_code, block=block)


def _action(source_id: int | None) -> str:
    return "/admin/sources" + (f"/{source_id}" if source_id is not None else "")


@router.get("/new", response_class=HTMLResponse)
def new_source_form(request: Request, curator: CuratorPage) -> Response:
    return _source_page(request, curator, form_spec("source", _action(None), {}, is_new=True))


@router.get("/{source_id}", response_class=HTMLResponse)
def source_admin(request: Request, session: SessionDep, curator: CuratorPage,
                 source_id: IdPath) -> Response:
    latest = _latest(session, source_id)
    values = {**latest.values, "version": str(latest.version)}
    return _source_page(request, curator, form_spec("source", _action(source_id), values,
                                                    base=latest.values, source_id=source_id))


def _latest(session: SessionDep, source_id: int) -> Latest:
    values = editing.source_values(session=session, source_id=source_id)
    if values is None:
        raise HTTPException(404, detail=f"No source {source_id}.")
    return Latest.of(values, version=int(values["version"]))


@router.post("", response_class=HTMLResponse)
def add_source(request: Request, session: SessionDep, curator: CuratorWrite,
               form: FormDep) -> Response:
    spec = form_spec("source", _action(None), form, is_new=True)
    try:
        revision = editing.save_source(session=session, user=curator.user, source_id=None,
                                       values=form, today=today())
    except editing.ValidationFailed as failed:
        return _source_page(request, curator, {**spec, "errors": failed.errors}, 422)
    return saved("/admin", revision)


@router.post("/validate", response_class=HTMLResponse)
def validate_new_source(request: Request, curator: CuratorWrite, form: FormDep) -> Response:
    spec = form_spec("source", _action(None), form, validate_source(form, today=today()),
                     is_new=True)
    return _source_page(request, curator, spec, block="source_form")


@router.post("/{source_id}", response_class=HTMLResponse)
def edit_source(request: Request, session: SessionDep, curator: CuratorWrite, source_id: IdPath,
                form: FormDep) -> Response:
    """An edit merged three ways with what others saved since the form was opened."""
    latest = _latest(session, source_id)
    merge = merged(form, latest)
    spec = form_spec("source", _action(source_id), merge.values, base=latest.values,
                     source_id=source_id)
    if merge.clashes:
        changes = editing.source_changes(session=session, source_id=source_id,
                                         since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=latest_dataset(session))
    try:
        revision = editing.save_source(session=session, user=curator.user, source_id=source_id,
                                       values=merge.values, today=today())
    except editing.ValidationFailed as failed:
        return _source_page(request, curator, {**spec, "errors": failed.errors}, 422)
    except editing.VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes,
                             dataset=latest_dataset(session))
    return saved(_action(source_id), revision)


@router.post("/{source_id}/validate", response_class=HTMLResponse)
def validate_source_edit(request: Request, curator: CuratorWrite, source_id: IdPath,
                         form: FormDep) -> Response:
    spec = form_spec("source", _action(source_id), form, validate_source(form, today=today()),
                     source_id=source_id)
    return _source_page(request, curator, spec, block="source_form")
