"""Fingerprinted static files. `static_url("css/app.css")` gives `/static/css/app.<hash>.css`;
a request for that name is served with a far-future immutable cache. Names without a hash (or
with an outdated one) still work with a short cache; the map outlines, which Plotly loads by
name, get a moderate one. Text assets are gzipped once per process and kept in memory; the few
large ones with a brotli twin made at build time (`X.br`, tools/precompress.py) are sent as that
to browsers that accept it."""

import gzip
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.config import PROJECT_ROOT

STATIC_ROOT = PROJECT_ROOT / "static"
HASH_LENGTH = 10
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.\w+)$")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
MODERATE = "public, max-age=86400"
MODERATE_PREFIXES = ("topojson/",)
COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


@lru_cache(maxsize=256)
def _content_hash(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:HASH_LENGTH]


def content_hash(path: Path) -> str:
    """Hash of the file's bytes, recomputed only when its size or mtime change."""
    stat = path.stat()
    return _content_hash(str(path), stat.st_mtime_ns, stat.st_size)


def static_url(relative: str) -> str:
    file = STATIC_ROOT / relative
    if not file.is_file():
        return f"/static/{relative}"
    stem, dot, ext = relative.rpartition(".")
    if not dot or "/" in ext:
        return f"/static/{relative}?v={content_hash(file)}"
    return f"/static/{stem}.{content_hash(file)}.{ext}"


def split_fingerprint(relative: str) -> tuple[str, str | None]:
    """('css/app.css', 'abc…') for 'css/app.abc….css'; (relative, None) when not hashed."""
    match = FINGERPRINTED.match(relative)
    if match is None:
        return relative, None
    return match["stem"] + match["ext"], match["hash"]


@lru_cache(maxsize=32)
def _gzipped(path: str, _mtime_ns: int, _size: int) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9, mtime=0)


def cache_control(relative: str, requested_hash: str | None, full_path: str) -> str:
    if requested_hash is not None:
        return IMMUTABLE if requested_hash == content_hash(Path(full_path)) else SHORT
    return MODERATE if relative.startswith(MODERATE_PREFIXES) else SHORT


class FingerprintedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        relative, requested_hash = split_fingerprint(path.replace(os.sep, "/"))
        response = await super().get_response(relative, scope)
        if response.status_code not in (200, 304):
            return response
        if isinstance(response, FileResponse) and _compressible(response):
            if _accepts(scope, "br") and Path(str(response.path) + ".br").is_file():
                response = _brotli_response(response)
            elif _accepts(scope, "gzip"):
                response = await _gzip_response(response)
        full_path = str(STATIC_ROOT / relative)
        response.headers["cache-control"] = cache_control(relative, requested_hash, full_path)
        if _compressible(response):
            response.headers["vary"] = "Accept-Encoding"
        return response


def _accepts(scope: Scope, coding: str) -> bool:
    """Whether Accept-Encoding names `coding` (without q=0)."""
    for item in Headers(scope=scope).get("accept-encoding", "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip() == coding and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


def _compressible(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith(COMPRESSIBLE_TYPES)


def _brotli_response(response: FileResponse) -> Response:
    """The file's precompressed brotli twin (tests/test_static.py keeps it equal to the file)."""
    headers = {name: response.headers[name] for name in ("content-type", "last-modified")}
    headers.update({"etag": f"W/{response.headers['etag']}-br", "content-encoding": "br"})
    return FileResponse(str(response.path) + ".br", headers=headers)


async def _gzip_response(response: FileResponse) -> Response:
    full_path = str(response.path)
    stat = os.stat(full_path)
    body = await anyio.to_thread.run_sync(_gzipped, full_path, stat.st_mtime_ns, stat.st_size)
    headers = {name: response.headers[name] for name in ("content-type", "last-modified")}
    headers.update({"etag": f"W/{response.headers['etag']}", "content-encoding": "gzip"})
    return Response(body, headers=headers)
