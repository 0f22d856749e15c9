"""OpenAPI documentation at /docs, served entirely from static/ (FastAPI's default page loads
Swagger UI from a CDN and starts it with an inline script, which the CSP forbids)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render("api_docs.html", {"openapi_url": request.app.openapi_url}))
