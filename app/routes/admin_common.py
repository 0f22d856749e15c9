"""What every admin route module shares: who is asking (the curator, CSRF, the posted form), the
latest dataset, the typed form a page renders, the saved redirect and the conflict page. Admin
route modules import this module (and app/routes/admin_forms.py), never each other."""

from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import SessionDep
from app.errors import http_error
from app.models import User
from app.routes.admin_forms import AdminForm, Latest, commitment_forms, from_suggestion
from app.security import CSRF_FIELD, CSRF_HEADER, SessionData, csrf_matches, read_session
from app.services.audit import TrailEntry
from app.services.auth import session_user
from app.services.dataset import dataset_at
from app.services.editing.common import VersionConflict
from app.services.locking import DatabaseBusy, begin_write
from app.services.merging import Merge, reconcile
from app.services.records import Dataset
from app.services.suggestions import open_count
from app.templating import is_htmx, page_response
from app.web.responses import json_error

NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie, HX-Request"}

UNCHOSEN = "Both of you changed this: choose the latest saved value or yours."


# ---- who is asking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Curator:
    user: User
    session: SessionData
    open_suggestions: int = 0  # readers' suggestions waiting in the review queue

    @property
    def csrf(self) -> str:
        return self.session.csrf


class WriteRefused(Exception):
    """A write without a live session or a valid CSRF token. API and HTMX clients get JSON; a
    browser form gets a page that keeps everything the curator typed (nothing is lost)."""

    def __init__(self, status: int, detail: str, form: dict[str, str]) -> None:
        super().__init__(detail)
        self.status, self.detail, self.form = status, detail, form


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


def current_curator(request: Request, session: SessionDep) -> Curator | None:
    data = read_session(request)
    user = session_user(session=session, data=data)
    if user is None or data is None:
        return None
    return Curator(user=user, session=data, open_suggestions=open_count(session=session))


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/admin/login?next={quote(target, safe='')}"


def curator_page(request: Request, session: SessionDep) -> Curator:
    curator = current_curator(request, session)
    if curator is None:
        raise HTTPException(303, detail="Log in first.", headers={"Location": login_url(request)})
    return curator


def curator_write(request: Request, session: SessionDep, form: FormDep) -> Curator:
    curator = current_curator(request, session)
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


CuratorPage = Annotated[Curator, Depends(curator_page)]
CuratorWrite = Annotated[Curator, Depends(curator_write)]

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


async def record_not_found(request: Request, exc: Exception) -> Response:
    """A save naming a record that is not (or no longer) there: 404, like any missing page."""
    return await http_error(request, HTTPException(404, detail=str(exc)))


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


# ---- what the admin pages read and render ------------------------------------------------


def latest_dataset(session: SessionDep) -> Dataset:
    dataset = dataset_at(session=session)
    if dataset is None:
        raise HTTPException(503, detail="No dataset has been published yet: run the seed command.")
    return dataset


def submitted_version(form: dict[str, str]) -> int:
    raw = form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def merged(form: dict[str, str], latest: Latest) -> Merge:
    return reconcile(form=form, theirs=latest.values, version=latest.version,
                     submitted_version=submitted_version(form))


def with_clashes(form: AdminForm, merge: Merge) -> AdminForm:
    """The form on the conflict page: fields both sides changed shown side by side."""
    errors = {clash.name: UNCHOSEN for clash in merge.clashes if clash.unchosen}
    return replace(form, clashes={clash.name: clash for clash in merge.clashes},
                   errors={**form.errors, **errors})


def stale_addition(request: Request, session: SessionDep, curator: Curator, form: AdminForm,
                   conflict: VersionConflict) -> Response:
    """409 for an addition or removal built on a stale version (nothing to merge): what others
    saved since, and the curator's form carrying the current version, to resubmit."""
    current = replace(form, values={**form.values, "version": str(conflict.current_version)})
    return conflict_page(request, curator, current, changes=conflict.changes,
                         dataset=dataset_at(session=session))


def saved(target: str, revision: int) -> Response:
    """POST-redirect-GET: the page says "Saved as revision N" (a reload never re-posts)."""
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}saved={revision}", status_code=303)


def conflict_page(request: Request, curator: Curator, form: AdminForm, *,
                  changes: list[TrailEntry], dataset: Dataset | None) -> Response:
    """409: what others saved since the form was opened, and the curator's form (merged)."""
    context = {"curator": curator, "form": form, "changes": changes,
               "sources": dataset.sources if dataset else [],
               "events": dataset.events if dataset else [],
               "names": {c.code: c.name for c in dataset.countries} if dataset else {}}
    return admin_response(request, "admin/conflict.html", context, status_code=409)


def commitment_page(request: Request, session: SessionDep, curator: Curator, commitment_id: int,
                    *, filled: AdminForm | None = None, status_code: int = 200,
                    block: str | None = None) -> Response:
    """The commitment's forms (correct, retract, its citations); `filled` (with what the
    curator typed and its messages) replaces the form of its name."""
    dataset = latest_dataset(session)
    record = next((c for c in dataset.commitments if c.id == commitment_id), None)
    country = dataset.country(record.country_code) if record else None
    if record is None or country is None:
        raise HTTPException(404, detail=f"No commitment {commitment_id}.")
    forms = commitment_forms(record, country.version,
                             from_suggestion(request, session, new=False))
    if filled is not None:
        forms[filled.name] = filled
    context = {
        "curator": curator, "dataset": dataset, "commitment": record, "country": country,
        "sources": dataset.sources, "events": dataset.events, "specs": forms,
    }
    return admin_response(request, "admin/commitment.html", context, block=block,
                          status_code=status_code)
