"""disclosure: receipts of the items reported upward (国办发〔2020〕49号 §（五）)

Revision ID: disclosure_0004
Revises: disclosure_0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "disclosure_0004"
down_revision: str | Sequence[str] | None = "disclosure_0003"
branch_labels: str | Sequence[str] | None = None
#: the outbox tables (measures_0001)
depends_on: str | Sequence[str] | None = ("measures_0001",)


def upgrade() -> None:
    op.create_table(
        "disclosure_upstream_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ack_id", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("action IN ('new', 'changed', 'withdrawn')",
                           name=op.f("ck_disclosure_upstream_receipts_action")),
        sa.CheckConstraint("kind IN ('penalty', 'licensing')", name=op.f("ck_disclosure_upstream_receipts_kind")),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_messages.id"],
                                name=op.f("fk_disclosure_upstream_receipts_message_id_outbox_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_upstream_receipts")),
        sa.UniqueConstraint("message_id", name=op.f("uq_disclosure_upstream_receipts_message_id")),
    )
    op.create_index("ix_disclosure_upstream_receipts_item", "disclosure_upstream_receipts", ["kind", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_disclosure_upstream_receipts_item", table_name="disclosure_upstream_receipts")
    op.drop_table("disclosure_upstream_receipts")
