"""agencies: credit service agencies under supervision — region, qualifications, suspension history,
complaints and findings, rectification orders, correction/deletion requests

``credit_agencies`` (created by repair_0001) is owned by xinyong.agencies from here on; it keeps its name
and rows, so repair's reports keep pointing at it. The suspension of every agency suspended before this
revision is carried into the new suspension history (its reason and the day it was last changed).

Revision ID: agencies_0001
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "agencies_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("agencies",)
depends_on: str | Sequence[str] | None = ("repair_0001",)


def upgrade() -> None:
    with op.batch_alter_table("credit_agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=12), nullable=True))
        batch_op.create_index(batch_op.f("ix_credit_agencies_region_code"), ["region_code"], unique=False)
    op.create_table(
        "agency_qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("certificate_number", sa.String(length=100), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["credit_agencies.id"],
                                name=op.f("fk_agency_qualifications_agency_id_credit_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_qualifications")),
    )
    op.create_index(op.f("ix_agency_qualifications_agency_id"), "agency_qualifications", ["agency_id"])
    op.create_table(
        "agency_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('suspend', 'reinstate')", name=op.f("ck_agency_status_changes_action")),
        sa.ForeignKeyConstraint(["agency_id"], ["credit_agencies.id"],
                                name=op.f("fk_agency_status_changes_agency_id_credit_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_status_changes")),
    )
    op.create_index(op.f("ix_agency_status_changes_agency_id"), "agency_status_changes", ["agency_id"])
    op.create_table(
        "agency_file_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('complaint', 'finding')", name=op.f("ck_agency_file_entries_kind")),
        sa.ForeignKeyConstraint(["agency_id"], ["credit_agencies.id"],
                                name=op.f("fk_agency_file_entries_agency_id_credit_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_file_entries")),
    )
    op.create_index(op.f("ix_agency_file_entries_agency_id"), "agency_file_entries", ["agency_id"])
    op.create_table(
        "agency_rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=True),
        sa.Column("ordered_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["credit_agencies.id"],
                                name=op.f("fk_agency_rectifications_agency_id_credit_agencies")),
        sa.ForeignKeyConstraint(["finding_id"], ["agency_file_entries.id"],
                                name=op.f("fk_agency_rectifications_finding_id_agency_file_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_rectifications")),
    )
    op.create_index(op.f("ix_agency_rectifications_agency_id"), "agency_rectifications", ["agency_id"])
    op.create_table(
        "agency_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ground", sa.String(length=24), nullable=False),
        sa.Column("information", sa.Text(), nullable=False),
        sa.Column("requested_change", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("answer_deadline", sa.Date(), nullable=False),
        sa.Column("supervision_deadline", sa.Date(), nullable=False),
        sa.Column("deadlines_provisional", sa.Boolean(), nullable=False),
        sa.Column("agency_answer", sa.String(length=16), nullable=True),
        sa.Column("agency_answer_text", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("supervision_outcome", sa.String(length=16), nullable=True),
        sa.Column("supervision_note", sa.Text(), nullable=True),
        sa.Column("supervised_on", sa.Date(), nullable=True),
        sa.Column("supervised_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("kind IN ('correction', 'deletion')", name=op.f("ck_agency_requests_kind")),
        sa.CheckConstraint("status IN ('awaiting_agency', 'awaiting_office', 'closed')",
                           name=op.f("ck_agency_requests_status")),
        sa.ForeignKeyConstraint(["agency_id"], ["credit_agencies.id"],
                                name=op.f("fk_agency_requests_agency_id_credit_agencies")),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_agency_requests_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_requests")),
    )
    op.create_index("ix_agency_requests_agency_status", "agency_requests", ["agency_id", "status"])
    op.create_index("ix_agency_requests_subject", "agency_requests", ["subject_key"])

    # data: the agencies suspended before the history existed get their suspension as its first line
    agencies = sa.table("credit_agencies", sa.column("id", sa.Integer()), sa.column("status", sa.String()),
                        sa.column("status_reason", sa.Text()), sa.column("updated_at", sa.DateTime(timezone=True)))
    history = sa.table("agency_status_changes", sa.column("agency_id", sa.Integer()),
                       sa.column("action", sa.String()), sa.column("reason", sa.Text()),
                       sa.column("decided_on", sa.Date()), sa.column("decided_by", sa.String()),
                       sa.column("decided_at", sa.DateTime(timezone=True)))
    bind = op.get_bind()
    rows = bind.execute(sa.select(agencies.c.id, agencies.c.status_reason, agencies.c.updated_at)
                        .where(agencies.c.status == "suspended")).all()
    for agency_id, reason, updated_at in rows:
        bind.execute(history.insert().values(
            agency_id=agency_id, action="suspend", reason=reason, decided_on=updated_at.date(),
            decided_by="（迁移前的暂停记录）", decided_at=updated_at))


def downgrade() -> None:
    op.drop_index("ix_agency_requests_subject", table_name="agency_requests")
    op.drop_index("ix_agency_requests_agency_status", table_name="agency_requests")
    op.drop_table("agency_requests")
    for table in ("agency_rectifications", "agency_file_entries", "agency_status_changes", "agency_qualifications"):
        op.drop_index(op.f(f"ix_{table}_agency_id"), table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("credit_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_agencies_region_code"))
        batch_op.drop_column("region_code")
