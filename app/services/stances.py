"""How a country's stance on a date is derived (never stored).

Rule: among the country's commitments that are not retracted and are dated on or before D, the
latest by date wins; several on the same date are ordered by when they were recorded (the one
recorded last wins). A month-precision date counts from the first day of its month. With none,
the stance is `undeclared`.
"""

from collections.abc import Iterable
from datetime import date

from app.models import Stance
from app.services.records import CommitmentRecord


def effective_on(commitments: Iterable[CommitmentRecord], on: date) -> list[CommitmentRecord]:
    """Commitments in force on `on`, oldest first (not retracted, dated on or before it)."""
    live = [c for c in commitments if not c.is_retracted and c.date <= on]
    return sorted(live, key=lambda c: (c.date, c.id))


def deciding_commitment(
    commitments: Iterable[CommitmentRecord], on: date
) -> CommitmentRecord | None:
    live = effective_on(commitments, on)
    return live[-1] if live else None


def stance_on(commitments: Iterable[CommitmentRecord], on: date) -> Stance:
    deciding = deciding_commitment(commitments, on)
    return Stance(deciding.kind) if deciding else Stance.undeclared
