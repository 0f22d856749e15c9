"""Jinja2 rendering. One template per page; HTMX fragments are named blocks of that page, rendered
alone when the request carries `HX-Request` (jinja2-fragments). Output is always autoescaped."""

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from app.config import PROJECT_ROOT, get_settings
from app.dates import format_date, format_moment
from app.labels import (
    ATTRIBUTION_LABELS,
    FIRMNESS_LABELS,
    KIND_LABELS,
    LOCATION_LABELS,
    PRECISION_LABELS,
    ROLE_CHOICES,
    STANCE_LABELS,
    choices,
)
from app.models import Attribution, Firmness, Precision, Role, Stance
from app.services.audit import field_label, headline, readable_value
from app.services.countries import CountrySummary
from app.services.mapdata import DEFINITIONS, LABELS, PALETTE, category
from app.services.records import Dataset
from app.services.revisions import newest_revision, pinned_url
from app.web.static import static_url as fingerprinted_url

env = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

env.globals.update(stance_labels=STANCE_LABELS, stances=list(Stance), settings=get_settings,
                   palette=PALETTE, category_labels=LABELS, definitions=DEFINITIONS,
                   kind_options=choices(KIND_LABELS))
# The curators' choices, from app/labels.py; templates compare against the enums, not strings.
env.globals.update(role_options=choices(ROLE_CHOICES),
                   precision_options=choices(PRECISION_LABELS),
                   attribution_options=choices(ATTRIBUTION_LABELS),
                   firmness_options=choices(FIRMNESS_LABELS),
                   location_options=choices(LOCATION_LABELS),
                   Attribution=Attribution, Firmness=Firmness, Precision=Precision, Role=Role)


def static_url(path: str) -> str:
    """URL of a file under static/, fingerprinted with its content hash (far-future cache)."""
    return fingerprinted_url(path)


env.globals["static_url"] = static_url
# The one date formatter: {{ day | readable_date }}, {{ day | readable_date(precision) }}.
env.filters["readable_date"] = format_date
env.filters["readable_moment"] = format_moment
env.globals["readable_date"] = format_date


def pinned_request_url(request: Request, dataset: Dataset) -> str:
    """This request's absolute address pinned to the revision it was answered from."""
    return pinned_url(base=get_settings().public_base_url, path=request.url.path,
                      query=request.query_params.multi_items(), revision=dataset.revision)


def cite_url(dataset: Dataset, *, request: Request | None = None, path: str | None = None
             ) -> str | None:
    """The "cite this" address: from the request, or from `path` ("/x?a=b") for pages rendered
    without one; None if neither is known."""
    if request is not None:
        return pinned_request_url(request, dataset)
    if path is None:
        return None
    target, _, text = path.partition("?")
    return pinned_url(base=get_settings().public_base_url, path=target, query=parse_qsl(text),
                      revision=dataset.revision)


env.globals["cite_url"] = cite_url
env.globals["newest_revision"] = newest_revision


def unpinned_url(request: Request) -> str:
    """This page's address without `?rev=`: the current version of the same view."""
    query = [(key, value) for key, value in request.query_params.multi_items() if key != "rev"]
    return request.url.path + ("?" + urlencode(query) if query else "")


env.globals["unpinned_url"] = unpinned_url


def category_of(row: CountrySummary) -> str:
    """The legend key a country row is shown under (host, troops in neighbouring states...)."""
    return category(stance=row.stance, role=row.role, troop_location=row.troop_location)


env.globals["category_of"] = category_of
env.globals.update(headline=headline, field_label=field_label, readable_value=readable_value)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment(request: Request) -> bool:
    """An HTMX swap wants the named block; restoring history after a cache miss (Back after
    HTMX navigation, `HX-History-Restore-Request`) wants the whole page."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


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
    chosen = block if wants_fragment(request) else None
    body = render(name, {"request": request, **context}, block=chosen)
    return HTMLResponse(body, status_code=status_code, headers={"Vary": "HX-Request"})
