"""listing: list cases, append-only history, immutable documents, listings, rectification, interviews

Revision ID: listing_0001
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "listing_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("listing",)
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("listing_case_events", "listing_documents", "listing_document_pdfs")


def upgrade() -> None:
    op.create_table('listing_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_kind', sa.String(length=24), nullable=False),
    sa.Column('subject_display_code', sa.String(length=18), nullable=False),
    sa.Column('list_type_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('department_principal_id', sa.Integer(), nullable=True),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('leniency_flags', sa.JSON(), nullable=False),
    sa.Column('leniency_justification', sa.Text(), nullable=True),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('notice_served_on', sa.Date(), nullable=True),
    sa.Column('objection_window_end', sa.Date(), nullable=True),
    sa.Column('objection_received_on', sa.Date(), nullable=True),
    sa.Column('objection_text', sa.Text(), nullable=True),
    sa.Column('answer_deadline', sa.Date(), nullable=True),
    sa.Column('answer_deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_timely', sa.Boolean(), nullable=True),
    sa.Column('answer_outcome', sa.String(length=16), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_no', sa.String(length=120), nullable=True),
    sa.Column('notice_document_id', sa.Integer(), nullable=True),
    sa.Column('decision_document_id', sa.Integer(), nullable=True),
    sa.Column('listing_start', sa.Date(), nullable=True),
    sa.Column('listing_end', sa.Date(), nullable=True),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=24), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_cases'))
    )
    op.create_index('ix_listing_cases_state', 'listing_cases', ['state'], unique=False)
    op.create_index(op.f('ix_listing_cases_subject_key'), 'listing_cases', ['subject_key'], unique=False)
    op.create_table('listing_accountability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=40), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listing_accountability_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_accountability'))
    )
    op.create_index(op.f('ix_listing_accountability_case_id'), 'listing_accountability', ['case_id'], unique=False)
    op.create_index(op.f('ix_listing_accountability_person_key'), 'listing_accountability', ['person_key'], unique=False)
    op.create_table('listing_case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_department', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('document_ids', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listing_case_events_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_case_events')),
    sa.UniqueConstraint('case_id', 'seq', name='uq_listing_case_events_case_seq')
    )
    op.create_index(op.f('ix_listing_case_events_case_id'), 'listing_case_events', ['case_id'], unique=False)
    op.create_table('listing_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('elements', sa.JSON(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('html_sha256', sa.String(length=64), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listing_documents_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_documents'))
    )
    op.create_index(op.f('ix_listing_documents_case_id'), 'listing_documents', ['case_id'], unique=False)
    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('list_type_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('decision_no', sa.String(length=120), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=24), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listings_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    op.create_index(op.f('ix_listings_case_id'), 'listings', ['case_id'], unique=False)
    op.create_index('ix_listings_subject_active', 'listings', ['subject_key', 'ended_on'], unique=False)
    op.create_table('rectification_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('not_public_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('confirmation_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_rectification_orders_case_id_listing_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_orders'))
    )
    op.create_index(op.f('ix_rectification_orders_case_id'), 'rectification_orders', ['case_id'], unique=False)
    op.create_index(op.f('ix_rectification_orders_subject_key'), 'rectification_orders', ['subject_key'], unique=False)
    op.create_table('listing_document_pdfs',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['listing_documents.id'], name=op.f('fk_listing_document_pdfs_document_id_listing_documents')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_listing_document_pdfs'))
    )
    op.create_table('listing_interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('interviewee', sa.String(length=200), nullable=True),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['listing_cases.id'], name=op.f('fk_listing_interviews_case_id_listing_cases')),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification_orders.id'], name=op.f('fk_listing_interviews_rectification_id_rectification_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_interviews'))
    )
    op.create_index(op.f('ix_listing_interviews_case_id'), 'listing_interviews', ['case_id'], unique=False)
    op.create_index(op.f('ix_listing_interviews_rectification_id'), 'listing_interviews', ['rectification_id'], unique=False)
    op.create_index(op.f('ix_listing_interviews_subject_key'), 'listing_interviews', ['subject_key'], unique=False)

    # History and issued documents are never rewritten (DESIGN.md principle 4).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION listing_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$ "
            "LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION listing_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER trg_{table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: {verb} refused'); END"
                )


def downgrade() -> None:
    is_pg = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if is_pg:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_append_only ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
    if is_pg:
        op.execute("DROP FUNCTION IF EXISTS listing_refuse_change()")
    for table in ("listing_interviews", "rectification_orders", "listing_accountability", "listings",
                  "listing_document_pdfs", "listing_documents", "listing_case_events", "listing_cases"):
        op.drop_table(table)
