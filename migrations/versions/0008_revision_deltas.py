"""revisions store deltas with periodic checkpoints instead of a whole snapshot each

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 19:10:00

`revision.snapshot` becomes nullable (a checkpoint holds it, a delta revision does not) and
`revision.delta` holds the records put or dropped since the revision before. Revisions written
before this migration keep their snapshots and are read as checkpoints: nothing is converted.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delta', sa.Text(), nullable=True))
        batch_op.alter_column('snapshot', existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    """Refused once delta revisions exist: their snapshots would have to be rebuilt first."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM revision WHERE snapshot IS NULL")).scalar():
        raise RuntimeError("revisions stored as deltas exist: downgrade below 0008 would lose them")
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.alter_column('snapshot', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('delta')
