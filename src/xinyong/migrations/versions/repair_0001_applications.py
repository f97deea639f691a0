"""repair: applications and parts, attachments, commitments, training, credit agencies and reports

Revision ID: repair_0001
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "repair_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("repair",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credit_agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('filing_number', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_agencies')),
    sa.UniqueConstraint('uscc', name=op.f('uq_credit_agencies_uscc'))
    )
    op.create_table('repair_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sa.String(length=200), nullable=False),
    sa.Column('reply_deadline', sa.Date(), nullable=False),
    sa.Column('reply_deadline_provisional', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['subject_key'], ['subjects.subject_key'], name=op.f('fk_repair_applications_subject_key_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_repair_applications_number'))
    )
    op.create_index('ix_repair_applications_subject', 'repair_applications', ['subject_key'], unique=False)
    op.create_table('repair_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('signer', sa.String(length=200), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subject_key'], ['subjects.subject_key'], name=op.f('fk_repair_commitments_subject_key_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_commitments'))
    )
    op.create_index('ix_repair_commitments_subject', 'repair_commitments', ['subject_key'], unique=False)
    op.create_table('repair_credit_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('report_number', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['credit_agencies.id'], name=op.f('fk_repair_credit_reports_agency_id_credit_agencies')),
    sa.ForeignKeyConstraint(['subject_key'], ['subjects.subject_key'], name=op.f('fk_repair_credit_reports_subject_key_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_credit_reports'))
    )
    op.create_index('ix_repair_credit_reports_subject', 'repair_credit_reports', ['subject_key'], unique=False)
    op.create_table('repair_trainings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=40), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('course', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('attended_on', sa.Date(), nullable=False),
    sa.Column('attendee', sa.String(length=100), nullable=False),
    sa.Column('certificate_number', sa.String(length=100), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subject_key'], ['subjects.subject_key'], name=op.f('fk_repair_trainings_subject_key_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_trainings'))
    )
    op.create_index('ix_repair_trainings_subject', 'repair_trainings', ['subject_key'], unique=False)
    op.create_table('repair_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['repair_applications.id'], name=op.f('fk_repair_attachments_application_id_repair_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_attachments'))
    )
    op.create_index(op.f('ix_repair_attachments_application_id'), 'repair_attachments', ['application_id'], unique=False)
    op.create_table('repair_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('target_code', sa.String(length=64), nullable=False),
    sa.Column('target_label', sa.String(length=300), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('declared', sa.JSON(), nullable=False),
    sa.Column('rule_region', sa.String(length=8), nullable=True),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decision_number', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('remedy', sa.Text(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('messages', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['repair_applications.id'], name=op.f('fk_repair_parts_application_id_repair_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_parts'))
    )
    op.create_index('ix_repair_parts_application', 'repair_parts', ['application_id'], unique=False)
    op.create_index('ix_repair_parts_department_status', 'repair_parts', ['department', 'status'], unique=False)
    op.create_index('ix_repair_parts_target', 'repair_parts', ['target_kind', 'target_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_repair_parts_target', table_name='repair_parts')
    op.drop_index('ix_repair_parts_department_status', table_name='repair_parts')
    op.drop_index('ix_repair_parts_application', table_name='repair_parts')
    op.drop_table('repair_parts')
    op.drop_index(op.f('ix_repair_attachments_application_id'), table_name='repair_attachments')
    op.drop_table('repair_attachments')
    op.drop_index('ix_repair_trainings_subject', table_name='repair_trainings')
    op.drop_table('repair_trainings')
    op.drop_index('ix_repair_credit_reports_subject', table_name='repair_credit_reports')
    op.drop_table('repair_credit_reports')
    op.drop_index('ix_repair_commitments_subject', table_name='repair_commitments')
    op.drop_table('repair_commitments')
    op.drop_index('ix_repair_applications_subject', table_name='repair_applications')
    op.drop_table('repair_applications')
    op.drop_table('credit_agencies')
