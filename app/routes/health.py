"""Probes for orchestrators and load balancers: /healthz (the process answers) and /readyz
(the database answers and its schema is at the newest migration)."""

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.db import get_engine
from app.services.readiness import check_readiness

router = APIRouter(tags=["health"])
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz() -> JSONResponse:
    readiness = check_readiness(engine=get_engine())
    body = {"status": "ready" if readiness.ready else "not ready", **asdict(readiness)}
    return JSONResponse(body, status_code=200 if readiness.ready else 503, headers=NO_STORE)
