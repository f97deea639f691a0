"""security: accounts of citizens and companies (/my) — the account bound to a subject, one-time codes
issued by the credit office (keyed hashes only) and failed attempts for rate limiting

Revision ID: security_0010
Revises: security_0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "security_0010"
down_revision: str | Sequence[str] | None = "security_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.Column("oidc_issuer", sa.String(length=300), nullable=True),
        sa.Column("oidc_subject", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["console_accounts.id"],
                                name=op.f("fk_subject_accounts_account_id_console_accounts")),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_subject_accounts_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_accounts")),
        sa.UniqueConstraint("account_id", name=op.f("uq_subject_accounts_account_id")),
        sa.UniqueConstraint("subject_key", name=op.f("uq_subject_accounts_subject_key")),
        sa.UniqueConstraint("oidc_issuer", "oidc_subject", name=op.f("uq_subject_accounts_oidc_issuer_oidc_subject")),
    )
    op.create_table(
        "subject_enrolment_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"],
                                name=op.f("fk_subject_enrolment_codes_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_subject_enrolment_codes_code_hash")),
    )
    op.create_index("ix_subject_enrolment_codes_subject", "subject_enrolment_codes", ["subject_key"])
    op.create_table(
        "subject_auth_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_auth_failures")),
    )
    op.create_index("ix_subject_auth_failures_scope_at", "subject_auth_failures", ["scope", "at"])


def downgrade() -> None:
    op.drop_index("ix_subject_auth_failures_scope_at", table_name="subject_auth_failures")
    op.drop_table("subject_auth_failures")
    op.drop_index("ix_subject_enrolment_codes_subject", table_name="subject_enrolment_codes")
    op.drop_table("subject_enrolment_codes")
    op.drop_table("subject_accounts")
