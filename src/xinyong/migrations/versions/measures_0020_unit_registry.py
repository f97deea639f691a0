"""measures: the registry of implementing units (name, USCC of the authority, region, competent
fields, push channel, public key for encrypted resident IDs) a joint-punishment case picks from

Revision ID: measures_0020
Revises: measures_0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "measures_0020"
down_revision: str | Sequence[str] | None = "measures_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registered_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority_uscc", sa.String(length=18), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"],
                                name=op.f("fk_registered_units_principal_id_principals")),
        sa.ForeignKeyConstraint(["channel"], ["outbox_channels.name"],
                                name=op.f("fk_registered_units_channel_outbox_channels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_units")),
        sa.UniqueConstraint("principal_id", name=op.f("uq_registered_units_principal_id")),
    )
    with op.batch_alter_table("registered_units", schema=None) as batch_op:
        batch_op.create_index("ix_registered_units_region", ["region_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registered_units", schema=None) as batch_op:
        batch_op.drop_index("ix_registered_units_region")
    op.drop_table("registered_units")
