"""The stance-on-a-date rule (app/services/stances.py), on hand-made commitments."""

from datetime import UTC, date, datetime

from app.models import Stance
from app.services.records import CommitmentRecord
from app.services.stances import deciding_commitment, stance_on


def _commitment(id_: int, kind: str, on: str, *, retracted: bool = False,
                precision: str = "day") -> CommitmentRecord:
    return CommitmentRecord(
        id=id_, country_code="XX", kind=kind, date=date.fromisoformat(on),
        date_precision=precision, summary=f"{kind} on {on}",
        retracted_at=datetime(2026, 2, 1, tzinfo=UTC) if retracted else None,
    )


def test_no_commitment_is_undeclared() -> None:
    assert stance_on([], date(2026, 1, 1)) is Stance.undeclared


def test_latest_on_or_before_the_date_wins() -> None:
    history = [_commitment(1, "political_only", "2025-08-17"),
               _commitment(2, "troops", "2026-01-06")]
    assert stance_on(history, date(2025, 8, 16)) is Stance.undeclared
    assert stance_on(history, date(2025, 8, 17)) is Stance.political_only
    assert stance_on(history, date(2026, 1, 5)) is Stance.political_only
    assert stance_on(history, date(2026, 1, 6)) is Stance.troops


def test_same_day_the_one_recorded_last_wins_whatever_the_input_order() -> None:
    first, second = _commitment(7, "troops", "2026-01-06"), _commitment(9, "opposed", "2026-01-06")
    assert stance_on([second, first], date(2026, 1, 6)) is Stance.opposed
    assert deciding_commitment([first, second], date(2026, 2, 1)) == second


def test_retracted_commitments_do_not_count() -> None:
    history = [_commitment(1, "logistics", "2025-09-04"),
               _commitment(2, "troops", "2026-01-06", retracted=True)]
    assert stance_on(history, date(2026, 3, 1)) is Stance.logistics


def test_month_precision_counts_from_the_first_of_the_month() -> None:
    history = [_commitment(1, "opposed", "2025-08-01", precision="month")]
    assert stance_on(history, date(2025, 7, 31)) is Stance.undeclared
    assert stance_on(history, date(2025, 8, 1)) is Stance.opposed
