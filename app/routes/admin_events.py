"""Curators' event pages: add an event, edit one, add or remove its coalition-level facts (each
with a citation) and its signatories. Like every admin save: CSRF, the event's version (a stale
form gets the conflict page, 409), field messages (422) with everything typed kept, inline
validation, an audit record and one published revision."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.models import Precision
from app.routes.admin_common import (
    Curator,
    CuratorPage,
    CuratorWrite,
    FormDep,
    admin_response,
    conflict_page,
    merged,
    saved,
    stale_addition,
    submitted_version,
    with_clashes,
)
from app.routes.admin_forms import (
    AdminForm,
    admin_form,
    event_form,
    event_part_forms,
    event_url,
    event_values,
    latest_event,
)
from app.routes.deps import today
from app.services.audit import event_events, last_saved
from app.services.dataset import dataset_at
from app.services.editing import events
from app.services.editing.common import ValidationFailed, VersionConflict
from app.services.editing.optimistic import event_changes

router = APIRouter(prefix="/admin/events", include_in_schema=False)


def _page(request: Request, session: SessionDep, curator: CuratorPage, event_id: int | None, *,
          filled: dict[str, AdminForm] | None = None, status_code: int = 200,
          block: str | None = None) -> Response:
    """The event's page; `filled` replaces some of its forms, by name."""
    dataset = dataset_at(session=session)
    event = dataset.event(event_id) if dataset and event_id is not None else None
    if event_id is not None and event is None:
        raise HTTPException(404, detail=f"No event {event_id}.")
    specs = {"event": event_form({"date_precision": Precision.day.value}, None)}
    if event is not None:
        specs = {"event": event_form(event_values(event=event), event_id,
                                base=latest_event(event).values),
                 **event_part_forms(event)}
    context = {"curator": curator, "event": event, "dataset": dataset,
               "last_saved": last_saved(session=session, where=event_events(event_id))
               if event_id is not None else None,
               "sources": dataset.sources if dataset else (),
               "countries": dataset.countries if dataset else (),
               "specs": {**specs, **(filled or {})}}
    return admin_response(request, "admin/event.html", context, status_code=status_code,
                          block=block)


def _target(event_id: int | None) -> str:
    return event_url(event_id) if event_id is not None else "/admin"


def _refused(request: Request, session: SessionDep, curator: Curator, event_id: int | None,
             filled: AdminForm, failed: ValidationFailed) -> Response:
    """The event's page with this form, its messages and everything typed (422)."""
    return _page(request, session, curator, event_id, status_code=422,
                 filled={filled.name: filled.failed(failed.errors)})


@router.get("/new", response_class=HTMLResponse)
def new_event_form(request: Request, session: SessionDep, curator: CuratorPage) -> Response:
    return _page(request, session, curator, None)


@router.get("/{event_id}", response_class=HTMLResponse)
def event_admin(request: Request, session: SessionDep, curator: CuratorPage,
                event_id: int) -> Response:
    return _page(request, session, curator, event_id)


def _validate_event(request: Request, session: SessionDep, curator: CuratorWrite,
                    form: dict[str, str], event_id: int | None) -> Response:
    errors = events.event_errors(session=session, values=form, today=today(),
                                 event_id=event_id)
    return _page(request, session, curator, event_id, filled={"event": event_form(form, event_id,
                                                                             errors)},
                 block="event_form")


@router.post("", response_class=HTMLResponse)
def add_event(request: Request, session: SessionDep, curator: CuratorWrite,
              form: FormDep) -> Response:
    filled = event_form(form, None)
    try:
        revision = events.save_event(session=session, user=curator.user, event_id=None,
                                     values=form, today=today())
    except ValidationFailed as failed:
        return _refused(request, session, curator, None, filled, failed)
    return saved(_target(None), revision)


@router.post("/validate", response_class=HTMLResponse)
def validate_new_event(request: Request, session: SessionDep, curator: CuratorWrite,
                       form: FormDep) -> Response:
    return _validate_event(request, session, curator, form, None)


@router.post("/{event_id}", response_class=HTMLResponse)
def edit_event(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
               form: FormDep) -> Response:
    """An edit merged three ways with what others saved since the form was opened."""
    dataset = dataset_at(session=session)
    event = dataset.event(event_id) if dataset else None
    if event is None:
        raise HTTPException(404, detail=f"No event {event_id}.")
    latest = latest_event(event)
    merge = merged(form, latest)
    spec = event_form(merge.values, event_id, base=latest.values)
    if merge.clashes:
        changes = event_changes(session=session, event_id=event_id,
                                since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = events.save_event(session=session, user=curator.user, event_id=event_id,
                                     values=merge.values, today=today())
    except ValidationFailed as failed:
        return _refused(request, session, curator, event_id, spec, failed)
    except VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes, dataset=dataset)
    return saved(event_url(event_id), revision)


@router.post("/{event_id}/validate", response_class=HTMLResponse)
def validate_event_edit(request: Request, session: SessionDep, curator: CuratorWrite,
                        event_id: int, form: FormDep) -> Response:
    return _validate_event(request, session, curator, form, event_id)


# ---- facts and signatories ----------------------------------------------------------------


@router.post("/{event_id}/facts", response_class=HTMLResponse)
def add_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
             form: FormDep) -> Response:
    filled = admin_form("add_fact", f"{event_url(event_id)}/facts", form)
    try:
        revision = events.add_fact(session=session, user=curator.user, event_id=event_id,
                                   values=form, today=today())
    except ValidationFailed as failed:
        return _refused(request, session, curator, event_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(_target(event_id), revision)


@router.post("/{event_id}/facts/validate", response_class=HTMLResponse)
def validate_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                  form: FormDep) -> Response:
    errors = events.fact_errors(session=session, values=form, today=today())
    filled = admin_form("add_fact", f"{event_url(event_id)}/facts", form, errors)
    return _page(request, session, curator, event_id, filled={"add_fact": filled},
                 block="fact_form")


@router.post("/{event_id}/facts/{fact_id}/remove", response_class=HTMLResponse)
def remove_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                fact_id: int, form: FormDep) -> Response:
    filled = admin_form(f"fact-removal-{fact_id}", f"{event_url(event_id)}/facts/{fact_id}/remove",
                        form, kind="part_removal")
    try:
        revision = events.remove_fact(session=session, user=curator.user, event_id=event_id,
                                      fact_id=fact_id, values=form)
    except ValidationFailed as failed:
        return _refused(request, session, curator, event_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(_target(event_id), revision)


@router.post("/{event_id}/signatories", response_class=HTMLResponse)
def add_signatory(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                  form: FormDep) -> Response:
    filled = admin_form("add_signatory", f"{event_url(event_id)}/signatories", form)
    try:
        revision = events.add_signatory(session=session, user=curator.user, event_id=event_id,
                                        values=form)
    except ValidationFailed as failed:
        return _refused(request, session, curator, event_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(_target(event_id), revision)


@router.post("/{event_id}/signatories/validate", response_class=HTMLResponse)
def validate_signatory(request: Request, session: SessionDep, curator: CuratorWrite,
                       event_id: int, form: FormDep) -> Response:
    errors = events.signatory_errors(session=session, values=form)
    filled = admin_form("add_signatory", f"{event_url(event_id)}/signatories", form, errors)
    return _page(request, session, curator, event_id, filled={"add_signatory": filled},
                 block="signatory_form")


@router.post("/{event_id}/signatories/{signatory_id}/remove", response_class=HTMLResponse)
def remove_signatory(request: Request, session: SessionDep, curator: CuratorWrite,
                     event_id: int, signatory_id: int, form: FormDep) -> Response:
    filled = admin_form(f"signatory-removal-{signatory_id}",
                        f"{event_url(event_id)}/signatories/{signatory_id}/remove", form,
                        kind="part_removal")
    try:
        revision = events.remove_signatory(session=session, user=curator.user,
                                           event_id=event_id, signatory_id=signatory_id,
                                           values=form)
    except ValidationFailed as failed:
        return _refused(request, session, curator, event_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(_target(event_id), revision)
