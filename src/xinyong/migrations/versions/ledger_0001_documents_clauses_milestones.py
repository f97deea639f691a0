"""ledger: policy documents, analysed clauses, milestones and unit submissions

Revision ID: ledger_0001
Revises: 0001_foundation
"""
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ledger_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("ledger",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    milestones = op.create_table(
        "ledger_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_milestones")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_milestones_code")),
    )
    op.create_table(
        "ledger_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("milestone_code", sa.String(length=40), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_submissions")),
        sa.UniqueConstraint("unit_name", "milestone_code", name="uq_ledger_submissions_unit_milestone"),
    )
    with op.batch_alter_table("ledger_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_submissions_unit_name"), ["unit_name"], unique=False)

    op.create_table(
        "ledger_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("doc_number", sa.String(length=120), nullable=True),
        sa.Column("issuing_unit", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("analysed_on", sa.Date(), nullable=False),
        sa.Column("proposed_disposition", sa.String(length=16), nullable=False),
        sa.Column("proposed_reason", sa.Text(), nullable=False),
        sa.Column("decided_disposition", sa.String(length=16), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("completion_due", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("responsible_unit", sa.String(length=200), nullable=True),
        sa.Column("responsible_person", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_documents")),
        sa.UniqueConstraint("unit_name", "content_hash", name="uq_ledger_documents_unit_hash"),
    )
    with op.batch_alter_table("ledger_documents", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_documents_unit", ["unit_name"], unique=False)

    op.create_table(
        "ledger_clauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("includes_credit_information", sa.Boolean(), nullable=False),
        sa.Column("creates_blacklist", sa.Boolean(), nullable=False),
        sa.Column("imposes_punishment", sa.Boolean(), nullable=False),
        sa.Column("scores_individuals", sa.Boolean(), nullable=False),
        sa.Column("national_basis", sa.Text(), nullable=True),
        sa.Column("local_basis", sa.Text(), nullable=True),
        sa.Column("fully_covered", sa.Boolean(), nullable=False),
        sa.Column("proposed_disposition", sa.String(length=16), nullable=False),
        sa.Column("proposed_reason", sa.Text(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("decided_disposition", sa.String(length=16), nullable=True),
        sa.Column("decided_national_basis", sa.Boolean(), nullable=True),
        sa.Column("decided_local_basis", sa.Boolean(), nullable=True),
        sa.Column("decided_basis_text", sa.Text(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["ledger_documents.id"],
            name=op.f("fk_ledger_clauses_document_id_ledger_documents"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_clauses")),
        sa.UniqueConstraint("document_id", "seq", name="uq_ledger_clauses_document_seq"),
    )
    with op.batch_alter_table("ledger_clauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_clauses_document_id"), ["document_id"], unique=False)

    # 大高信办字〔2021〕1号 二（一）—（三): the three steps of the clean-up and their report dates.
    # The credit office may move the dates for a later round (PUT /api/v1/ledger/milestones/{code}).
    op.bulk_insert(milestones, [
        {"code": "self_review", "name": "梳理自查", "due_date": dt.date(2021, 1, 29), "position": 1,
         "description": "全面开展梳理和自查自纠工作，建立本单位失信约束措施台账，于2021年1月29日中午前报送至区信用办",
         "source": "大高信办字〔2021〕1号 二（一）"},
        {"code": "rectification_plan", "name": "整改方案", "due_date": dt.date(2021, 3, 18), "position": 2,
         "description": "对台账中不符合《指导意见》要求，但仍需要保留的措施，研究制定整改方案，明确整改工作进度、完成时限，"
                        "于2021年3月18日前报送至区信用办",
         "source": "大高信办字〔2021〕1号 二（二）"},
        {"code": "completion", "name": "全面完成", "due_date": dt.date(2021, 10, 18), "position": 3,
         "description": "按照整改工作进度，全面完成相关措施的清理规范工作，于2021年10月18日前将清理规范工作总结报送至区信用办",
         "source": "大高信办字〔2021〕1号 二（三）"},
    ])


def downgrade() -> None:
    with op.batch_alter_table("ledger_clauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_clauses_document_id"))
    op.drop_table("ledger_clauses")
    with op.batch_alter_table("ledger_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_documents_unit")
    op.drop_table("ledger_documents")
    with op.batch_alter_table("ledger_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_submissions_unit_name"))
    op.drop_table("ledger_submissions")
    op.drop_table("ledger_milestones")
