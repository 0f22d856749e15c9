"""How firm and how contested the evidence is: disputes between accounts of a position.

A commitment is disputed when a curator marks it (with a reason and the conflicting citation) or
when another live commitment of the same country on the same date gives a different kind or
contradicting conditions. Everything here is computed from a Dataset, so ?rev=N stays exact.
"""

from app.services.records import CommitmentRecord, ConditionsRecord, Dataset


def conditions_contradict(first: ConditionsRecord, second: ConditionsRecord) -> bool:
    """True when a condition both state has different values in each."""
    one, other = first.model_dump(), second.model_dump()
    return any(one[name] is not None and other[name] is not None and one[name] != other[name]
               for name in one)


def _live_same_day(dataset: Dataset, commitment: CommitmentRecord) -> list[CommitmentRecord]:
    return [c for c in dataset.commitments_of(commitment.country_code)
            if c.id != commitment.id and not c.is_retracted and c.date == commitment.date]


def conflicting_accounts(*, dataset: Dataset, commitment: CommitmentRecord
                         ) -> list[CommitmentRecord]:
    """Other live accounts of the same country and date that disagree with this one."""
    if commitment.is_retracted:
        return []
    return [c for c in _live_same_day(dataset, commitment)
            if c.kind != commitment.kind
            or conditions_contradict(c.conditions, commitment.conditions)]


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
