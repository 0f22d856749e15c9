"""The ASGI application."""

import gc

from fastapi import FastAPI

from app import errors, web
from app.config import PROJECT_ROOT, get_settings
from app.routes import (
    admin,
    admin_auth,
    admin_citations,
    admin_common,
    admin_events,
    admin_sources,
    admin_suggestions,
    api,
    cards,
    compare,
    data,
    docs,
    embed,
    health,
    pages,
    search,
    suggest,
    trail,
)
from app.services.cards import install_prerender
from app.services.editing.common import RecordNotFound
from app.services.mapsvg import warm_picture
from app.web.static import FingerprintedStaticFiles


def create_app() -> FastAPI:
    app = FastAPI(
        title="Coalition Tracker",
        description="Dated, cited positions of countries on the Coalition of the Willing "
        "security guarantees for Ukraine.",
        version="1.0",
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/static", FingerprintedStaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    errors.install(app)
    app.add_exception_handler(admin_common.WriteRefused, admin_common.write_refused)
    app.add_exception_handler(RecordNotFound, admin_common.record_not_found)
    web.install(app, get_settings())
    app.include_router(api.router)
    app.include_router(search.router)
    app.include_router(compare.router)
    app.include_router(docs.router)
    app.include_router(suggest.router)
    app.include_router(pages.router)
    app.include_router(data.router)
    app.include_router(cards.router)
    app.include_router(embed.router)
    install_prerender()
    app.include_router(health.router)
    app.include_router(trail.router)
    app.include_router(admin_auth.router)
    app.include_router(admin.router)
    app.include_router(admin_sources.router)
    app.include_router(admin_events.router)
    app.include_router(admin_citations.router)
    app.include_router(admin_suggestions.router)
    errors.install_openapi(app)
    return app


app = create_app()
# The dashboard's still picture projects every outline (about a second of CPU): done here, before
# the worker accepts connections, rather than by the first burst of requests, whose renders
# would otherwise hold the GIL together and keep the event loop (and /healthz) waiting.
warm_picture()
# Start-up objects (modules, routes, templates) never die: keep them out of the collector's
# full passes, which otherwise stall a request every few hundred (p99).
gc.collect()
gc.freeze()
