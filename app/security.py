"""Passwords, the signed session cookie and CSRF tokens.

The session cookie is signed with SECRET_KEY (itsdangerous), HttpOnly, SameSite=Lax, Secure when
the request came over HTTPS. It holds the user id, the time it was issued (expiry is checked here,
on the server, not left to the browser; logging out refuses every session of the user issued
before it, copies of the cookie included) and the session's CSRF token. Anonymous visitors of the
login form get a session without a user so the login form carries a CSRF token too.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from app.config import get_settings

COOKIE_NAME = "ct_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

_hasher = PasswordHasher()
# Verifying against this when the account does not exist keeps the timing of both cases alike.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SessionData:
    user_id: int | None
    csrf: str
    issued_at: float  # seconds since the epoch, with a fraction

    def is_expired(self, *, now: float | None = None) -> bool:
        age = (now if now is not None else time.time()) - self.issued_at
        return age > get_settings().session_max_age or age < -60

    def issued_before(self, moment: datetime | None) -> bool:
        return moment is not None and self.issued_at < moment.timestamp()


def _serializer() -> URLSafeSerializer:
    secret = get_settings().secret_key
    if not secret:
        raise RuntimeError("SECRET_KEY is not set: `python -m app serve` generates one.")
    return URLSafeSerializer(secret, salt="coalition-tracker.session")


def new_session(user_id: int | None) -> SessionData:
    return SessionData(user_id=user_id, csrf=secrets.token_urlsafe(32), issued_at=time.time())


def encode_session(data: SessionData) -> str:
    return str(_serializer().dumps([data.user_id, data.csrf, data.issued_at]))


def decode_session(cookie: str | None) -> SessionData | None:
    """The session in a cookie value; None when absent, forged, malformed or expired."""
    if not cookie:
        return None
    try:
        user_id, csrf, issued_at = _serializer().loads(cookie)
        data = SessionData(user_id=user_id, csrf=str(csrf), issued_at=float(issued_at))
    except (BadSignature, TypeError, ValueError):
        return None
    return None if data.is_expired() else data


def read_session(request: Request) -> SessionData | None:
    return decode_session(request.cookies.get(COOKIE_NAME))


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, data: SessionData) -> None:
    response.set_cookie(
        COOKIE_NAME, encode_session(data), max_age=get_settings().session_max_age,
        httponly=True, samesite="lax", secure=is_https(request), path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax",
                           secure=is_https(request))


def csrf_matches(session: SessionData | None, submitted: str | None) -> bool:
    """True when `submitted` is this session's CSRF token (constant-time comparison)."""
    if session is None or not submitted:
        return False
    return secrets.compare_digest(session.csrf.encode(), submitted.encode())
