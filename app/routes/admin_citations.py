"""A commitment's citations, from the commitment's admin page: cite a further source (existing or
new), correct a citation (quote, speaker, source) or remove a wrong one (with a reason; the last
citation stays). Like every admin save: CSRF, the country's version, field messages (422) with
everything typed kept, the conflict page (409), one published revision.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.db import SessionDep
from app.routes.admin import (
    citation_form,
    commitment_attempt,
    commitment_page,
    latest_citation,
    new_citation_form,
    removal_form,
)
from app.routes.admin_auth import Curator, CuratorWrite, FormDep
from app.routes.admin_common import (
    FormSpec,
    conflict_page,
    latest_dataset,
    merged,
    saved,
    submitted_version,
    with_clashes,
)
from app.routes.deps import IdPath, today
from app.services import editing

router = APIRouter(prefix="/admin/commitments/{commitment_id}/citations",
                   include_in_schema=False)


@dataclass(frozen=True)
class Posted:
    """A form posted from a commitment's page by a curator (session and CSRF checked)."""

    request: Request
    session: Session
    curator: Curator
    commitment_id: int
    form: dict[str, str]

    @property
    def editor(self) -> dict[str, Any]:
        """Who edits which commitment, as the editing service's keywords."""
        return {"session": self.session, "user": self.curator.user,
                "commitment_id": self.commitment_id, "values": self.form}

    def save(self, spec: FormSpec, change: Callable[[], int]) -> Response:
        """Save, then back to the commitment's page (or that page with this form filled)."""
        return commitment_attempt(self.request, self.session, self.curator, self.commitment_id,
                                  spec, change, lambda: f"/admin/commitments/{self.commitment_id}")

    def checked(self, spec: FormSpec) -> Response:
        """The citations' block with this form's messages, for htmx's inline validation."""
        return commitment_page(self.request, self.session, self.curator, self.commitment_id,
                               filled={spec["name"]: spec}, block="citation_forms")


def posted(request: Request, session: SessionDep, curator: CuratorWrite, commitment_id: IdPath,
           form: FormDep) -> Posted:
    return Posted(request=request, session=session, curator=curator,
                  commitment_id=commitment_id, form=form)


PostedDep = Annotated[Posted, Depends(posted)]


@router.post("/validate", response_class=HTMLResponse)
def validate_new_citation(p: PostedDep) -> Response:
    errors = editing.citation_errors(session=p.session, values=p.form, today=today())
    return p.checked(new_citation_form(p.commitment_id, p.form, errors))


@router.post("", response_class=HTMLResponse)
def add_citation(p: PostedDep) -> Response:
    return p.save(new_citation_form(p.commitment_id, p.form),
                  lambda: editing.add_citation(**p.editor, today=today()))


@router.post("/{citation_id}/validate", response_class=HTMLResponse)
def validate_citation(p: PostedDep, citation_id: IdPath) -> Response:
    errors = editing.citation_correction_errors(session=p.session, values=p.form, today=today())
    return p.checked(citation_form(p.commitment_id, citation_id, p.form, errors))


@router.post("/{citation_id}", response_class=HTMLResponse)
def correct_citation(p: PostedDep, citation_id: IdPath) -> Response:
    """A correction merged three ways with what others saved since the form was opened."""
    dataset = latest_dataset(p.session)
    latest = latest_citation(dataset, p.commitment_id, citation_id)
    merge = merged(p.form, latest)
    spec = citation_form(p.commitment_id, citation_id, merge.values, base=latest.values)
    if merge.clashes:
        changes = editing.commitment_changes(session=p.session, commitment_id=p.commitment_id,
                                             since=submitted_version(p.form))
        return conflict_page(p.request, p.curator, with_clashes(spec, merge), changes=changes,
                             dataset=dataset)
    try:
        revision = editing.correct_citation(session=p.session, user=p.curator.user,
                                            commitment_id=p.commitment_id,
                                            citation_id=citation_id, values=merge.values,
                                            today=today())
    except editing.ValidationFailed as failed:
        return commitment_page(p.request, p.session, p.curator, p.commitment_id,
                               status_code=422,
                               filled={spec["name"]: {**spec, "errors": failed.errors}})
    except editing.VersionConflict as conflict:
        return conflict_page(p.request, p.curator, spec, changes=conflict.changes,
                             dataset=dataset)
    except editing.RecordNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing
    return saved(f"/admin/commitments/{p.commitment_id}", revision)


@router.post("/{citation_id}/remove", response_class=HTMLResponse)
def remove_citation(p: PostedDep, citation_id: IdPath) -> Response:
    return p.save(removal_form(p.commitment_id, citation_id, p.form),
                  lambda: editing.remove_citation(**p.editor, citation_id=citation_id))
