"""Readers' suggested corrections: taken without an account, rate-limited per client (the check
and the insert are one serialised step, so simultaneous posts cannot all slip under the limit),
size-limited, plain text only, never published. Curators accept one (the correction or new
commitment it led to is saved with it, audited in the same revision) or decline it with a
reason (audited). Audit records name the suggestion by number only: a reader's words never
reach a public page."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import AuditEvent, Country, Suggestion, SuggestionStatus, User, utcnow
from app.services.audit import to_json
from app.services.locking import hold_key

MAX_PER_CLIENT = 5  # suggestions per client address ...
WINDOW = timedelta(hours=1)  # ... in this window
LIMITS = {"what": 2000, "source_url": 500, "quote": 1000, "contact": 200}
HONEYPOT = "website"  # hidden from people; a bot that fills it is thanked and ignored
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class SuggestionForm:
    """What a reader typed, as plain text."""

    what: str
    source_url: str
    quote: str
    contact: str
    honeypot: str

    @classmethod
    def of(cls, values: dict[str, str]) -> "SuggestionForm":
        def clean(name: str) -> str:
            return CONTROL.sub("", values.get(name, "")).strip()

        return cls(what=clean("what"), source_url=clean("source_url"), quote=clean("quote"),
                   contact=clean("contact"), honeypot=clean(HONEYPOT))


class SuggestionRefused(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class TooManySuggestions(Exception):
    pass


class SuggestionNotFound(LookupError):
    pass


def suggestion_errors(form: SuggestionForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.what:
        errors["what"] = "Say what is wrong or missing."
    for name, limit in LIMITS.items():
        if len(getattr(form, name)) > limit:
            errors[name] = f"At most {limit} characters, please."
    url = urlsplit(form.source_url) if form.source_url else None
    if url is not None and (url.scheme not in {"http", "https"} or not url.netloc):
        errors["source_url"] = "A web address starting with http:// or https://."
    if form.contact and "@" not in form.contact:
        errors["contact"] = "An e-mail address, or leave it empty."
    return errors


def client_key(address: str) -> str:
    """Client addresses are kept hashed, only to count recent suggestions."""
    return hashlib.sha256(f"suggestion:{address}".encode()).hexdigest()


def _recent(session: Session, client: str) -> int:
    since = utcnow() - WINDOW
    query = select(func.count()).select_from(Suggestion).where(
        Suggestion.client == client, col(Suggestion.created_at) >= since)
    return int(session.exec(query).one())


def submit(*, session: Session, code: str, values: dict[str, str], address: str) -> int | None:
    """Store a reader's suggestion; None for a bot caught by the honeypot (nothing stored)."""
    country = session.get(Country, code.upper())
    if country is None:
        raise SuggestionNotFound(f"No country with code {code!r}.")
    form = SuggestionForm.of(values)
    errors = suggestion_errors(form)
    if errors:
        raise SuggestionRefused(errors)
    if form.honeypot:
        return None
    client = client_key(address)
    hold_key(session=session, key=client)  # count and insert as one serialised step
    if _recent(session, client) >= MAX_PER_CLIENT:
        session.rollback()
        raise TooManySuggestions("Too many suggestions from this address: try again later.")
    suggestion = Suggestion(country_code=country.code, what=form.what,
                            source_url=form.source_url or None, quote=form.quote or None,
                            contact=form.contact or None, client=client)
    session.add(suggestion)
    session.commit()
    return suggestion.id


def open_count(*, session: Session) -> int:
    query = select(func.count()).select_from(Suggestion).where(
        Suggestion.status == SuggestionStatus.open.value)
    return int(session.exec(query).one())


def queue(*, session: Session) -> list[Suggestion]:
    """Open suggestions, oldest first."""
    query = (select(Suggestion).where(Suggestion.status == SuggestionStatus.open.value)
             .order_by(col(Suggestion.id)))
    return list(session.exec(query))


def get_suggestion(*, session: Session, suggestion_id: int) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise SuggestionNotFound(f"No suggestion {suggestion_id}.")
    return suggestion


def decision_event(*, session: Session, user: User, suggestion_id: int,
                   status: SuggestionStatus, reason: str | None) -> AuditEvent:
    """Mark an open suggestion accepted or declined; the audit event for its revision."""
    suggestion = get_suggestion(session=session, suggestion_id=suggestion_id)
    if suggestion.status != SuggestionStatus.open.value:
        raise SuggestionNotFound(f"Suggestion {suggestion_id} was already {suggestion.status}.")
    suggestion.status, suggestion.decided_at = status.value, utcnow()
    suggestion.decided_by, suggestion.decision_reason = user.id, reason
    session.add(suggestion)
    verb = "accept" if status is SuggestionStatus.accepted else "decline"
    return AuditEvent(revision_id=0, user_id=user.id, actor_role=user.role,
                      action=f"suggestion.{verb}",
                      entity="suggestion", entity_id=str(suggestion_id),
                      # a decline changes no country: kept out of country histories
                      country_code=suggestion.country_code if verb == "accept" else None,
                      before=to_json({"status": SuggestionStatus.open.value}),
                      after=to_json({"status": status.value}), reason=reason)
