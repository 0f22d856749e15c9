"""Curators' event pages: add an event, edit one. Like every admin save: CSRF, the event's
version (a stale form gets the conflict page, 409), field messages (422) with everything typed
kept, inline validation, an audit record and one published revision."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin import FormSpec, attempt_save, form_spec, then
from app.routes.admin_auth import CuratorPage, CuratorWrite, FormDep, admin_response
from app.routes.deps import today
from app.services import editing
from app.services.dataset import dataset_at

router = APIRouter(prefix="/admin/events", include_in_schema=False)


def _event_page(request: Request, curator: CuratorPage, spec: FormSpec,
                status_code: int = 200, block: str | None = None) -> Response:
    return admin_response(request, "admin/event.html", {"curator": curator, "form": spec},
                          status_code=status_code, block=block)


def _action(event_id: int | None) -> str:
    return "/admin/events" + (f"/{event_id}" if event_id is not None else "")


def _spec(values: dict[str, str], event_id: int | None, errors: dict[str, str] | None = None
          ) -> FormSpec:
    return form_spec("event", _action(event_id), values, errors, is_new=event_id is None,
                     event_id=event_id, slug=values.get("slug", ""))


@router.get("/new", response_class=HTMLResponse)
def new_event_form(request: Request, curator: CuratorPage) -> Response:
    return _event_page(request, curator, _spec({"date_precision": "day"}, None))


@router.get("/{event_id}", response_class=HTMLResponse)
def event_admin(request: Request, session: SessionDep, curator: CuratorPage,
                event_id: int) -> Response:
    dataset = dataset_at(session=session)
    event = dataset.event(event_id) if dataset else None
    if event is None:
        raise HTTPException(404, detail=f"No event {event_id}.")
    return _event_page(request, curator, _spec(editing.event_values(event=event), event_id))


def _save(request: Request, session: SessionDep, curator: CuratorWrite, form: dict[str, str],
          event_id: int | None) -> Response:
    return attempt_save(
        request, curator, _spec(form, event_id),
        lambda failed, status: _event_page(request, curator, failed, status),
        lambda: then(editing.save_event(session=session, user=curator.user, event_id=event_id,
                                        values=form, today=today()), "/admin"))


def _validate(request: Request, session: SessionDep, curator: CuratorWrite,
              form: dict[str, str], event_id: int | None) -> Response:
    errors = editing.event_errors(session=session, values=form, today=today(),
                                  event_id=event_id)
    return _event_page(request, curator, _spec(form, event_id, errors), block="event_form")


@router.post("", response_class=HTMLResponse)
def add_event(request: Request, session: SessionDep, curator: CuratorWrite,
              form: FormDep) -> Response:
    return _save(request, session, curator, form, None)


@router.post("/validate", response_class=HTMLResponse)
def validate_new_event(request: Request, session: SessionDep, curator: CuratorWrite,
                       form: FormDep) -> Response:
    return _validate(request, session, curator, form, None)


@router.post("/{event_id}", response_class=HTMLResponse)
def edit_event(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
               form: FormDep) -> Response:
    return _save(request, session, curator, form, event_id)


@router.post("/{event_id}/validate", response_class=HTMLResponse)
def validate_event_edit(request: Request, session: SessionDep, curator: CuratorWrite,
                        event_id: int, form: FormDep) -> Response:
    return _validate(request, session, curator, form, event_id)
