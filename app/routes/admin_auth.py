"""Who is asking: the curator behind an admin request, CSRF checks, log in and log out.

Anonymous requests for admin pages are redirected (303) to the login form; anonymous writes are
refused with 401 JSON, and writes without this session's CSRF token (form field `csrf_token` or
header `X-CSRF-Token`) with 403 JSON.
"""

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep
from app.models import User
from app.security import (
    CSRF_FIELD,
    CSRF_HEADER,
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
    session_user,
)
from app.services.locking import DatabaseBusy, begin_write
from app.services.suggestions import open_count
from app.templating import is_htmx, page_response
from app.web.responses import json_error

router = APIRouter(prefix="/admin", include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie, HX-Request"}


@dataclass(frozen=True)
class Curator:
    user: User
    session: SessionData
    open_suggestions: int = 0  # readers' suggestions waiting in the review queue

    @property
    def csrf(self) -> str:
        return self.session.csrf


async def submitted_form(request: Request) -> dict[str, str]:
    """The urlencoded or multipart form, text fields only (what the curator typed); a form with
    a NUL character anywhere is refused (422) with the rest of what was typed kept."""
    if request.method != "POST":
        return {}
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if any("\x00" in key or "\x00" in value for key, value in values.items()):
        kept = {key.replace("\x00", ""): value.replace("\x00", "")
                for key, value in values.items()}
        raise WriteRefused(422, "A field holds a NUL character (U+0000), which no text may "
                           "contain: remove it and send the form again.", kept)
    return values


FormDep = Annotated[dict[str, str], Depends(submitted_form)]


def _curator(request: Request, session: SessionDep) -> Curator | None:
    data = read_session(request)
    user = session_user(session=session, data=data)
    if user is None or data is None:
        return None
    return Curator(user=user, session=data, open_suggestions=open_count(session=session))


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/admin/login?next={quote(target, safe='')}"


def curator_page(request: Request, session: SessionDep) -> Curator:
    curator = _curator(request, session)
    if curator is None:
        raise HTTPException(303, detail="Log in first.", headers={"Location": login_url(request)})
    return curator


class WriteRefused(Exception):
    """A write without a live session or a valid CSRF token. API and HTMX clients get JSON; a
    browser form gets a page that keeps everything the curator typed (nothing is lost)."""

    def __init__(self, status: int, detail: str, form: dict[str, str]) -> None:
        super().__init__(detail)
        self.status, self.detail, self.form = status, detail, form


def curator_write(request: Request, session: SessionDep, form: FormDep) -> Curator:
    curator = _curator(request, session)
    if curator is None:
        raise WriteRefused(401, "Log in first: this action needs a curator session.", form)
    token = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not csrf_matches(curator.session, token):
        raise WriteRefused(403, "Missing or invalid CSRF token: reload the form.", form)
    if not request.url.path.endswith("/validate"):  # a save: SQLite's write lock up front
        try:
            begin_write(session=session)
        except DatabaseBusy as busy:
            raise WriteRefused(503, f"{busy}.", form) from busy
    return curator


NOT_KEPT = {CSRF_FIELD, "password", "version", "current_password", "new_password",
            "repeat_password"}


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not is_htmx(request)


async def write_refused(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, WriteRefused) or not wants_html(request):
        detail = exc.detail if isinstance(exc, WriteRefused) else "Refused."
        status = exc.status if isinstance(exc, WriteRefused) else 403
        headers = {"Retry-After": "2"} if status == 503 else None
        return json_error(detail, status, headers=headers)
    kept = {k: v for k, v in exc.form.items() if k not in NOT_KEPT and v.strip()}
    referer = request.headers.get("referer", "")
    context = {"detail": exc.detail, "kept": kept, "busy": exc.status == 503,
               "login": f"/admin/login?next={quote(safe_next(urlsplit(referer).path), safe='')}"}
    response = admin_response(request, "admin/refused.html", context, status_code=exc.status)
    if exc.status == 503:
        response.headers["Retry-After"] = "2"
    return response


CuratorPage = Annotated[Curator, Depends(curator_page)]
CuratorWrite = Annotated[Curator, Depends(curator_write)]


def admin_response(request: Request, name: str, context: dict[str, Any], *,
                   block: str | None = None, status_code: int = 200) -> HTMLResponse:
    """An admin page: never cached, and it varies with the session."""
    response = page_response(request, name, context, block=block, status_code=status_code)
    response.headers.update(NO_STORE)
    return response


def safe_next(target: str | None) -> str:
    """Only a local /admin path may be the destination after logging in."""
    value = target or ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin") or "\\" in value:
        return "/admin"
    return value


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(request: Request, data: SessionData, *, next_url: str, username: str = "",
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    context = {"csrf": data.csrf, "next": next_url, "username": username, "error": error}
    response = admin_response(request, "admin/login.html", context, status_code=status_code)
    set_session_cookie(response, request, data)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if _curator(request, session) is not None:
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
