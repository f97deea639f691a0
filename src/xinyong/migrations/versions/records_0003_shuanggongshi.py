"""records: 双公示 — penalty detail columns on records, and licensing records (行政许可信息)

The columns of the 双公示 exchange standard (行政处罚信息: 违法事实, 处罚依据, 处罚类别, 罚款金额（万元）,
公示截止期, 数据来源单位 …) are added to ``records`` as nullable columns (rows of the platform's own
columns leave them empty). Licensing records are their own table ``licences`` (never dishonesty records).

Revision ID: records_0003
Revises: records_0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "records_0003"
down_revision: str | Sequence[str] | None = "records_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENALTY_COLUMNS: tuple[tuple[str, sa.types.TypeEngine], ...] = (
    ("subject_category", sa.String(20)),
    ("legal_representative", sa.String(50)),
    ("legal_representative_id_type", sa.String(32)),
    ("legal_representative_id_enc", sa.Text()),
    ("violation_type", sa.Text()),
    ("violation_facts", sa.Text()),
    ("penalty_basis", sa.Text()),
    ("penalty_category", sa.String(255)),
    ("penalty_content", sa.Text()),
    ("fine_amount", sa.Numeric(18, 6)),
    ("confiscation_amount", sa.Numeric(18, 6)),
    ("licence_affected", sa.String(200)),
    ("penalty_effective_to", sa.Date()),
    ("publication_end", sa.Date()),
    ("authority_uscc", sa.String(18)),
    ("data_source", sa.String(200)),
    ("data_source_uscc", sa.String(18)),
    ("remarks", sa.Text()),
)

#: frozen as at this revision (records.licensing.LicenceStatus / LicenceCategory)
STATUSES = ("valid", "invalid", "revoked", "disputed", "other")
CATEGORIES = ("ordinary", "franchise", "recognition", "approval", "registration", "other")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(repr(v) for v in values)


def upgrade() -> None:
    for name, type_ in PENALTY_COLUMNS:
        op.add_column("records", sa.Column(name, type_, nullable=True))
    op.create_table(
        "licences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("catalog_item", sa.String(length=64), nullable=False),
        sa.Column("catalog_id", sa.String(length=64), nullable=False),
        sa.Column("catalog_edition", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("subject_category", sa.String(length=20), nullable=True),
        sa.Column("legal_representative", sa.String(length=50), nullable=True),
        sa.Column("document_name", sa.String(length=200), nullable=True),
        sa.Column("document_number", sa.String(length=128), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("licence_name", sa.String(length=200), nullable=True),
        sa.Column("licence_number", sa.String(length=128), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("issuing_authority", sa.String(length=200), nullable=False),
        sa.Column("authority_uscc", sa.String(length=18), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("data_source", sa.String(length=200), nullable=True),
        sa.Column("data_source_uscc", sa.String(length=18), nullable=True),
        sa.Column("usage_scope", sa.String(length=32), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("determined_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({_in(STATUSES)})", name=op.f("ck_licences_status")),
        sa.CheckConstraint(f"category IS NULL OR category IN ({_in(CATEGORIES)})", name=op.f("ck_licences_category")),
        sa.ForeignKeyConstraint(["subject_key"], ["subjects.subject_key"], name=op.f("fk_licences_subject_key_subjects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licences")),
        sa.UniqueConstraint("issuing_authority", "document_number", "subject_key", name="uq_licences_natural_key"),
    )
    op.create_index("ix_licences_subject", "licences", ["subject_key"])
    op.create_index("ix_licences_decision_date", "licences", ["decision_date"])
    op.create_index("ix_licences_department", "licences", ["department"])


def downgrade() -> None:
    op.drop_index("ix_licences_department", table_name="licences")
    op.drop_index("ix_licences_decision_date", table_name="licences")
    op.drop_index("ix_licences_subject", table_name="licences")
    op.drop_table("licences")
    with op.batch_alter_table("records") as batch:
        for name, _ in reversed(PENALTY_COLUMNS):
            batch.drop_column(name)
