"""Curator accounts and logins, with failed logins slowed down per account-and-client and per
client address.

Attempts are stored in the `loginattempt` table, so the limits hold across worker processes.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.config import get_settings
from app.models import LoginAttempt, User, utcnow
from app.security import SessionData, hash_password, verify_password
from app.services.locking import hold_key

MIN_PASSWORD_LENGTH = 12
USERNAME_MAX_LENGTH = 100


class AccountError(ValueError):
    """A user could not be created; the message says why."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


USERNAME_RULE = re.compile(r"[a-z0-9][a-z0-9._-]*")
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "common-passwords.txt"
SEQUENCES = ("01234567890123456789098765432109876543210", "abcdefghijklmnopqrstuvwxyz",
             "qwertyuiopasdfghjklzxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
             "qwertzuiopasdfghjklyxcvbnm")
# Characters that look alike once lower-cased: two names with the same skeleton are confusable.
LOOK_ALIKE = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"))


def normalise_username(username: str) -> str:
    """NFKC then case-folded: full-width, ligature and case variants are the same name."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def username_skeleton(username: str) -> str:
    skeleton = re.sub(r"[._-]", "", normalise_username(username))
    for look, like in LOOK_ALIKE:
        skeleton = skeleton.replace(look, like)
    return skeleton


@lru_cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why a new password is refused, or None: too short, blank, a common password (even with
    digits or punctuation added), one repeated few characters, or the username itself."""
    lowered = password.casefold()
    core = re.sub(r"[\W\d_]+$", "", lowered)
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password must be at least {MIN_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "password must not be only spaces"
    if lowered in common_passwords() or core in common_passwords() or \
            lowered.replace(" ", "") in common_passwords():
        return "password is one of the most common passwords: choose another"
    if re.fullmatch(r"(.{1,4})\1+", lowered) or any(lowered in run for run in SEQUENCES):
        return "password repeats a few characters or follows the keyboard: choose another"
    if username and normalise_username(username) in lowered:
        return "password must not contain the username"
    return None


def check_new_account(username: str, password: str) -> None:
    if not (0 < len(username) <= USERNAME_MAX_LENGTH) or not USERNAME_RULE.fullmatch(username):
        raise AccountError(f"username must be 1 to {USERNAME_MAX_LENGTH} characters: letters a-z, "
                           "digits, '.', '_' or '-' (no look-alike letters from other scripts)")
    problem = password_problem(password, username=username)
    if problem:
        raise AccountError(problem)


def _confusable_with(session: Session, name: str) -> str | None:
    skeleton = username_skeleton(name)
    for existing in session.exec(select(User.username)):
        if username_skeleton(existing) == skeleton:
            return existing
    return None


def create_user(*, session: Session, username: str, password: str, role: str = "curator") -> User:
    name = normalise_username(username)
    check_new_account(name, password)
    if session.exec(select(User).where(User.username == name)).first() is not None:
        raise AccountError(f"user {name!r} already exists")
    twin = _confusable_with(session, name)
    if twin is not None:
        raise AccountError(f"username {name!r} looks like the existing {twin!r}: choose another")
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


def change_password(*, session: Session, user: User, current: str, new: str,
                    repeated: str) -> None:
    """Replace the user's password; every session issued before now ends (the caller gives
    this one a fresh cookie). AccountError says what is wrong."""
    if not verify_password(user.password_hash, current):
        raise AccountError("the current password is wrong")
    if new != repeated:
        raise AccountError("the two new passwords differ")
    problem = password_problem(new, username=user.username)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    end_sessions(session=session, user=user)


def end_sessions(*, session: Session, user: User) -> None:
    """Refuse every session of the user issued until now (logout: copied cookies too)."""
    user.sessions_valid_after = utcnow()
    session.add(user)
    session.commit()


SLOWDOWN_SECONDS = 30  # after the allowed failures: one try per 30 s, then 60, 120 ... (window)


def _failures(session: Session, since: datetime, *where: Any) -> list[datetime]:
    """When the recent failed (or still unchecked) attempts matching `where` were made."""
    query = (select(LoginAttempt.at)
             .where(*where, col(LoginAttempt.succeeded).is_(False), col(LoginAttempt.at) >= since))
    return list(session.exec(query))


def _slowed(failures: list[datetime], allowed: int, now: datetime) -> bool:
    """Beyond `allowed` failures, the next try waits SLOWDOWN_SECONDS after the latest failure,
    doubling with each further failure (at most the window): slowed down, never locked out."""
    if len(failures) < allowed:
        return False
    window = get_settings().login_window
    wait = min(window, SLOWDOWN_SECONDS * 2 ** min(len(failures) - allowed, 20))
    latest = max(failures)
    latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)  # stored naive, in UTC
    return now < latest + timedelta(seconds=wait)


def is_throttled(*, session: Session, username: str, client: str) -> bool:
    """Throttled per account-and-client (someone who knows a username cannot lock its curator
    out from elsewhere) and per client address (one client guessing many accounts)."""
    settings = get_settings()
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window)
    pair = _failures(session, since, LoginAttempt.username == username,
                     LoginAttempt.client == client)
    everyone = _failures(session, since, LoginAttempt.client == client)
    return (_slowed(pair, settings.login_max_failures_per_account, now)
            or _slowed(everyone, settings.login_max_failures_per_client, now))


def _find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def _reserve_attempt(session: Session, username: str, client: str) -> LoginAttempt | None:
    """Check the throttle and record this attempt as failed, atomically: attempts from one client
    are serialised here, so simultaneous guesses cannot all pass a check made before any of
    them was recorded. None when throttled."""
    hold_key(session=session, key=f"login:{client}")
    if is_throttled(session=session, username=username, client=client):
        session.rollback()
        return None
    attempt = LoginAttempt(username=username, client=client, succeeded=False)
    session.add(attempt)
    session.commit()
    return attempt


def log_in(*, session: Session, username: str, password: str, client: str) -> LoginResult:
    """Check a password. The attempt counts as a failure until the password is found right; a
    throttled attempt is refused unchecked."""
    name = normalise_username(username)[:USERNAME_MAX_LENGTH]
    attempt = _reserve_attempt(session, name, client[:100])
    if attempt is None:
        return LoginResult(user=None, throttled=True)
    user = _find_user(session, name)
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user is not None and user.is_active):
        return LoginResult(user=None)
    attempt.succeeded = True
    session.add(attempt)
    session.commit()
    session.refresh(user)
    return LoginResult(user=user)
