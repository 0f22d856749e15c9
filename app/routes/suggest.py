"""Readers suggest a correction to a country's record: no account, CSRF (an anonymous session
cookie, as on the login form), rate-limited per client, size-limited, a honeypot field, plain
text only. Nothing a reader sends is published: it waits in the curators' review queue."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep
from app.routes.admin_common import FormDep, admin_response, client_address
from app.security import (
    CSRF_FIELD,
    SessionData,
    csrf_matches,
    new_session,
    read_session,
    set_session_cookie,
)
from app.services import suggestions
from app.services.dataset import dataset_at

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, code: str, data: SessionData, *,
          values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
          status_code: int = 200, sent: bool = False) -> Response:
    dataset = dataset_at(session=session)
    country = dataset.country(code) if dataset else None
    if country is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    context = {"csrf": data.csrf, "country": country, "values": values or {},
               "errors": errors or {}, "sent": sent, "limits": suggestions.LIMITS,
               "honeypot": suggestions.HONEYPOT}
    response = admin_response(request, "suggest.html", context, status_code=status_code)
    set_session_cookie(response, request, data)
    return response


@router.get("/countries/{code}/suggest", response_class=HTMLResponse)
def suggest_form(request: Request, session: SessionDep, code: str, sent: int = 0) -> Response:
    data = read_session(request) or new_session(None)
    return _page(request, session, code, data, sent=sent == 1)


@router.post("/countries/{code}/suggest", response_class=HTMLResponse)
def suggest(request: Request, session: SessionDep, code: str, form: FormDep) -> Response:
    data = read_session(request)
    if data is None or not csrf_matches(data, form.get(CSRF_FIELD)):
        return _page(request, session, code, data or new_session(None), values=form,
                     errors={"form": "Your session expired: send the form again."},
                     status_code=403)
    try:
        suggestions.submit(session=session, code=code, values=form,
                           address=client_address(request))
    except suggestions.SuggestionRefused as refused:
        return _page(request, session, code, data, values=form, errors=refused.errors,
                     status_code=422)
    except suggestions.TooManySuggestions as busy:
        return _page(request, session, code, data, values=form, errors={"form": str(busy)},
                     status_code=429)
    except suggestions.SuggestionNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing
    return RedirectResponse(f"/countries/{code.lower()}/suggest?sent=1", status_code=303)
