"""Pure ASGI middleware for production: security headers, request ids and JSON access logs,
body-size and rate limits, compression and conditional requests, the cached public path
(app/web/pagememo.py); fingerprinted static files."""

from fastapi import FastAPI
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from app.config import Settings
from app.db import get_engine
from app.services.revisionwatch import RevisionWatch
from app.web.conditional import ConditionalGetMiddleware
from app.web.forwarded import ForwardedMiddleware
from app.web.head import HeadAsGetMiddleware
from app.web.headers import SecurityHeadersMiddleware
from app.web.limits import BodySizeLimitMiddleware, RateLimitMiddleware
from app.web.pagememo import PageMemoMiddleware
from app.web.requests import RequestContextMiddleware
from app.web.warming import Warmer

NOT_WORTH_COMPRESSING = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/pdf", "image/x-icon")


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the app, innermost first: the last one added runs first on each request."""
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=6,
                       exclude_content_types=NOT_WORTH_COMPRESSING)
    app.add_middleware(RateLimitMiddleware, writes_per_minute=settings.rate_limit_writes_per_minute,
                       logins_per_minute=settings.rate_limit_logins_per_minute)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    warmer = Warmer(engine_of=get_engine, base_url=settings.public_base_url) \
        if settings.warm_caches else None
    app.add_middleware(PageMemoMiddleware, watch=RevisionWatch(get_engine), warmer=warmer)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(ForwardedMiddleware, trusted=settings.trusted_proxies)
