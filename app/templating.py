"""Jinja2 rendering. One template per page; HTMX fragments are named blocks of that page, rendered
alone when the request carries `HX-Request` (jinja2-fragments). Output is always autoescaped."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from app.config import PROJECT_ROOT, get_settings
from app.models import Stance

env = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

STANCE_LABELS: dict[str, str] = {
    Stance.troops: "Troops",
    Stance.logistics: "Logistics",
    Stance.political_only: "Political only",
    Stance.opposed: "Opposed",
    Stance.undeclared: "Undeclared",
}

env.globals.update(stance_labels=STANCE_LABELS, stances=list(Stance), settings=get_settings)


def static_url(path: str) -> str:
    """URL of a file under static/ (the one place to add fingerprinting)."""
    return f"/static/{path}"


env.globals["static_url"] = static_url


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(name: str, context: dict[str, Any], *, block: str | None = None) -> str:
    """The whole page, or only one of its named blocks."""
    if block:
        return render_block(env, name, block, **context)
    return env.get_template(name).render(**context)


def page_response(
    request: Request, name: str, context: dict[str, Any], *, block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render `name` for this request: only `block` when HTMX asks for it."""
    body = render(name, {"request": request, **context}, block=block if is_htmx(request) else None)
    return HTMLResponse(body, status_code=status_code, headers={"Vary": "HX-Request"})
