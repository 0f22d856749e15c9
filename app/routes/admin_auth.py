"""Log in, log out and change one's password. Who is asking (the curator behind an admin request,
CSRF checks) is decided in app/routes/admin_common.py, which every admin route module shares.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep
from app.routes.admin_common import (
    NO_STORE,
    Curator,
    CuratorPage,
    CuratorWrite,
    FormDep,
    admin_response,
    client_address,
    current_curator,
    safe_next,
)
from app.security import (
    CSRF_FIELD,
    SessionData,
    clear_session_cookie,
    csrf_matches,
    new_session,
    read_session,
    set_session_cookie,
)
from app.services.auth import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    change_password,
    end_sessions,
    log_in,
)

router = APIRouter(prefix="/admin", include_in_schema=False)


def _login_page(request: Request, data: SessionData, *, next_url: str, username: str = "",
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    context = {"csrf": data.csrf, "next": next_url, "username": username, "error": error}
    response = admin_response(request, "admin/login.html", context, status_code=status_code)
    set_session_cookie(response, request, data)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if current_curator(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    data = read_session(request) or new_session(None)
    return _login_page(request, data, next_url=safe_next(next))


def _login_failure(request: Request, data: SessionData, form: dict[str, str],
                   throttled: bool) -> HTMLResponse:
    error = ("Too many failed attempts: wait a few minutes before trying again." if throttled
             else "Wrong username or password.")
    return _login_page(request, data, next_url=safe_next(form.get("next")),
                       username=form.get("username", ""), error=error,
                       status_code=429 if throttled else 401)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    data = read_session(request)
    if not csrf_matches(data, form.get(CSRF_FIELD)) or data is None:
        raise HTTPException(403, detail="Missing or invalid CSRF token: reload the login form.")
    result = log_in(session=session, username=form.get("username", ""),
                    password=form.get("password", ""), client=client_address(request))
    if result.user is None:
        return _login_failure(request, data, form, result.throttled)
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    set_session_cookie(response, request, new_session(result.user.id))  # fresh token: no fixation
    response.headers.update(NO_STORE)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, curator: CuratorWrite) -> Response:
    end_sessions(session=session, user=curator.user)
    response = RedirectResponse("/admin/login", status_code=303)
    clear_session_cookie(response, request)
    response.headers.update(NO_STORE)
    return response


def _password_page(request: Request, curator: Curator, *, error: str | None = None,
                   changed: bool = False, status_code: int = 200) -> HTMLResponse:
    context = {"curator": curator, "error": error, "changed": changed,
               "min_length": MIN_PASSWORD_LENGTH}
    return admin_response(request, "admin/password.html", context, status_code=status_code)


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, curator: CuratorPage) -> Response:
    return _password_page(request, curator)


@router.post("/password", response_class=HTMLResponse)
def password_change(request: Request, session: SessionDep, curator: CuratorWrite,
                    form: FormDep) -> Response:
    """Change the curator's password: other sessions end, this one gets a fresh cookie."""
    try:
        change_password(session=session, user=curator.user,
                        current=form.get("current_password", ""),
                        new=form.get("new_password", ""), repeated=form.get("repeat_password", ""))
    except AccountError as refused:
        return _password_page(request, curator, error=f"Not changed: {refused}.", status_code=422)
    fresh = Curator(user=curator.user, session=new_session(curator.user.id))
    response = _password_page(request, fresh, changed=True)
    set_session_cookie(response, request, fresh.session)
    return response
