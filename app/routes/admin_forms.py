"""The admin forms: the typed object every admin page renders (`AdminForm`), the forms of a page
as they are before the curator types (prefilled from the stored record or from a reader's
suggestion), and the stored values an edit is merged with. Shared by the admin route modules."""

from dataclasses import dataclass, field, replace

from fastapi import HTTPException, Request
from sqlmodel import Session

from app.models import Firmness, Precision, Source, SuggestionStatus
from app.services import suggestions
from app.services.merging import Clash, base_field
from app.services.records import (
    CitationRecord,
    CommitmentRecord,
    CountryRecord,
    Dataset,
    EventRecord,
)
from app.services.validation import FieldErrors


@dataclass(frozen=True)
class AdminForm:
    """A form as the templates render it: where it posts, every value as typed (or as stored,
    before the curator types), a message per field and, on the conflict page, the fields both
    curators changed. `base`: the stored values an edit form was opened with, as one hidden
    field for the three-way merge (app/services/merging.py). `kind` picks the template's fields
    when several forms of one kind share a page (their `name`s differ)."""

    name: str
    action: str
    values: dict[str, str]
    errors: FieldErrors = field(default_factory=dict)
    clashes: dict[str, Clash] = field(default_factory=dict)
    base: str = ""
    kind: str = ""
    is_new: bool = False
    event_id: int | None = None
    source_id: int | None = None

    @property
    def validate_url(self) -> str:
        return f"{self.action}/validate"

    @property
    def slug(self) -> str:
        return self.values.get("slug", "")

    def failed(self, errors: FieldErrors) -> "AdminForm":
        """The same form with these messages (everything typed kept)."""
        return replace(self, errors=errors)


def admin_form(name: str, action: str, values: dict[str, str], errors: FieldErrors | None = None,
               *, base: dict[str, str] | None = None, kind: str = "", is_new: bool = False,
               event_id: int | None = None, source_id: int | None = None) -> AdminForm:
    """A form; an edit form carries `base` (or keeps the one it was posted with)."""
    carried = base_field(base) if base is not None else values.get("base", "")
    return AdminForm(name=name, action=action, values=values, errors=errors or {},
                     base=carried, kind=kind, is_new=is_new, event_id=event_id,
                     source_id=source_id)


@dataclass(frozen=True)
class Latest:
    """A record's stored values as its edit form shows them, and its version."""

    values: dict[str, str]
    version: int

    @classmethod
    def of(cls, values: dict[str, str], *, version: int,
           skip: tuple[str, ...] = ()) -> "Latest":
        return cls(values={k: v for k, v in values.items() if k not in {"version", *skip}},
                   version=version)


# ---- what the forms show before the curator types -----------------------------------------


def form_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

def new_commitment_values(*, version: int) -> dict[str, str]:
    """The add-commitment form: the date starts empty (never today by default)."""
    return {"version": str(version), "date": "", "date_precision": Precision.day.value,
            "source_id": "", "firmness": Firmness.firm.value, "attribution": ""}

def commitment_values(*, commitment: CommitmentRecord, version: int) -> dict[str, str]:
    """The correction form of a commitment, as the curator would have typed it."""
    values = {name: form_text(getattr(commitment, name)) for name in
              ("kind", "date", "date_precision", "date_basis", "summary", "firmness",
               "event_id", "dispute_reason", "dispute_citation_id")}
    conditions = commitment.conditions.model_dump()
    values.update({f"cond_{name}": form_text(value) for name, value in conditions.items()})
    return {**values, "disputed": "on" if commitment.disputed else "", "version": str(version)}

def citation_values(*, citation: CitationRecord, version: int) -> dict[str, str]:
    """The correction form of a citation, as the curator would have typed it."""
    return {"source_id": str(citation.source_id), "quote": citation.quote,
            "speaker": citation.speaker or "", "attribution": citation.attribution.value,
            "version": str(version)}

def country_values(*, country: CountryRecord) -> dict[str, str]:
    return {"code": country.code, "name": country.name, "role": country.role,
            "in_europe": "on" if country.in_europe else "", "version": str(country.version)}

def event_values(*, event: EventRecord) -> dict[str, str]:
    """The edit form of an event, as the curator would have typed it."""
    fields = event.model_dump(include={"slug", "name", "date", "date_precision", "date_basis",
                                       "place", "summary", "version"})
    return {name: form_text(value) for name, value in fields.items()}


def source_values(*, source: Source) -> dict[str, str]:
    """The edit form of a source (with its stored text and version)."""
    fields = source.model_dump(include={"title", "outlet", "author", "url", "published", "note",
                                        "text", "version"})
    return {name: form_text(value) for name, value in fields.items()}


def from_suggestion(request: Request, session: Session, *, new: bool) -> dict[str, str]:
    """Form values prefilled from the open suggestion named by `?suggestion=N` (accepting it):
    a new commitment gets its source address and quote, a correction a reason naming it."""
    raw = request.query_params.get("suggestion", "")
    if not raw.isdigit() or len(raw) > 9:
        return {}
    try:
        suggestion = suggestions.get_suggestion(session=session, suggestion_id=int(raw))
    except suggestions.SuggestionNotFound:
        return {}
    if suggestion.status != SuggestionStatus.open.value:
        return {}
    values = {"suggestion_id": str(suggestion.id),
              "reason": f"Suggested by a reader (suggestion {suggestion.id}): "}
    if new and suggestion.source_url:
        values.update(source_id="new", new_source_url=suggestion.source_url)
    if new and suggestion.quote:
        values["quote"] = suggestion.quote
    return values


# ---- the stored values an edit is merged with ---------------------------------------------


def latest_country(dataset: Dataset, code: str) -> Latest:
    record = dataset.country(code)
    if record is None:
        raise HTTPException(404, detail=f"No country with code {code!r}.")
    return Latest.of(country_values(country=record), version=record.version, skip=("code",))


def _commitment(dataset: Dataset, commitment_id: int) -> tuple[CommitmentRecord, CountryRecord]:
    record = next((c for c in dataset.commitments if c.id == commitment_id), None)
    country = dataset.country(record.country_code) if record else None
    if record is None or country is None:
        raise HTTPException(404, detail=f"No commitment {commitment_id}.")
    return record, country


def latest_correction(dataset: Dataset, commitment_id: int) -> Latest:
    record, country = _commitment(dataset, commitment_id)
    return Latest.of(commitment_values(commitment=record, version=country.version),
                     version=country.version)


def latest_citation(dataset: Dataset, commitment_id: int, citation_id: int) -> Latest:
    record, country = _commitment(dataset, commitment_id)
    citation = next((c for c in record.citations if c.id == citation_id), None)
    if citation is None:
        raise HTTPException(404, detail=f"No citation {citation_id} of commitment "
                                        f"{commitment_id}.")
    return Latest.of(citation_values(citation=citation, version=country.version),
                     version=country.version)


# ---- a commitment's page: its forms, by name ---------------------------------------------


def _citation_url(commitment_id: int, citation_id: int) -> str:
    return f"/admin/commitments/{commitment_id}/citations/{citation_id}"


def citation_form(commitment_id: int, citation_id: int, values: dict[str, str],
                  errors: FieldErrors | None = None, *,
                  base: dict[str, str] | None = None) -> AdminForm:
    """Correct one citation (forms are named after the citation: a page shows many)."""
    return admin_form(f"citation-{citation_id}", _citation_url(commitment_id, citation_id),
                      values, errors, base=base, kind="citation_correction")


def removal_form(commitment_id: int, citation_id: int, values: dict[str, str],
                 errors: FieldErrors | None = None) -> AdminForm:
    return admin_form(f"removal-{citation_id}",
                      _citation_url(commitment_id, citation_id) + "/remove", values, errors,
                      kind="citation_removal")


def new_citation_form(commitment_id: int, values: dict[str, str],
                      errors: FieldErrors | None = None) -> AdminForm:
    return admin_form("add_citation", f"/admin/commitments/{commitment_id}/citations", values,
                      errors)


def commitment_forms(record: CommitmentRecord, version: int,
                     suggested: dict[str, str]) -> dict[str, AdminForm]:
    """Every form of a commitment's page, by name, as they are before the curator types."""
    base = f"/admin/commitments/{record.id}"
    current = {"version": str(version)}
    correction = commitment_values(commitment=record, version=version)
    forms = {
        "correction": admin_form("correction", base, {**correction, **suggested},
                                 base=Latest.of(correction, version=version).values),
        "retract": admin_form("retract", f"{base}/retract", current),
        "add_citation": new_citation_form(record.id, {**current, "source_id": ""}),
    }
    for citation in record.citations:
        values = citation_values(citation=citation, version=version)
        forms[f"citation-{citation.id}"] = citation_form(
            record.id, citation.id, values, base=Latest.of(values, version=version).values)
        forms[f"removal-{citation.id}"] = removal_form(record.id, citation.id, current)
    return forms


# ---- an event's page: the event's form, and those of its facts and signatories -----------


def event_url(event_id: int | None) -> str:
    return "/admin/events" + (f"/{event_id}" if event_id is not None else "")


def event_form(values: dict[str, str], event_id: int | None,
               errors: FieldErrors | None = None, *,
               base: dict[str, str] | None = None) -> AdminForm:
    return admin_form("event", event_url(event_id), values, errors, base=base,
                      is_new=event_id is None, event_id=event_id)


def latest_event(event: EventRecord) -> Latest:
    return Latest.of(event_values(event=event), version=event.version)


def event_part_forms(event: EventRecord) -> dict[str, AdminForm]:
    """The forms for an event's facts and signatories, as they are before the curator types."""
    base, version = event_url(event.id), {"version": str(event.version)}
    forms = {
        "add_fact": admin_form("add_fact", f"{base}/facts", {**version, "source_id": ""}),
        "add_signatory": admin_form("add_signatory", f"{base}/signatories", dict(version)),
    }
    for fact in event.facts:
        forms[f"fact-removal-{fact.id}"] = admin_form(
            f"fact-removal-{fact.id}", f"{base}/facts/{fact.id}/remove", dict(version),
            kind="part_removal")
    for signatory in event.signatories:
        forms[f"signatory-removal-{signatory.id}"] = admin_form(
            f"signatory-removal-{signatory.id}", f"{base}/signatories/{signatory.id}/remove",
            dict(version), kind="part_removal")
    return forms
