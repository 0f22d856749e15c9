"""corrections shown in public and positions marked reviewed

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-22 18:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('correction_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
    with op.batch_alter_table('country', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('country', schema=None) as batch_op:
        batch_op.drop_column('reviewed_at')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('correction_reason')
        batch_op.drop_column('corrected_at')
