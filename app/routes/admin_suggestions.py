"""Curators' review queue of readers' suggestions: open one, accept it (which opens a correction
or new-commitment form prefilled from it; the save marks it accepted in the same revision) or
decline it with a reason. Both are audited."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep
from app.routes.admin_common import (
    CuratorPage,
    CuratorWrite,
    FormDep,
    admin_response,
    latest_dataset,
    saved,
)
from app.routes.deps import IdPath
from app.services import suggestions
from app.services.editing.common import ValidationFailed
from app.services.editing.suggestions import decline_suggestion

router = APIRouter(prefix="/admin/suggestions", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def suggestion_queue(request: Request, session: SessionDep, curator: CuratorPage) -> Response:
    context = {"curator": curator, "queue": suggestions.queue(session=session),
               "dataset": latest_dataset(session)}
    return admin_response(request, "admin/suggestions.html", context)


def _page(request: Request, session: SessionDep, curator: CuratorPage, suggestion_id: int, *,
          errors: dict[str, str] | None = None, reason: str = "",
          status_code: int = 200) -> Response:
    try:
        suggestion = suggestions.get_suggestion(session=session, suggestion_id=suggestion_id)
    except suggestions.SuggestionNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing
    dataset = latest_dataset(session)
    context = {"curator": curator, "suggestion": suggestion, "dataset": dataset,
               "country": dataset.country(suggestion.country_code),
               "commitments": [c for c in dataset.commitments
                               if c.country_code == suggestion.country_code
                               and c.retracted_at is None],
               "errors": errors or {}, "reason": reason}
    return admin_response(request, "admin/suggestion.html", context, status_code=status_code)


@router.get("/{suggestion_id}", response_class=HTMLResponse)
def suggestion_admin(request: Request, session: SessionDep, curator: CuratorPage,
                     suggestion_id: IdPath) -> Response:
    return _page(request, session, curator, suggestion_id)


@router.post("/{suggestion_id}/decline", response_class=HTMLResponse)
def decline(request: Request, session: SessionDep, curator: CuratorWrite, suggestion_id: IdPath,
            form: FormDep) -> Response:
    try:
        revision = decline_suggestion(session=session, user=curator.user,
                                      suggestion_id=suggestion_id, values=form)
    except ValidationFailed as failed:
        return _page(request, session, curator, suggestion_id, errors=failed.errors,
                     reason=form.get("reason", ""), status_code=422)
    return saved("/admin/suggestions", revision)
