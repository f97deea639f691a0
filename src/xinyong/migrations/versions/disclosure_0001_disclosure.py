"""disclosure: share grants, consents, objections and their files, publication tracking

Revision ID: disclosure_0001
Revises: 0001_foundation
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "disclosure_0001"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("disclosure",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_share_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"],
                                name=op.f("fk_disclosure_share_grants_principal_id_principals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_share_grants")),
        sa.UniqueConstraint("principal_id", name=op.f("uq_disclosure_share_grants_principal_id")),
    )
    op.create_table(
        "disclosure_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_disclosure_consents_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_consents")),
    )
    op.create_index("ix_disclosure_consents_subject", "disclosure_consents", ["subject_key"])
    op.create_table(
        "disclosure_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("filed_by_principal", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name=op.f("fk_disclosure_objections_record_id_records")),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_disclosure_objections_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_objections")),
    )
    op.create_index("ix_disclosure_objections_record", "disclosure_objections", ["record_id"])
    op.create_index("ix_disclosure_objections_subject", "disclosure_objections", ["subject_key"])
    op.create_index("ix_disclosure_objections_department", "disclosure_objections", ["department"])
    op.create_table(
        "disclosure_objection_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["objection_id"], ["disclosure_objections.id"],
                                name=op.f("fk_disclosure_objection_files_objection_id_disclosure_objections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_objection_files")),
    )
    op.create_index(op.f("ix_disclosure_objection_files_objection_id"), "disclosure_objection_files",
                    ["objection_id"])
    op.create_table(
        "disclosure_publications",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("catalog_item", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("first_public_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name=op.f("fk_disclosure_publications_record_id_records")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_disclosure_publications")),
    )
    op.create_index("ix_disclosure_publications_department", "disclosure_publications", ["department"])
    op.create_index(op.f("ix_disclosure_publications_subject_key"), "disclosure_publications", ["subject_key"])


def downgrade() -> None:
    op.drop_table("disclosure_publications")
    op.drop_table("disclosure_objection_files")
    op.drop_table("disclosure_objections")
    op.drop_table("disclosure_consents")
    op.drop_table("disclosure_share_grants")
