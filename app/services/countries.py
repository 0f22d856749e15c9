"""Country queries over a Dataset: the list with stances, one country's record, stance changes."""

import threading
from collections import OrderedDict
from datetime import date, datetime
from functools import partial

from pydantic import BaseModel

from app.labels import CONDITION_CHIPS, LOCATION_CHIPS
from app.models import Attribution, Firmness, Kind, Location, Role, Stance
from app.services.evidence import dispute_reason, disputed_with, is_disputed
from app.services.records import (
    CitationRecord,
    CommitmentRecord,
    ConditionsRecord,
    CountryRecord,
    Dataset,
    EventRecord,
    MentionRecord,
    SourceRecord,
)
from app.services.stances import deciding_commitment, effective_on


class CountrySummary(BaseModel):
    code: str
    name: str
    role: Role
    in_europe: bool
    stance: Stance
    latest_date: date | None
    latest_precision: str | None = None
    troop_location: Location | None = None
    condition_chips: list[str] = []
    source_count: int
    url: str
    firmness: Firmness | None = None
    disputed: bool = False


class CitationView(BaseModel):
    id: int
    quote: str
    speaker: str | None
    source: SourceRecord
    attribution: Attribution


class EventRef(BaseModel):
    slug: str
    name: str
    date: date
    date_precision: str
    place: str | None
    url: str


class ConflictingCitation(CitationView):
    commitment_id: int | None


class CommitmentView(BaseModel):
    id: int
    kind: str
    date: date
    date_precision: str
    date_basis: str | None
    summary: str
    conditions: ConditionsRecord
    citations: list[CitationView]
    retracted: bool
    retracted_at: str | None
    retraction_reason: str | None
    firmness: Firmness = Firmness.firm
    event: EventRef | None = None
    disputed: bool = False
    dispute_reason: str | None = None
    dispute_citation: ConflictingCitation | None = None
    disputed_with: list[int] = []
    corrected_at: datetime | None = None
    correction_reason: str | None = None


class SignatureView(BaseModel):
    event: EventRef
    document: str


class MentionView(BaseModel):
    quote: str
    source: SourceRecord


class CountryDetail(CountrySummary):
    version: int
    later_commitments: int = 0
    commitments: list[CommitmentView]
    mentions: list[MentionView]
    events: list[EventRef] = []
    signatures: list[SignatureView] = []


class StanceChange(BaseModel):
    country: CountrySummary
    old: Stance
    new: Stance
    commitment: CommitmentView | None


def condition_chips(conditions: ConditionsRecord) -> list[str]:
    """The main conditions of a commitment as short labels (only those that apply)."""
    chips = [label for name, label in CONDITION_CHIPS.items() if getattr(conditions, name) is True]
    if conditions.location:
        chips.append(LOCATION_CHIPS[conditions.location])
    return chips


def _troop_location(deciding: CommitmentRecord | None) -> Location | None:
    """Where a troops commitment would deploy (None for any other kind or when unstated)."""
    if deciding is None or deciding.kind != Kind.troops:
        return None
    return deciding.conditions.location


def country_url(code: str) -> str:
    return f"/countries/{code.lower()}"


def event_url(slug: str) -> str:
    return f"/events/{slug}"


def event_ref(event: EventRecord) -> EventRef:
    return EventRef(slug=event.slug, name=event.name, date=event.date,
                    date_precision=event.date_precision, place=event.place,
                    url=event_url(event.slug))


def _summarise(dataset: Dataset, country: CountryRecord, as_of: date) -> CountrySummary:
    live = effective_on(dataset.commitments_of(country.code), as_of)
    sources = {cit.source_id for c in live for cit in c.citations}
    deciding = live[-1] if live else None
    return CountrySummary(
        code=country.code,
        name=country.name,
        role=country.role,
        in_europe=country.in_europe,
        stance=Stance(live[-1].kind) if live else Stance.undeclared,
        latest_date=deciding.date if deciding else None,
        latest_precision=deciding.date_precision if deciding else None,
        troop_location=_troop_location(deciding),
        condition_chips=condition_chips(deciding.conditions) if deciding else [],
        source_count=len(sources),
        url=country_url(country.code),
        firmness=deciding.firmness if deciding else None,
        disputed=_disputed_now(dataset, live),
    )


def _disputed_now(dataset: Dataset, live: list[CommitmentRecord]) -> bool:
    """Whether an account on the deciding date is disputed."""
    day = live[-1].date if live else None
    return any(is_disputed(dataset=dataset, commitment=c) for c in live if c.date == day)


class SummaryMemo:
    """Country summaries reused between revisions. A summary is a pure function of the country's
    record, its commitments' records and the date, and a revision shares the records it did not
    change with the revision before (app/services/dataset.py `advance`), so after an edit only
    the edited country's summary is worked out again. Keyed by the records' identities; each
    entry holds its records, so an identity cannot be reused while the entry lives. Bounded."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[int, ...], tuple[CountrySummary, tuple[object, ...]]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def summary(self, dataset: Dataset, country: CountryRecord, as_of: date) -> CountrySummary:
        commitments = dataset.commitments_of(country.code)
        key = (as_of.toordinal(), id(country), *map(id, commitments))
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[0]
        made = _summarise(dataset, country, as_of)
        with self._lock:
            self._entries[key] = (made, (country, *commitments))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return made


_memo = SummaryMemo()


def _summaries(dataset: Dataset, as_of: date) -> list[CountrySummary]:
    return [_memo.summary(dataset, country, as_of) for country in dataset.countries]


def summaries_by_code(*, dataset: Dataset, as_of: date) -> dict[str, CountrySummary]:
    """Every country's summary on `as_of`, by code (worked out once per dataset and date)."""
    rows = dataset.derived(("summaries", as_of), partial(_summaries, dataset, as_of))
    return {row.code: row for row in rows}


def list_countries(
    *, dataset: Dataset, as_of: date, stance: Stance | None = None, query: str | None = None
) -> list[CountrySummary]:
    """Every country's stance on `as_of`, by name; optionally one stance, or a name search."""
    needle = (query or "").strip().casefold()
    rows = dataset.derived(("summaries", as_of), partial(_summaries, dataset, as_of))
    return sorted(
        (
            row for row in rows
            if (stance is None or row.stance == stance)
            and (not needle or needle in row.name.casefold() or needle == row.code.casefold())
        ),
        key=lambda row: row.name,
    )


def stance_counts(*, countries: list[CountrySummary]) -> dict[Stance, int]:
    counts = dict.fromkeys(Stance, 0)
    for row in countries:
        counts[row.stance] += 1
    return counts


def citation_view(dataset: Dataset, citation: CitationRecord) -> CitationView:
    return CitationView(id=citation.id, quote=citation.quote, speaker=citation.speaker,
                        attribution=citation.attribution,
                        source=_source(dataset, citation.source_id))


def _conflicting(dataset: Dataset, commitment: CommitmentRecord) -> ConflictingCitation | None:
    citation = dataset.citation(commitment.dispute_citation_id) if commitment.disputed else None
    if citation is None:
        return None
    holder = dataset.commitment_of_citation(citation.id)
    return ConflictingCitation(**citation_view(dataset, citation).model_dump(),
                               commitment_id=holder.id if holder else None)


def commitment_view(dataset: Dataset, commitment: CommitmentRecord) -> CommitmentView:
    event = dataset.event(commitment.event_id)
    return CommitmentView(
        **commitment.model_dump(include={"id", "kind", "date", "date_precision", "date_basis",
                                         "summary", "conditions", "retraction_reason",
                                         "firmness", "corrected_at", "correction_reason"}),
        citations=[citation_view(dataset, c) for c in commitment.citations],
        retracted=commitment.is_retracted,
        retracted_at=commitment.retracted_at.isoformat() if commitment.retracted_at else None,
        event=event_ref(event) if event else None,
        disputed=is_disputed(dataset=dataset, commitment=commitment),
        dispute_reason=dispute_reason(dataset=dataset, commitment=commitment),
        dispute_citation=_conflicting(dataset, commitment),
        disputed_with=disputed_with(dataset=dataset, commitment=commitment),
    )


def _signatures(dataset: Dataset, code: str) -> list[SignatureView]:
    return [SignatureView(event=event_ref(event), document=s.document)
            for event in dataset.events for s in event.signatories if s.country_code == code]


def _events_of(dataset: Dataset, stated: list[CommitmentRecord],
               signatures: list[SignatureView]) -> list[EventRef]:
    """The events at which the country's commitments were made or which it signed, by date."""
    ids = {c.event_id for c in stated if c.event_id is not None}
    slugs = {s.event.slug for s in signatures}
    return [event_ref(e) for e in dataset.events if e.id in ids or e.slug in slugs]


def _source(dataset: Dataset, source_id: int) -> SourceRecord:
    source = dataset.source(source_id)
    return source or SourceRecord(id=source_id, title="(missing source)")


def _mention_view(dataset: Dataset, mention: MentionRecord) -> MentionView:
    return MentionView(quote=mention.quote, source=_source(dataset, mention.source_id))


def get_country(*, dataset: Dataset, code: str, as_of: date) -> CountryDetail | None:
    """One country with its commitments stated on or before `as_of`, newest first."""
    country = dataset.country(code)
    if country is None:
        return None
    stated = [c for c in dataset.commitments_of(country.code) if c.date <= as_of]
    signatures = [s for s in _signatures(dataset, country.code) if s.event.date <= as_of]
    return CountryDetail(
        **_summarise(dataset, country, as_of).model_dump(),
        version=country.version,
        later_commitments=sum(1 for c in dataset.commitments_of(country.code)
                              if c.date > as_of and not c.is_retracted),
        commitments=[commitment_view(dataset, c) for c in reversed(stated)],
        mentions=[_mention_view(dataset, m) for m in dataset.mentions_of(country.code)],
        events=_events_of(dataset, stated, signatures),
        signatures=signatures,
    )


def stance_changes(*, dataset: Dataset, start: date, end: date) -> list[StanceChange]:
    """Countries whose stance on `end` differs from their stance on `start`, by name."""
    changes = []
    starts = summaries_by_code(dataset=dataset, as_of=start)
    ends = summaries_by_code(dataset=dataset, as_of=end)
    for country in dataset.countries:
        before, after = starts[country.code], ends[country.code]
        if before.stance == after.stance:
            continue
        deciding = deciding_commitment(dataset.commitments_of(country.code), end)
        changes.append(StanceChange(
            country=after, old=before.stance, new=after.stance,
            commitment=commitment_view(dataset, deciding) if deciding else None,
        ))
    return sorted(changes, key=lambda change: change.country.name)


def last_stance_change(*, dataset: Dataset, upto: date) -> date | None:
    """The latest date, on or before `upto`, on which some country's stance changed."""
    latest: date | None = None
    for country in dataset.countries:
        stance = Stance.undeclared
        for commitment in effective_on(dataset.commitments_of(country.code), upto):
            if Stance(commitment.kind) != stance and (latest is None or commitment.date > latest):
                latest = commitment.date
            stance = Stance(commitment.kind)
    return latest
