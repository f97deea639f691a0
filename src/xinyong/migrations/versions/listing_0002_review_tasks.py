"""listing: review tasks (a record a case rests on was withdrawn while others remain)

Revision ID: listing_0002
Revises: listing_0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "listing_0002"
down_revision: str | Sequence[str] | None = "listing_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('listing_review_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('done_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listing_review_tasks_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_review_tasks')),
    sa.UniqueConstraint('case_id', 'record_id', name='uq_listing_review_tasks_case_record'),
    )
    op.create_index(op.f('ix_listing_review_tasks_case_id'), 'listing_review_tasks', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_listing_review_tasks_case_id'), table_name='listing_review_tasks')
    op.drop_table('listing_review_tasks')
