"""Curators' source pages: add a source, edit one (with its stored text, used to check quotes)."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin import FormSpec, attempt_save, form_spec, then
from app.routes.admin_auth import CuratorPage, CuratorWrite, FormDep, admin_response
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
    values = editing.source_values(session=session, source_id=source_id)
    if values is None:
        raise HTTPException(404, detail=f"No source {source_id}.")
    return _source_page(request, curator, form_spec("source", _action(source_id), values,
                                                    source_id=source_id))


def _save(request: Request, session: SessionDep, curator: CuratorWrite, form: dict[str, str],
          source_id: int | None) -> Response:
    spec = form_spec("source", _action(source_id), form, is_new=source_id is None,
                     source_id=source_id)
    return attempt_save(
        request, curator, spec,
        lambda failed, status: _source_page(request, curator, failed, status),
        lambda: then(editing.save_source(session=session, user=curator.user,
                                         source_id=source_id, values=form, today=today()),
                     "/admin"))


@router.post("", response_class=HTMLResponse)
def add_source(request: Request, session: SessionDep, curator: CuratorWrite,
               form: FormDep) -> Response:
    return _save(request, session, curator, form, None)


@router.post("/validate", response_class=HTMLResponse)
def validate_new_source(request: Request, curator: CuratorWrite, form: FormDep) -> Response:
    spec = form_spec("source", _action(None), form, validate_source(form, today=today()),
                     is_new=True)
    return _source_page(request, curator, spec, block="source_form")


@router.post("/{source_id}", response_class=HTMLResponse)
def edit_source(request: Request, session: SessionDep, curator: CuratorWrite, source_id: IdPath,
                form: FormDep) -> Response:
    return _save(request, session, curator, form, source_id)


@router.post("/{source_id}/validate", response_class=HTMLResponse)
def validate_source_edit(request: Request, curator: CuratorWrite, source_id: IdPath,
                         form: FormDep) -> Response:
    spec = form_spec("source", _action(source_id), form, validate_source(form, today=today()),
                     source_id=source_id)
    return _source_page(request, curator, spec, block="source_form")
