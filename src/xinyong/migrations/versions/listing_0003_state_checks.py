"""listing: the database refuses a case state, rectification status or interview outcome not in listing.rules

The values are frozen here as they were when the constraint was added (a later value needs its own
migration that replaces the constraint). SQLite cannot add a CHECK to an existing table, so the
table is rebuilt (batch mode, foreign keys are not enforced while migrating); the naming convention
of xinyong.core.db gives the name ck_<table>_<name>.

Revision ID: listing_0003
Revises: listing_0002
"""
from collections.abc import Sequence

from xinyong.migrations.checks import Check, add_checks, drop_checks

revision: str = "listing_0003"
down_revision: str | Sequence[str] | None = "listing_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, constraint name, column, allowed values)
CHECKS: tuple[Check, ...] = (
    ("listing_cases", "ck_listing_cases_state", "state", (
        "proposed", "notice_served", "objection_received", "objection_answered", "decided", "listed",
        "removed", "withdrawn",
    )),
    ("rectification_orders", "ck_rectification_orders_status", "status", (
        "open", "completed", "not_completed",
    )),
    ("listing_interviews", "ck_listing_interviews_outcome", "outcome", (
        "held", "refused", "not_cooperating",
    )),
)


def upgrade() -> None:
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)
