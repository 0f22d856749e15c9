"""Curator accounts and logins, with failed logins throttled per account and per client address.

Attempts are stored in the `loginattempt` table, so the limits hold across worker processes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import get_settings
from app.models import LoginAttempt, User, utcnow
from app.security import SessionData, hash_password, verify_password

MIN_PASSWORD_LENGTH = 12
USERNAME_MAX_LENGTH = 100


class AccountError(ValueError):
    """A user could not be created; the message says why."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def check_new_account(username: str, password: str) -> None:
    if not username or len(username) > USERNAME_MAX_LENGTH or not username.isprintable():
        raise AccountError(f"username must be 1 to {USERNAME_MAX_LENGTH} printable characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(*, session: Session, username: str, password: str, role: str = "curator") -> User:
    name = normalise_username(username)
    check_new_account(name, password)
    if session.exec(select(User).where(User.username == name)).first() is not None:
        raise AccountError(f"user {name!r} already exists")
    user = User(username=name, password_hash=hash_password(password), role=role)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def active_user(*, session: Session, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def session_user(*, session: Session, data: SessionData | None) -> User | None:
    """The active user of a session, unless the user ended their sessions after it was issued."""
    user = active_user(session=session, user_id=data.user_id if data else None)
    if user is None or data is None or data.issued_before(user.sessions_valid_after):
        return None
    return user


def end_sessions(*, session: Session, user: User) -> None:
    """Refuse every session of the user issued until now (logout: copied cookies too)."""
    user.sessions_valid_after = utcnow()
    session.add(user)
    session.commit()


def _recent_failures(session: Session, column: object, value: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, col(LoginAttempt.succeeded).is_(False),
               col(LoginAttempt.at) >= since)
    )
    return int(session.exec(query).one())


def is_throttled(*, session: Session, username: str, client: str) -> bool:
    settings = get_settings()
    since = utcnow() - timedelta(seconds=settings.login_window)
    return (
        _recent_failures(session, LoginAttempt.username, username, since)
        >= settings.login_max_failures_per_account
        or _recent_failures(session, LoginAttempt.client, client, since)
        >= settings.login_max_failures_per_client
    )


def _find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def log_in(*, session: Session, username: str, password: str, client: str) -> LoginResult:
    """Check a password, recording the attempt. A throttled attempt is refused unchecked."""
    name = normalise_username(username)[:USERNAME_MAX_LENGTH]
    client = client[:100]
    if is_throttled(session=session, username=name, client=client):
        return LoginResult(user=None, throttled=True)
    user = _find_user(session, name)
    valid = verify_password(user.password_hash if user else None, password)
    succeeded = bool(valid and user is not None and user.is_active)
    session.add(LoginAttempt(username=name, client=client, succeeded=succeeded))
    session.commit()
    if user is not None:
        session.refresh(user)
    return LoginResult(user=user if succeeded else None)
