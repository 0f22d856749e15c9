"""evidence v2: citation attribution, events with facts and signatories, firmness, disputes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:00:00

Existing citations are migrated by what can be known without reading the articles again: a
citation with a speaker becomes `reported` (a paraphrase until a curator confirms the words stand
inside quotation marks), one without becomes `outlet`. Existing commitments are `firm` and not
disputed.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def _create_events() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', AutoString(length=100), nullable=False),
    sa.Column('name', AutoString(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('date_precision', AutoString(length=10), nullable=False),
    sa.Column('date_basis', AutoString(length=2000), nullable=True),
    sa.Column('place', AutoString(length=200), nullable=True),
    sa.Column('summary', AutoString(length=2000), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_slug'), ['slug'], unique=True)
    op.create_table('eventfact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('statement', AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('eventfact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventfact_event_id'), ['event_id'], unique=False)


def _create_fact_citations_and_signatories() -> None:
    op.create_table('factcitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('speaker', AutoString(length=200), nullable=True),
    sa.Column('attribution', AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['fact_id'], ['eventfact.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('factcitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factcitation_fact_id'), ['fact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_factcitation_source_id'), ['source_id'],
                              unique=False)
    op.create_table('signatory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('country_code', AutoString(length=2), nullable=False),
    sa.Column('document', AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['country_code'], ['country.code'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signatory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatory_country_code'), ['country_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_signatory_event_id'), ['event_id'], unique=False)


def upgrade() -> None:
    _create_events()
    _create_fact_citations_and_signatories()
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attribution', AutoString(length=20), nullable=False,
                                      server_default='outlet'))
    op.execute("UPDATE citation SET attribution = 'reported' "
               "WHERE speaker IS NOT NULL AND speaker <> ''")
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.alter_column('attribution', server_default=None)
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('firmness', AutoString(length=20), nullable=False,
                                      server_default='firm'))
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disputed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('dispute_reason', AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column('dispute_citation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_commitment_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key('fk_commitment_event_id_event', 'event', ['event_id'], ['id'])
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.alter_column('firmness', server_default=None)
        batch_op.alter_column('disputed', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_commitment_event_id_event', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_commitment_event_id'))
        for name in ('dispute_citation_id', 'dispute_reason', 'disputed', 'event_id', 'firmness'):
            batch_op.drop_column(name)
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_column('attribution')
    for table in ('signatory', 'factcitation', 'eventfact', 'event'):
        op.drop_table(table)
