"""How firm and how contested the evidence is: disputes between accounts of a position.

A commitment is disputed when a curator marks it (with a reason and the conflicting citation) or
when another live commitment of the same country on the same date gives a different kind or
contradicting conditions. Everything here is computed from a Dataset, so ?rev=N stays exact.
"""

from datetime import date
from functools import partial

from app.services.records import CommitmentRecord, ConditionsRecord, Dataset

CONDITIONS = tuple(ConditionsRecord.model_fields)


def conditions_contradict(first: ConditionsRecord, second: ConditionsRecord) -> bool:
    """True when a condition both state has different values in each."""
    if first is second:
        return False
    for name in CONDITIONS:
        one, other = getattr(first, name), getattr(second, name)
        if one is not None and other is not None and one != other:
            return True
    return False


def _conflicts(dataset: Dataset, commitment: CommitmentRecord) -> list[CommitmentRecord]:
    return [c for c in dataset.live_on_day(commitment.country_code, commitment.date)
            if c.id != commitment.id and (
                c.kind != commitment.kind
                or conditions_contradict(c.conditions, commitment.conditions))]


Signature = tuple[object, ...]


def _signature(commitment: CommitmentRecord) -> Signature:
    return (commitment.kind, *(getattr(commitment.conditions, name) for name in CONDITIONS))


def _signatures_disagree(first: Signature, second: Signature) -> bool:
    return first[0] != second[0] or any(
        one is not None and other is not None and one != other
        for one, other in zip(first[1:], second[1:], strict=True))


def _day_conflicts(dataset: Dataset, code: str, day: date) -> dict[int, list[CommitmentRecord]]:
    """For each live commitment of `code` dated `day`, the others that disagree with it: the
    accounts are compared once per distinct (kind, conditions), not pair by pair."""
    accounts = dataset.live_on_day(code, day)
    signatures = {c.id: _signature(c) for c in accounts}
    against = {one: {other for other in set(signatures.values())
                     if _signatures_disagree(one, other)}
               for one in set(signatures.values())}
    return {c.id: [o for o in accounts if signatures[o.id] in against[signatures[c.id]]]
            for c in accounts}


def conflicting_accounts(*, dataset: Dataset, commitment: CommitmentRecord
                         ) -> list[CommitmentRecord]:
    """Other live accounts of the same country and date that disagree with this one (worked out
    once per dataset and day for its own records)."""
    if commitment.is_retracted:
        return []
    if dataset.commitment_of_id(commitment.id) is not commitment:
        return _conflicts(dataset, commitment)
    key = ("conflicts", commitment.country_code, commitment.date)
    day = dataset.derived(key, partial(_day_conflicts, dataset, commitment.country_code,
                                       commitment.date))
    return day.get(commitment.id, [])


def is_disputed(*, dataset: Dataset, commitment: CommitmentRecord) -> bool:
    if commitment.is_retracted:
        return False
    return commitment.disputed or bool(conflicting_accounts(dataset=dataset,
                                                            commitment=commitment))


def dispute_reason(*, dataset: Dataset, commitment: CommitmentRecord) -> str | None:
    """The curator's reason, else one stating which same-day accounts disagree."""
    if not is_disputed(dataset=dataset, commitment=commitment):
        return None
    if commitment.disputed and commitment.dispute_reason:
        return commitment.dispute_reason
    others = conflicting_accounts(dataset=dataset, commitment=commitment)
    listed = ", ".join(f"commitment {c.id} ({c.kind})" for c in others)
    return f"Another account of the same date disagrees on the kind or conditions: {listed}."


def disputed_with(*, dataset: Dataset, commitment: CommitmentRecord) -> list[int]:
    """Ids of the commitments holding the other side: same-day conflicts and the commitment of
    the conflicting citation a curator named (when it is another commitment)."""
    ids = [c.id for c in conflicting_accounts(dataset=dataset, commitment=commitment)]
    if commitment.disputed and commitment.dispute_citation_id is not None:
        holder = dataset.commitment_of_citation(commitment.dispute_citation_id)
        if holder is not None and holder.id != commitment.id and holder.id not in ids:
            ids.append(holder.id)
    return ids
