"""readers' suggestions: a review queue for curators

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 19:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', AutoString(length=2), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('source_url', AutoString(length=500), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('contact', AutoString(length=200), nullable=True),
    sa.Column('client', AutoString(length=64), nullable=False),
    sa.Column('status', AutoString(length=10), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decision_reason', AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['country_code'], ['country.code'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_client'), ['client'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_country_code'), ['country_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_status'))
        batch_op.drop_index(batch_op.f('ix_suggestion_created_at'))
        batch_op.drop_index(batch_op.f('ix_suggestion_country_code'))
        batch_op.drop_index(batch_op.f('ix_suggestion_client'))
    op.drop_table('suggestion')
