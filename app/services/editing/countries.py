"""Countries: add one, edit one (versioned), mark positions reviewed."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.models import Country, User, utcnow
from app.services.editing.common import (
    RecordNotFound,
    ValidationFailed,
    audit_event,
    publish,
    submitted_version,
)
from app.services.editing.inputs import CountryInput
from app.services.editing.optimistic import bump_country
from app.services.validation import FieldErrors, Values, message, text, validate_country


def country_errors(*, session: Session, values: Values, is_new: bool) -> FieldErrors:
    codes = frozenset(session.exec(select(Country.code)))
    return validate_country(values, existing=codes, is_new=is_new)



def country_snapshot(country: Country) -> dict[str, Any]:
    return country.model_dump(mode="json")



def country_row(session: Session, code: str) -> Country:
    country = session.get(Country, code.upper())
    if country is None:
        raise RecordNotFound(f"No country with code {code!r}.")
    return country



def add_country(*, session: Session, user: User, values: Values) -> str:
    """Add a country by ISO code. Returns its code."""
    errors = country_errors(session=session, values=values, is_new=True)
    if errors:
        raise ValidationFailed(errors)
    country = Country(code=text(values, "code").upper(), **CountryInput.parse(values).columns())
    session.add(country)
    try:
        session.flush()
    except IntegrityError:  # another curator added the same code a moment ago
        session.rollback()
        raise ValidationFailed({"code": message("code_taken")}) from None
    event = audit_event(user, "country.add", "country", country.code, country_code=country.code,
                        before=None, after=country_snapshot(country))
    publish(session, user, f"Country added: {country.name}", [event])
    return country.code


def edit_country(*, session: Session, user: User, code: str, values: Values) -> int:
    country = country_row(session, code)
    errors = country_errors(session=session, values=values, is_new=False)
    if errors:
        raise ValidationFailed(errors)
    code = country.code
    before = country_snapshot(country)
    bump_country(session, code, submitted_version(values))
    session.refresh(country)
    CountryInput.parse(values).apply(country)
    session.add(country)
    session.flush()
    event = audit_event(user, "country.edit", "country", code, country_code=code, before=before,
                        after=country_snapshot(country))
    return publish(session, user, f"Country edited: {country.name}", [event])



def mark_reviewed(*, session: Session, user: User, code: str | None = None) -> int:
    """Mark one country's position (or, with no code, every country's) reviewed now: an audited
    action that publishes a revision, so "Positions last reviewed" is dated and citable."""
    query = select(Country).order_by(col(Country.code))
    if code is not None:
        query = query.where(Country.code == code.upper())
    countries = list(session.exec(query))
    if not countries:
        raise RecordNotFound(f"No country {code!r}.")
    now = utcnow()
    before = {c.code: c.reviewed_at.isoformat() if c.reviewed_at else None for c in countries}
    for country in countries:
        country.reviewed_at = now
        session.add(country)
    session.flush()
    if code is None:
        event = audit_event(user, "dataset.review", "dataset", "all", country_code=None,
                            before=None, after={"reviewed_at": now.isoformat()})
        return publish(session, user, "Every country's position reviewed", [event])
    country = countries[0]
    event = audit_event(user, "country.review", "country", country.code, country_code=country.code,
                        before={"reviewed_at": before[country.code]},
                        after={"reviewed_at": now.isoformat()})
    return publish(session, user, f"Position reviewed: {country.name}", [event])
