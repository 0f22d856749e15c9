"""search: one table of searchable entries and each engine's own full-text index over it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 19:20:00

SQLite: an external-content FTS5 table `search_fts` (unicode61, diacritics removed).
PostgreSQL: a stored tsvector column `document` ('simple' configuration) with a GIN index.
Both are outside the models (see migrations/env.py, `include_object`); the entries are written
at each publish (app/services/search.py) and, here, for an existing dataset at the next publish
or by `python -m app seed`.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', AutoString(length=20), nullable=False),
    sa.Column('url', AutoString(length=300), nullable=False),
    sa.Column('title', AutoString(length=500), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_entry', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    else:
        op.execute("ALTER TABLE search_entry ADD COLUMN document tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED")
        op.execute("CREATE INDEX ix_search_entry_document ON search_entry USING GIN (document)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE search_fts")
    op.drop_table('search_entry')
