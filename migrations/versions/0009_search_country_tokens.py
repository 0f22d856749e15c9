"""search: a quote's entry names its country by a token, not by name; entries found by url

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 00:20:00

Quote entries written before this migration hold their country's name (a rename rewrote every
quote of the country); from now on they hold a token of the country's code and the name is
added when they are looked up (app/services/search.py). The index is emptied here: the next
publish, or `python -m app seed`, rebuilds it whole from the latest revision. Revisions
themselves are not touched. An index on `url` finds the rows of one record.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _empty_index() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
    op.execute("DELETE FROM search_entry")


def upgrade() -> None:
    _empty_index()
    op.create_index(op.f('ix_search_entry_url'), 'search_entry', ['url'], unique=False)


def downgrade() -> None:
    """The entries are in the new form: emptied too (`python -m app seed` rebuilds them)."""
    op.drop_index(op.f('ix_search_entry_url'), table_name='search_entry')
    _empty_index()
