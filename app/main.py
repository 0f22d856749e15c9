"""The ASGI application."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import errors
from app.config import PROJECT_ROOT
from app.routes import api


def create_app() -> FastAPI:
    app = FastAPI(
        title="Coalition Tracker",
        description="Dated, cited positions of countries on the Coalition of the Willing "
        "security guarantees for Ukraine.",
        version="1.0",
    )
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    errors.install(app)
    app.include_router(api.router)
    return app


app = create_app()
