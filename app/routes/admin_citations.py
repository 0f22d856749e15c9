"""A commitment's citations, from the commitment's admin page: cite a further source (existing or
new), correct a citation (quote, speaker, source) or remove a wrong one (with a reason; the last
citation stays). Like every admin save: CSRF, the country's version, field messages (422) with
everything typed kept, the conflict page (409), one published revision.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin_common import (
    Curator,
    CuratorWrite,
    FormDep,
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
    citation_form,
    latest_citation,
    new_citation_form,
    removal_form,
)
from app.routes.deps import IdPath, today
from app.services.editing import citations
from app.services.editing.citing import citation_errors
from app.services.editing.common import ValidationFailed, VersionConflict
from app.services.editing.optimistic import commitment_changes

router = APIRouter(prefix="/admin/commitments/{commitment_id}/citations",
                   include_in_schema=False)


def _refused(request: Request, session: SessionDep, curator: Curator, commitment_id: int,
             filled: AdminForm, failed: ValidationFailed) -> Response:
    """The commitment's page with this form, its messages and everything typed (422)."""
    return commitment_page(request, session, curator, commitment_id, status_code=422,
                           filled=filled.failed(failed.errors))


@router.post("/validate", response_class=HTMLResponse)
def validate_new_citation(request: Request, session: SessionDep, curator: CuratorWrite,
                          commitment_id: IdPath, form: FormDep) -> Response:
    errors = citation_errors(session=session, values=form, today=today())
    return commitment_page(request, session, curator, commitment_id,
                           filled=new_citation_form(commitment_id, form, errors),
                           block="citation_forms")


@router.post("", response_class=HTMLResponse)
def add_citation(request: Request, session: SessionDep, curator: CuratorWrite,
                 commitment_id: IdPath, form: FormDep) -> Response:
    filled = new_citation_form(commitment_id, form)
    try:
        revision = citations.add_citation(session=session, user=curator.user,
                                          commitment_id=commitment_id, values=form,
                                          today=today())
    except ValidationFailed as failed:
        return _refused(request, session, curator, commitment_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(f"/admin/commitments/{commitment_id}", revision)


@router.post("/{citation_id}/validate", response_class=HTMLResponse)
def validate_citation(request: Request, session: SessionDep, curator: CuratorWrite,
                      commitment_id: IdPath, citation_id: IdPath, form: FormDep) -> Response:
    errors = citations.citation_correction_errors(session=session, values=form, today=today())
    return commitment_page(request, session, curator, commitment_id,
                           filled=citation_form(commitment_id, citation_id, form, errors),
                           block="citation_forms")


@router.post("/{citation_id}", response_class=HTMLResponse)
def correct_citation(request: Request, session: SessionDep, curator: CuratorWrite,
                     commitment_id: IdPath, citation_id: IdPath, form: FormDep) -> Response:
    """A correction merged three ways with what others saved since the form was opened."""
    dataset = latest_dataset(session)
    latest = latest_citation(dataset, commitment_id, citation_id)
    merge = merged(form, latest)
    filled = citation_form(commitment_id, citation_id, merge.values, base=latest.values)
    if merge.clashes:
        changes = commitment_changes(session=session, commitment_id=commitment_id,
                                     since=submitted_version(form))
        return conflict_page(request, curator, with_clashes(filled, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = citations.correct_citation(session=session, user=curator.user,
                                              commitment_id=commitment_id,
                                              citation_id=citation_id, values=merge.values,
                                              today=today())
    except ValidationFailed as failed:
        return _refused(request, session, curator, commitment_id, filled, failed)
    except VersionConflict as conflict:
        return conflict_page(request, curator, filled, changes=conflict.changes, dataset=dataset)
    return saved(f"/admin/commitments/{commitment_id}", revision)


@router.post("/{citation_id}/remove", response_class=HTMLResponse)
def remove_citation(request: Request, session: SessionDep, curator: CuratorWrite,
                    commitment_id: IdPath, citation_id: IdPath, form: FormDep) -> Response:
    filled = removal_form(commitment_id, citation_id, form)
    try:
        revision = citations.remove_citation(session=session, user=curator.user,
                                             commitment_id=commitment_id,
                                             citation_id=citation_id, values=form)
    except ValidationFailed as failed:
        return _refused(request, session, curator, commitment_id, filled, failed)
    except VersionConflict as conflict:
        return stale_addition(request, session, curator, filled, conflict)
    return saved(f"/admin/commitments/{commitment_id}", revision)
