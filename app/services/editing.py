"""Curators' edits. Each save validates the form, checks the record's version (optimistic
concurrency: a stale version is refused, nothing is overwritten silently), bumps it, writes audit
events (before -> after) and publishes ONE new revision in the same transaction; after the commit
the after-publish hooks run.

Forms arrive as the strings the curator typed; the version the form was built on is the field
`version`.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.models import (
    AuditEvent,
    Citation,
    Commitment,
    Country,
    Event,
    EventFact,
    FactCitation,
    Signatory,
    Source,
    SuggestionStatus,
    User,
    utcnow,
)
from app.numbers import parse_id, parse_whole
from app.services import hooks, suggestions
from app.services.audit import (
    TrailEntry,
    changes_since,
    country_events,
    event_events,
    source_events,
    to_json,
)
from app.services.dataset import publish_revision
from app.services.records import CitationRecord, CommitmentRecord, CountryRecord, EventRecord
from app.services.validation import (
    CONDITION_FLAGS,
    NEW_SOURCE,
    TRI_STATE,
    FieldErrors,
    Values,
    attribution_of,
    message,
    parse_date,
    text,
    validate_citation,
    validate_commitment_fields,
    validate_country,
    validate_event,
    validate_fact,
    validate_reason,
    validate_signatory,
    validate_source,
)

CHECKED = {"on", "yes", "true"}


class ValidationFailed(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class VersionConflict(Exception):
    """The form was built on an older version: `changes` are what others saved since."""

    def __init__(self, *, current_version: int, changes: list[TrailEntry]) -> None:
        super().__init__(f"record is now at version {current_version}")
        self.current_version = current_version
        self.changes = changes


class RecordNotFound(LookupError):
    pass


def submitted_version(values: Values) -> int:
    return parse_whole(text(values, "version")) or 0


# ---- reading what a form needs ------------------------------------------------------------


def source_for_citation(session: Session, values: Values) -> Source | None:
    source_id = parse_id(text(values, "source_id"))
    return session.get(Source, source_id) if source_id is not None else None


def citation_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """A citation's source (existing or new) and its quote, checked against the source's text."""
    source = source_for_citation(session, values)
    new_text = text(values, "new_source_text") if text(values, "source_id") == NEW_SOURCE else ""
    return validate_citation(values, today=today, source_known=source is not None,
                             source_text=source.text if source else new_text or None)


def link_errors(*, session: Session, values: Values) -> FieldErrors:
    """The event a commitment links to, and the citation its dispute names, must exist."""
    errors: FieldErrors = {}
    event = text(values, "event_id")
    if event and (not event.isdigit() or session.get(Event, int(event)) is None):
        errors["event_id"] = message("event_unknown")
    cited = text(values, "dispute_citation_id")
    if cited and (not cited.isdigit() or session.get(Citation, int(cited)) is None):
        errors["dispute_citation_id"] = message("citation_unknown")
    return errors


def commitment_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """Every message for the add-commitment form (commitment fields and its citation)."""
    return {**link_errors(session=session, values=values),
            **validate_commitment_fields(values, today=today),
            **citation_errors(session=session, values=values, today=today)}


def citation_correction_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    return {**citation_errors(session=session, values=values, today=today),
            **validate_reason(values, required=False)}


def citation_removal_errors(*, session: Session, citation: Citation,
                            values: Values) -> FieldErrors:
    """A reason is required, and a commitment keeps at least one citation."""
    errors = validate_reason(values, required=True)
    siblings = session.exec(select(func.count()).select_from(Citation)
                            .where(Citation.commitment_id == citation.commitment_id)).one()
    return {**errors, "citation": message("last_citation")} if siblings <= 1 else errors


def correction_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    """A correction is shown in public with its reason, so the reason is required."""
    return {**link_errors(session=session, values=values),
            **validate_commitment_fields(values, today=today),
            **validate_reason(values, required=True)}


def country_errors(*, session: Session, values: Values, is_new: bool) -> FieldErrors:
    codes = frozenset(session.exec(select(Country.code)))
    return validate_country(values, existing=codes, is_new=is_new)


# ---- snapshots for the audit trail --------------------------------------------------------


def commitment_snapshot(session: Session, commitment: Commitment) -> dict[str, Any]:
    citations = session.exec(select(Citation).where(Citation.commitment_id == commitment.id)
                             .order_by(col(Citation.id))).all()
    return {**commitment.model_dump(mode="json"),
            "citations": [c.model_dump(mode="json") for c in citations]}


def source_snapshot(source: Source) -> dict[str, Any]:
    """A source for the public trail: its stored text is summarised by length, never shown."""
    return {**source.model_dump(mode="json", exclude={"text"}),
            "text_length": len(source.text or "")}


def country_snapshot(country: Country) -> dict[str, Any]:
    return country.model_dump(mode="json")


def _event(user: User, action: str, entity: str, entity_id: object, *,
           country_code: str | None, before: dict[str, Any] | None,
           after: dict[str, Any] | None, reason: str | None = None) -> AuditEvent:
    return AuditEvent(
        revision_id=0, user_id=user.id, actor_role=user.role, action=action, entity=entity,
        entity_id=str(entity_id), country_code=country_code, before=to_json(before),
        after=to_json(after), reason=reason or None,
    )


def _publish(session: Session, user: User, summary: str, events: list[AuditEvent]) -> int:
    revision = publish_revision(session=session, summary=summary[:1000], user_id=user.id,
                                events=events)
    session.commit()
    revision_id = revision.id or 0
    hooks.notify_published(revision_id)
    return revision_id


# ---- optimistic concurrency ---------------------------------------------------------------


def _bump(session: Session, model: type[Country] | type[Source] | type[Event],
          key: ColumnElement[bool],
          expected: int, events: ColumnElement[bool]) -> None:
    """Raise the record's version from `expected`, atomically; a VersionConflict otherwise."""
    version = col(model.version)
    result = session.exec(
        update(model).where(key, version == expected).values(version=version + 1)
    )
    if result.rowcount == 1:
        return
    session.rollback()
    current = session.exec(select(model.version).where(key)).one()
    raise VersionConflict(current_version=current, changes=changes_since(
        session=session, where=events, versions_behind=current - expected))


def bump_country(session: Session, code: str, expected: int) -> None:
    _bump(session, Country, col(Country.code) == code, expected, country_events(code))


def bump_source(session: Session, source_id: int, expected: int) -> None:
    _bump(session, Source, col(Source.id) == source_id, expected, source_events(source_id))


def bump_event(session: Session, event_id: int, expected: int) -> None:
    _bump(session, Event, col(Event.id) == event_id, expected, event_events(event_id))


def _changes(session: Session, model: type[Country] | type[Source] | type[Event],
             key: ColumnElement[bool], events: ColumnElement[bool],
             since: int) -> list[TrailEntry]:
    current = session.exec(select(model.version).where(key)).first()
    if current is None:
        return []
    return changes_since(session=session, where=events, versions_behind=current - since)


def country_changes(*, session: Session, code: str, since: int) -> list[TrailEntry]:
    """What was saved for a country (its commitments included) after its version `since`."""
    return _changes(session, Country, col(Country.code) == code, country_events(code), since)


def commitment_changes(*, session: Session, commitment_id: int,
                       since: int) -> list[TrailEntry]:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        return []
    return country_changes(session=session, code=commitment.country_code, since=since)


def source_changes(*, session: Session, source_id: int, since: int) -> list[TrailEntry]:
    return _changes(session, Source, col(Source.id) == source_id, source_events(source_id),
                    since)


def event_changes(*, session: Session, event_id: int, since: int) -> list[TrailEntry]:
    return _changes(session, Event, col(Event.id) == event_id, event_events(event_id), since)


# ---- commitments --------------------------------------------------------------------------


def _tri_state(values: Values, name: str) -> bool | None:
    return TRI_STATE.get(text(values, name))


def commitment_fields(values: Values) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": text(values, "kind"), "date": parse_date(text(values, "date")),
        "date_precision": text(values, "date_precision") or "day",
        "date_basis": text(values, "date_basis") or None, "summary": text(values, "summary"),
        "cond_location": text(values, "cond_location") or None,
        "cond_troop_numbers": text(values, "cond_troop_numbers") or None,
        "cond_other": text(values, "cond_other") or None,
        "firmness": text(values, "firmness") or "firm",
        **dispute_fields(values),
    }
    fields.update({f"cond_{f}": _tri_state(values, f"cond_{f}") for f in CONDITION_FLAGS})
    return fields


def _optional_id(values: Values, name: str) -> int | None:
    raw = text(values, name)
    return int(raw) if raw.isdigit() else None


def dispute_fields(values: Values) -> dict[str, Any]:
    """The event link and the curator's dispute marking (reason and conflicting citation are
    kept only while the commitment is marked disputed)."""
    disputed = text(values, "disputed") in CHECKED
    return {"event_id": _optional_id(values, "event_id"), "disputed": disputed,
            "dispute_reason": (text(values, "dispute_reason") or None) if disputed else None,
            "dispute_citation_id": _optional_id(values, "dispute_citation_id") if disputed
            else None}


def source_fields(values: Values, prefix: str = "") -> dict[str, Any]:
    def optional(name: str) -> str | None:
        return text(values, prefix + name) or None

    return {"title": text(values, prefix + "title"), "outlet": optional("outlet"),
            "author": optional("author"), "url": optional("url"), "note": optional("note"),
            # one line ending, as a page shows it (browsers post text areas with CRLF)
            "text": (values.get(prefix + "text") or "").replace("\r\n", "\n").strip() or None,
            "published": parse_date(text(values, prefix + "published"))}


def _country(session: Session, code: str) -> Country:
    country = session.get(Country, code.upper())
    if country is None:
        raise RecordNotFound(f"No country with code {code!r}.")
    return country


def citation_fields(values: Values) -> dict[str, Any]:
    return {"quote": (values.get("quote") or "").strip(),
            "speaker": text(values, "speaker") or None, "attribution": attribution_of(values)}


def _citation_source(session: Session, user: User, values: Values,
                     events: list[AuditEvent]) -> int:
    if text(values, "source_id") != NEW_SOURCE:
        return parse_id(text(values, "source_id")) or 0
    source = Source(**source_fields(values, "new_source_"))
    session.add(source)
    session.flush()
    events.append(_event(user, "source.add", "source", source.id, country_code=None,
                         before=None, after=source_snapshot(source)))
    return source.id or 0


def add_commitment(*, session: Session, user: User, code: str, values: Values,
                   today: date) -> int:
    """Record a dated commitment with its first citation. Returns the new revision number."""
    country = _country(session, code)
    name, code = country.name, country.code
    errors = commitment_errors(session=session, values=values, today=today)
    if errors:
        raise ValidationFailed(errors)
    bump_country(session, code, submitted_version(values))
    events: list[AuditEvent] = []
    source_id = _citation_source(session, user, values, events)
    commitment = Commitment(country_code=code, **commitment_fields(values))
    session.add(commitment)
    session.flush()
    session.add(Citation(commitment_id=commitment.id or 0, source_id=source_id,
                         **citation_fields(values)))
    session.flush()
    events.append(_event(user, "commitment.add", "commitment", commitment.id, country_code=code,
                         before=None, after=commitment_snapshot(session, commitment)))
    events.extend(accepted_suggestion(session=session, user=user, values=values))
    return _publish(session, user, f"{name}: {commitment.kind} commitment of "
                    f"{commitment.date} recorded", events)


def _live_commitment(session: Session, commitment_id: int) -> Commitment:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.retracted_at is not None:
        raise RecordNotFound(f"No current commitment {commitment_id}.")
    return commitment


def _change_commitment(session: Session, user: User, commitment: Commitment, values: Values,
                       action: str, apply: Callable[[Commitment], None], *, what: str,
                       earlier: list[AuditEvent] | None = None) -> int:
    """Bump the country's version, apply the change, audit the commitment before -> after
    (after `earlier` events that `apply` may have added, such as a new source) and publish."""
    code = commitment.country_code
    bump_country(session, code, submitted_version(values))
    before = commitment_snapshot(session, commitment)
    apply(commitment)
    commitment.updated_at = utcnow()
    session.add(commitment)
    session.flush()
    reason = text(values, "reason")
    event = _event(user, action, "commitment", commitment.id, country_code=code,
                   before=before, after=commitment_snapshot(session, commitment), reason=reason)
    return _publish(session, user, f"{code}: {what}" + (f" ({reason})" if reason else ""),
                    [*(earlier or []), event])


def correct_commitment(*, session: Session, user: User, commitment_id: int, values: Values,
                       today: date) -> int:
    commitment = _live_commitment(session, commitment_id)
    errors = correction_errors(session=session, values=values, today=today)
    if errors:
        raise ValidationFailed(errors)

    def apply(row: Commitment) -> None:
        for name, value in commitment_fields(values).items():
            setattr(row, name, value)
        row.corrected_at = utcnow()
        row.correction_reason = text(values, "reason")

    return _change_commitment(session, user, commitment, values, "commitment.correct", apply,
                              what=f"commitment {commitment_id} corrected",
                              earlier=accepted_suggestion(session=session, user=user,
                                                          values=values))


def retract_commitment(*, session: Session, user: User, commitment_id: int,
                       values: Values) -> int:
    commitment = _live_commitment(session, commitment_id)
    errors = validate_reason(values, required=True)
    if errors:
        raise ValidationFailed(errors)

    def apply(row: Commitment) -> None:
        row.retracted_at = utcnow()
        row.retraction_reason = text(values, "reason")

    return _change_commitment(session, user, commitment, values, "commitment.retract", apply,
                              what=f"commitment {commitment_id} retracted")


# ---- citations of a commitment ------------------------------------------------------------


def _live_citation(session: Session, commitment_id: int,
                   citation_id: int) -> tuple[Commitment, Citation]:
    commitment = _live_commitment(session, commitment_id)
    citation = session.get(Citation, citation_id)
    if citation is None or citation.commitment_id != commitment.id:
        raise RecordNotFound(f"No citation {citation_id} of commitment {commitment_id}.")
    return commitment, citation


def _checked(errors: FieldErrors) -> None:
    if errors:
        raise ValidationFailed(errors)


def add_citation(*, session: Session, user: User, commitment_id: int, values: Values,
                 today: date) -> int:
    """Cite a further source (existing or new) for a commitment. Returns the revision number."""
    commitment = _live_commitment(session, commitment_id)
    _checked(citation_errors(session=session, values=values, today=today))
    earlier: list[AuditEvent] = []

    def apply(row: Commitment) -> None:
        source_id = _citation_source(session, user, values, earlier)
        session.add(Citation(commitment_id=row.id or 0, source_id=source_id,
                             **citation_fields(values)))

    return _change_commitment(session, user, commitment, values, "citation.add", apply,
                              what=f"citation added to commitment {commitment_id}",
                              earlier=earlier)


def correct_citation(*, session: Session, user: User, commitment_id: int, citation_id: int,
                     values: Values, today: date) -> int:
    commitment, citation = _live_citation(session, commitment_id, citation_id)
    _checked(citation_correction_errors(session=session, values=values, today=today))
    earlier: list[AuditEvent] = []

    def apply(row: Commitment) -> None:
        citation.source_id = _citation_source(session, user, values, earlier)
        citation.sqlmodel_update(citation_fields(values))
        session.add(citation)

    return _change_commitment(session, user, commitment, values, "citation.correct", apply,
                              earlier=earlier,
                              what=f"citation {citation_id} of commitment {commitment_id} "
                                   "corrected")


def remove_citation(*, session: Session, user: User, commitment_id: int, citation_id: int,
                    values: Values) -> int:
    """Remove a wrong citation (with a reason); a commitment's last citation stays."""
    commitment, citation = _live_citation(session, commitment_id, citation_id)
    _checked(citation_removal_errors(session=session, citation=citation, values=values))
    return _change_commitment(session, user, commitment, values, "citation.remove",
                              lambda _row: session.delete(citation),
                              what=f"citation {citation_id} of commitment {commitment_id} "
                                   "removed")


# ---- sources and countries ----------------------------------------------------------------


def save_source(*, session: Session, user: User, source_id: int | None, values: Values,
                today: date) -> int:
    """Add a source (source_id None) or edit one. Returns the new revision number."""
    existing = session.get(Source, source_id) if source_id is not None else None
    if source_id is not None and existing is None:
        raise RecordNotFound(f"No source {source_id}.")
    errors = validate_source(values, today=today)
    if errors:
        raise ValidationFailed(errors)
    before = source_snapshot(existing) if existing else None
    if existing is not None:
        bump_source(session, existing.id or 0, submitted_version(values))
        session.refresh(existing)
    fields = source_fields(values)
    source = existing or Source(**fields)
    for name, value in fields.items():
        setattr(source, name, value)
    session.add(source)
    session.flush()
    action = "source.edit" if existing else "source.add"
    event = _event(user, action, "source", source.id, country_code=None, before=before,
                   after=source_snapshot(source))
    return _publish(session, user, f"Source {source.id} {action.split('.')[1]}ed: "
                    f"{source.title}", [event])


def country_fields(values: Values) -> dict[str, Any]:
    return {"name": text(values, "name"), "role": text(values, "role"),
            "in_europe": text(values, "in_europe") in {"on", "true", "1", "yes"}}


def add_country(*, session: Session, user: User, values: Values) -> str:
    """Add a country by ISO code. Returns its code."""
    errors = country_errors(session=session, values=values, is_new=True)
    if errors:
        raise ValidationFailed(errors)
    country = Country(code=text(values, "code").upper(), **country_fields(values))
    session.add(country)
    try:
        session.flush()
    except IntegrityError:  # another curator added the same code a moment ago
        session.rollback()
        raise ValidationFailed({"code": message("code_taken")}) from None
    event = _event(user, "country.add", "country", country.code, country_code=country.code,
                   before=None, after=country_snapshot(country))
    _publish(session, user, f"Country added: {country.name}", [event])
    return country.code


def edit_country(*, session: Session, user: User, code: str, values: Values) -> int:
    country = _country(session, code)
    errors = country_errors(session=session, values=values, is_new=False)
    if errors:
        raise ValidationFailed(errors)
    code = country.code
    before = country_snapshot(country)
    bump_country(session, code, submitted_version(values))
    session.refresh(country)
    for name, value in country_fields(values).items():
        setattr(country, name, value)
    session.add(country)
    session.flush()
    event = _event(user, "country.edit", "country", code, country_code=code, before=before,
                   after=country_snapshot(country))
    return _publish(session, user, f"Country edited: {country.name}", [event])


# ---- readers' suggestions ----------------------------------------------------------------


def accepted_suggestion(*, session: Session, user: User, values: Values) -> list[AuditEvent]:
    """The suggestion a save came from (hidden field `suggestion_id`), marked accepted in the
    same revision; none when the form did not come from one."""
    suggestion_id = parse_id(text(values, "suggestion_id"))
    if suggestion_id is None:
        return []
    try:
        return [suggestions.decision_event(session=session, user=user,
                                           suggestion_id=suggestion_id,
                                           status=SuggestionStatus.accepted, reason=None)]
    except suggestions.SuggestionNotFound as missing:
        raise ValidationFailed({"suggestion_id": str(missing)}) from missing


def decline_suggestion(*, session: Session, user: User, suggestion_id: int,
                       values: Values) -> int:
    """Decline a reader's suggestion with a reason (audited; the reader's words stay private)."""
    _checked(validate_reason(values, required=True))
    try:
        event = suggestions.decision_event(session=session, user=user,
                                           suggestion_id=suggestion_id,
                                           status=SuggestionStatus.declined,
                                           reason=text(values, "reason"))
    except suggestions.SuggestionNotFound as missing:
        raise RecordNotFound(str(missing)) from missing
    return _publish(session, user, f"Reader's suggestion {suggestion_id} declined", [event])


# ---- positions reviewed -------------------------------------------------------------------


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
        event = _event(user, "dataset.review", "dataset", "all", country_code=None, before=None,
                       after={"reviewed_at": now.isoformat()})
        return _publish(session, user, "Every country's position reviewed", [event])
    country = countries[0]
    event = _event(user, "country.review", "country", country.code, country_code=country.code,
                   before={"reviewed_at": before[country.code]},
                   after={"reviewed_at": now.isoformat()})
    return _publish(session, user, f"Position reviewed: {country.name}", [event])


# ---- what the forms show before the curator types -----------------------------------------


def _form_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def new_commitment_values(*, version: int) -> dict[str, str]:
    """The add-commitment form: the date starts empty (never today by default)."""
    return {"version": str(version), "date": "", "date_precision": "day",
            "source_id": "", "firmness": "firm", "attribution": ""}


def commitment_values(*, commitment: CommitmentRecord, version: int) -> dict[str, str]:
    """The correction form of a commitment, as the curator would have typed it."""
    values = {name: _form_text(getattr(commitment, name)) for name in
              ("kind", "date", "date_precision", "date_basis", "summary", "firmness",
               "event_id", "dispute_reason", "dispute_citation_id")}
    conditions = commitment.conditions.model_dump()
    values.update({f"cond_{name}": _form_text(value) for name, value in conditions.items()})
    return {**values, "disputed": "on" if commitment.disputed else "", "version": str(version)}


def citation_values(*, citation: CitationRecord, version: int) -> dict[str, str]:
    """The correction form of a citation, as the curator would have typed it."""
    return {"source_id": str(citation.source_id), "quote": citation.quote,
            "speaker": citation.speaker or "", "attribution": citation.attribution.value,
            "version": str(version)}


def country_values(*, country: CountryRecord) -> dict[str, str]:
    return {"code": country.code, "name": country.name, "role": country.role,
            "in_europe": "on" if country.in_europe else "", "version": str(country.version)}


def source_values(*, session: Session, source_id: int) -> dict[str, str] | None:
    """The edit form of a source (with its stored text and version), None if there is none."""
    source = session.get(Source, source_id)
    if source is None:
        return None
    fields = source.model_dump(include={"title", "outlet", "author", "url", "published", "note",
                                        "text", "version"})
    return {name: _form_text(value) for name, value in fields.items()}


def source_texts(*, session: Session) -> list[tuple[int, str, str | None]]:
    """Every source's id, title and stored text (for curators' full-text search)."""
    rows = session.exec(select(Source.id, Source.title, Source.text).order_by(col(Source.id)))
    return [(source_id or 0, title, text) for source_id, title, text in rows]


def commitment_country(*, session: Session, commitment_id: int) -> str:
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise RecordNotFound(f"No commitment {commitment_id}.")
    return commitment.country_code



# ---- events -------------------------------------------------------------------------------


def event_snapshot(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def event_errors(*, session: Session, values: Values, today: date,
                 event_id: int | None) -> FieldErrors:
    taken = frozenset(session.exec(select(Event.slug).where(col(Event.id) != (event_id or 0))))
    return validate_event(values, today=today, taken=taken)


def event_fields(values: Values) -> dict[str, Any]:
    return {"slug": text(values, "slug"), "name": text(values, "name"),
            "date": parse_date(text(values, "date")),
            "date_precision": text(values, "date_precision") or "day",
            "date_basis": text(values, "date_basis") or None,
            "place": text(values, "place") or None, "summary": text(values, "summary") or None}


def save_event(*, session: Session, user: User, event_id: int | None, values: Values,
               today: date) -> int:
    """Add an event (event_id None) or edit one, versioned like countries and sources.
    Returns the new revision number."""
    existing = session.get(Event, event_id) if event_id is not None else None
    if event_id is not None and existing is None:
        raise RecordNotFound(f"No event {event_id}.")
    _checked(event_errors(session=session, values=values, today=today, event_id=event_id))
    before = event_snapshot(existing) if existing else None
    if existing is not None:
        bump_event(session, existing.id or 0, submitted_version(values))
        session.refresh(existing)
    event = existing or Event(**event_fields(values))
    event.sqlmodel_update(event_fields(values))
    session.add(event)
    session.flush()
    action = "event.edit" if existing else "event.add"
    audit = _event(user, action, "event", event.id, country_code=None, before=before,
                   after=event_snapshot(event))
    return _publish(session, user, f"Event {action.split('.')[1]}ed: {event.name}", [audit])


def event_values(*, event: EventRecord) -> dict[str, str]:
    """The edit form of an event, as the curator would have typed it."""
    fields = event.model_dump(include={"slug", "name", "date", "date_precision", "date_basis",
                                       "place", "summary", "version"})
    return {name: _form_text(value) for name, value in fields.items()}



# ---- an event's facts and signatories (each save bumps the event's version) --------------


def _live_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise RecordNotFound(f"No event {event_id}.")
    return event


def fact_snapshot(session: Session, fact: EventFact) -> dict[str, Any]:
    citations = session.exec(select(FactCitation).where(FactCitation.fact_id == fact.id)
                             .order_by(col(FactCitation.id))).all()
    return {**fact.model_dump(mode="json"),
            "citations": [c.model_dump(mode="json") for c in citations]}


def fact_errors(*, session: Session, values: Values, today: date) -> FieldErrors:
    return {**validate_fact(values), **citation_errors(session=session, values=values,
                                                       today=today)}


def _event_change(session: Session, user: User, event: Event, values: Values, action: str,
                  events: list[AuditEvent], *, before: dict[str, Any] | None,
                  after: dict[str, Any] | None, what: str) -> int:
    reason = text(values, "reason")
    events.append(_event(user, action, "event", event.id, country_code=None, before=before,
                         after=after, reason=reason))
    return _publish(session, user, f"Event {event.slug}: {what}", events)


def add_fact(*, session: Session, user: User, event_id: int, values: Values,
             today: date) -> int:
    """A coalition-level fact about an event, with its first citation."""
    event = _live_event(session, event_id)
    _checked(fact_errors(session=session, values=values, today=today))
    bump_event(session, event.id or 0, submitted_version(values))
    events: list[AuditEvent] = []
    source_id = _citation_source(session, user, values, events)
    fact = EventFact(event_id=event.id or 0, statement=text(values, "statement"))
    session.add(fact)
    session.flush()
    session.add(FactCitation(fact_id=fact.id or 0, source_id=source_id, **citation_fields(values)))
    session.flush()
    return _event_change(session, user, event, values, "fact.add", events, before=None,
                         after=fact_snapshot(session, fact), what="fact added")


def remove_fact(*, session: Session, user: User, event_id: int, fact_id: int,
                values: Values) -> int:
    event = _live_event(session, event_id)
    fact = session.get(EventFact, fact_id)
    if fact is None or fact.event_id != event.id:
        raise RecordNotFound(f"No fact {fact_id} of event {event_id}.")
    _checked(validate_reason(values, required=True))
    bump_event(session, event.id or 0, submitted_version(values))
    before = fact_snapshot(session, fact)
    for citation in session.exec(select(FactCitation).where(FactCitation.fact_id == fact_id)):
        session.delete(citation)
    session.flush()
    session.delete(fact)
    session.flush()
    return _event_change(session, user, event, values, "fact.remove", [], before=before,
                         after=None, what=f"fact {fact_id} removed")


def signatory_errors(*, session: Session, values: Values) -> FieldErrors:
    codes = frozenset(session.exec(select(Country.code)))
    return validate_signatory(values, countries=codes)


def add_signatory(*, session: Session, user: User, event_id: int, values: Values) -> int:
    """A country that signed a document at the event (recorded as such, never as a stance)."""
    event = _live_event(session, event_id)
    _checked(signatory_errors(session=session, values=values))
    bump_event(session, event.id or 0, submitted_version(values))
    signatory = Signatory(event_id=event.id or 0, country_code=text(values, "country").upper(),
                          document=text(values, "document"))
    session.add(signatory)
    session.flush()
    return _event_change(session, user, event, values, "signatory.add", [], before=None,
                         after=signatory.model_dump(mode="json"),
                         what=f"{signatory.country_code} signed {signatory.document}")


def remove_signatory(*, session: Session, user: User, event_id: int, signatory_id: int,
                     values: Values) -> int:
    event = _live_event(session, event_id)
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or signatory.event_id != event.id:
        raise RecordNotFound(f"No signatory {signatory_id} of event {event_id}.")
    _checked(validate_reason(values, required=True))
    bump_event(session, event.id or 0, submitted_version(values))
    before = signatory.model_dump(mode="json")
    session.delete(signatory)
    session.flush()
    return _event_change(session, user, event, values, "signatory.remove", [], before=before,
                         after=None, what=f"signatory {signatory_id} removed")
