"""Curators' event pages: add an event, edit one, add or remove its coalition-level facts (each
with a citation) and its signatories. Like every admin save: CSRF, the event's version (a stale
form gets the conflict page, 409), field messages (422) with everything typed kept, inline
validation, an audit record and one published revision."""

from collections.abc import Callable

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
    merged,
    saved,
    submitted_version,
    then,
    with_clashes,
)
from app.routes.deps import today
from app.services import editing
from app.services.audit import event_events, last_saved
from app.services.dataset import dataset_at
from app.services.records import EventRecord

router = APIRouter(prefix="/admin/events", include_in_schema=False)


def _action(event_id: int | None) -> str:
    return "/admin/events" + (f"/{event_id}" if event_id is not None else "")


def _spec(values: dict[str, str], event_id: int | None, errors: dict[str, str] | None = None,
          *, base: dict[str, str] | None = None) -> FormSpec:
    return form_spec("event", _action(event_id), values, errors, base=base,
                     is_new=event_id is None, event_id=event_id, slug=values.get("slug", ""))


def _latest(event: EventRecord) -> Latest:
    return Latest.of(editing.event_values(event=event), version=event.version)


def _part_forms(event: EventRecord) -> dict[str, FormSpec]:
    """The forms for an event's facts and signatories, as they are before the curator types."""
    base, version = _action(event.id), {"version": str(event.version)}
    specs = {
        "add_fact": form_spec("add_fact", f"{base}/facts", {**version, "source_id": ""}),
        "add_signatory": form_spec("add_signatory", f"{base}/signatories", dict(version)),
    }
    for fact in event.facts:
        specs[f"fact-removal-{fact.id}"] = form_spec(
            f"fact-removal-{fact.id}", f"{base}/facts/{fact.id}/remove", dict(version),
            kind="part_removal")
    for signatory in event.signatories:
        specs[f"signatory-removal-{signatory.id}"] = form_spec(
            f"signatory-removal-{signatory.id}", f"{base}/signatories/{signatory.id}/remove",
            dict(version), kind="part_removal")
    return specs


def _page(request: Request, session: SessionDep, curator: CuratorPage, event_id: int | None, *,
          filled: dict[str, FormSpec] | None = None, status_code: int = 200,
          block: str | None = None) -> Response:
    """The event's page; `filled` replaces some of its forms, by name."""
    dataset = dataset_at(session=session)
    event = dataset.event(event_id) if dataset and event_id is not None else None
    if event_id is not None and event is None:
        raise HTTPException(404, detail=f"No event {event_id}.")
    specs: dict[str, FormSpec] = {"event": _spec({"date_precision": "day"}, None)}
    if event is not None:
        specs = {"event": _spec(editing.event_values(event=event), event_id,
                                base=_latest(event).values),
                 **_part_forms(event)}
    context = {"curator": curator, "event": event, "dataset": dataset,
               "last_saved": last_saved(session=session, where=event_events(event_id))
               if event_id is not None else None,
               "sources": dataset.sources if dataset else (),
               "countries": dataset.countries if dataset else (),
               "specs": {**specs, **(filled or {})}}
    return admin_response(request, "admin/event.html", context, status_code=status_code,
                          block=block)


def _attempt(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int | None,
             spec: FormSpec, save: Callable[[], int]) -> Response:
    """Save; on bad input the event's page with this form filled (422); 409 on a stale version."""
    def target() -> str:
        return _action(event_id) if event_id is not None else "/admin"

    return attempt_save(
        request, curator, spec,
        lambda failed, status: _page(request, session, curator, event_id, status_code=status,
                                     filled={spec["name"]: failed}),
        lambda: then(save(), target()), dataset=dataset_at(session=session))


@router.get("/new", response_class=HTMLResponse)
def new_event_form(request: Request, session: SessionDep, curator: CuratorPage) -> Response:
    return _page(request, session, curator, None)


@router.get("/{event_id}", response_class=HTMLResponse)
def event_admin(request: Request, session: SessionDep, curator: CuratorPage,
                event_id: int) -> Response:
    return _page(request, session, curator, event_id)


def _save_event(request: Request, session: SessionDep, curator: CuratorWrite,
                form: dict[str, str], event_id: int | None) -> Response:
    return _attempt(request, session, curator, event_id, _spec(form, event_id),
                    lambda: editing.save_event(session=session, user=curator.user,
                                               event_id=event_id, values=form, today=today()))


def _validate_event(request: Request, session: SessionDep, curator: CuratorWrite,
                    form: dict[str, str], event_id: int | None) -> Response:
    errors = editing.event_errors(session=session, values=form, today=today(),
                                  event_id=event_id)
    return _page(request, session, curator, event_id, filled={"event": _spec(form, event_id,
                                                                             errors)},
                 block="event_form")


@router.post("", response_class=HTMLResponse)
def add_event(request: Request, session: SessionDep, curator: CuratorWrite,
              form: FormDep) -> Response:
    return _save_event(request, session, curator, form, None)


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
    latest = _latest(event)
    merge = merged(form, latest)
    spec = _spec(merge.values, event_id, base=latest.values)
    if merge.clashes:
        changes = editing.event_changes(session=session, event_id=event_id,
                                        since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(spec, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = editing.save_event(session=session, user=curator.user, event_id=event_id,
                                      values=merge.values, today=today())
    except editing.ValidationFailed as failed:
        return _page(request, session, curator, event_id, status_code=422,
                     filled={"event": {**spec, "errors": failed.errors}})
    except editing.VersionConflict as conflict:
        return conflict_page(request, curator, spec, changes=conflict.changes, dataset=dataset)
    return saved(_action(event_id), revision)


@router.post("/{event_id}/validate", response_class=HTMLResponse)
def validate_event_edit(request: Request, session: SessionDep, curator: CuratorWrite,
                        event_id: int, form: FormDep) -> Response:
    return _validate_event(request, session, curator, form, event_id)


# ---- facts and signatories ----------------------------------------------------------------


@router.post("/{event_id}/facts", response_class=HTMLResponse)
def add_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
             form: FormDep) -> Response:
    spec = form_spec("add_fact", f"{_action(event_id)}/facts", form)
    return _attempt(request, session, curator, event_id, spec,
                    lambda: editing.add_fact(session=session, user=curator.user,
                                             event_id=event_id, values=form, today=today()))


@router.post("/{event_id}/facts/validate", response_class=HTMLResponse)
def validate_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                  form: FormDep) -> Response:
    errors = editing.fact_errors(session=session, values=form, today=today())
    spec = form_spec("add_fact", f"{_action(event_id)}/facts", form, errors)
    return _page(request, session, curator, event_id, filled={"add_fact": spec},
                 block="fact_form")


@router.post("/{event_id}/facts/{fact_id}/remove", response_class=HTMLResponse)
def remove_fact(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                fact_id: int, form: FormDep) -> Response:
    name = f"fact-removal-{fact_id}"
    spec = form_spec(name, f"{_action(event_id)}/facts/{fact_id}/remove", form,
                     kind="part_removal")
    return _attempt(request, session, curator, event_id, spec,
                    lambda: editing.remove_fact(session=session, user=curator.user,
                                                event_id=event_id, fact_id=fact_id,
                                                values=form))


@router.post("/{event_id}/signatories", response_class=HTMLResponse)
def add_signatory(request: Request, session: SessionDep, curator: CuratorWrite, event_id: int,
                  form: FormDep) -> Response:
    spec = form_spec("add_signatory", f"{_action(event_id)}/signatories", form)
    return _attempt(request, session, curator, event_id, spec,
                    lambda: editing.add_signatory(session=session, user=curator.user,
                                                  event_id=event_id, values=form))


@router.post("/{event_id}/signatories/validate", response_class=HTMLResponse)
def validate_signatory(request: Request, session: SessionDep, curator: CuratorWrite,
                       event_id: int, form: FormDep) -> Response:
    errors = editing.signatory_errors(session=session, values=form)
    spec = form_spec("add_signatory", f"{_action(event_id)}/signatories", form, errors)
    return _page(request, session, curator, event_id, filled={"add_signatory": spec},
                 block="signatory_form")


@router.post("/{event_id}/signatories/{signatory_id}/remove", response_class=HTMLResponse)
def remove_signatory(request: Request, session: SessionDep, curator: CuratorWrite,
                     event_id: int, signatory_id: int, form: FormDep) -> Response:
    spec = form_spec(f"signatory-removal-{signatory_id}",
                     f"{_action(event_id)}/signatories/{signatory_id}/remove", form,
                     kind="part_removal")
    return _attempt(request, session, curator, event_id, spec,
                    lambda: editing.remove_signatory(session=session, user=curator.user,
                                                     event_id=event_id,
                                                     signatory_id=signatory_id, values=form))
