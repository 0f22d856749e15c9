"""Fixtures for open data tests: a saved edit that publishes revision 2 through the curators'
editing service, and CSV/zip parsing helpers."""

import csv
import io
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from app.models import Commitment, Country, User
from app.services.editing.commitments import retract_commitment


@dataclass(frozen=True)
class Edit:
    revision: int
    code: str
    before: str
    after: str


@pytest.fixture
def poland_retracted(db: Session) -> Edit:
    """Revision 2: Poland's only commitment (logistics) retracted, so Poland becomes undeclared."""
    user = User(username="open-data-curator", password_hash="not-a-login", role="curator")
    db.add(user)
    db.commit()
    commitment = db.exec(select(Commitment).where(Commitment.country_code == "PL")).one()
    version = db.get(Country, "PL").version  # type: ignore[union-attr]
    revision = retract_commitment(
        session=db, user=user, commitment_id=commitment.id or 0,
        values={"version": str(version), "reason": "Test: statement misattributed"},
    )
    return Edit(revision=revision, code="PL", before="logistics", after="undeclared")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
