"""listing: a case's history joins the core audit chain (decision_history) — no more private chain

From this revision on, every step of a case is one entry of ``decision_history`` (ref
``listing_case:<id>``) with its full content in ``detail``; ``listing_case_events`` is no longer written.
Its rows stay where they are, readable and append-only (triggers of listing_0001), with their old
``prev_hash`` / ``hash`` columns:

- a row that was mirrored into decision_history (every step since the mirror was introduced) is read
  from ``listing_case_events`` and checked against the hash its mirror sealed (``detail.event_hash``);
- a row without a mirror is carried into decision_history here, in id order, with its full content,
  its old hash and ``carried_over: true``, so that every step of every case is in the core chain.

No schema change. Downgrade removes nothing (the chain is append-only).

Revision ID: listing_0004
Revises: listing_0003
"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from xinyong.core.audit.chain import GENESIS, chained, json_roundtrip

revision: str = "listing_0004"
down_revision: str | Sequence[str] | None = "listing_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("security_0002",)

CHAIN = "decision_history"
#: the hashed fields of decision_history (xinyong.core.models.DecisionHistory.__chain_fields__ at this revision)
FIELDS = ("at", "capability", "ref", "event", "subject_key", "actor_id", "actor_name", "detail")

EVENTS = sa.table(
    "listing_case_events", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("action", sa.String), sa.column("from_state", sa.String),
    sa.column("to_state", sa.String), sa.column("on", sa.Date), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer), sa.column("actor_name", sa.String), sa.column("actor_department", sa.String),
    sa.column("reason", sa.Text), sa.column("document_ids", sa.JSON), sa.column("data", sa.JSON),
    sa.column("hash", sa.String),
)
CASES = sa.table("listing_cases", sa.column("id", sa.Integer), sa.column("subject_key", sa.String))
HISTORY = sa.table(
    "decision_history", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("capability", sa.String), sa.column("ref", sa.String), sa.column("event", sa.String),
    sa.column("subject_key", sa.String), sa.column("actor_id", sa.Integer), sa.column("actor_name", sa.String),
    sa.column("detail", sa.JSON), sa.column("seq", sa.Integer), sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)
HEADS = sa.table("audit_chain_heads", sa.column("chain", sa.String), sa.column("last_seq", sa.Integer),
                 sa.column("last_hash", sa.String))


def carry_over(bind: sa.engine.Connection) -> int:
    """Append to decision_history every listing_case_events row that has no mirror there; returns how many."""
    mirrored = set()
    for ref, detail in bind.execute(sa.select(HISTORY.c.ref, HISTORY.c.detail).where(
            HISTORY.c.capability == "listing", HISTORY.c.ref.like("listing_case:%"))):
        if isinstance(detail, dict) and "event_hash" in detail:
            mirrored.add((ref, detail.get("seq")))
    rows = [r._mapping for r in bind.execute(
        sa.select(EVENTS, CASES.c.subject_key).join(CASES, CASES.c.id == EVENTS.c.case_id).order_by(EVENTS.c.id))]
    missing = [m for m in rows if (f"listing_case:{m['case_id']}", m["seq"]) not in mirrored]
    if not missing:
        return 0
    head = bind.execute(sa.select(HEADS.c.last_seq, HEADS.c.last_hash).where(HEADS.c.chain == CHAIN)).first()
    if head is None:
        bind.execute(HEADS.insert().values(chain=CHAIN, last_seq=0, last_hash=GENESIS))
        last_seq, last_hash = 0, GENESIS
    else:
        last_seq, last_hash = int(head[0]), str(head[1])
    for m in missing:
        fields: dict[str, Any] = {
            "at": m["at"], "capability": "listing", "ref": f"listing_case:{m['case_id']}", "event": m["action"],
            "subject_key": m["subject_key"], "actor_id": m["actor_id"], "actor_name": m["actor_name"],
            "detail": json_roundtrip({
                "seq": m["seq"], "from": m["from_state"], "to": m["to_state"], "on": m["on"].isoformat(),
                "actor_department": m["actor_department"], "reason": m["reason"],
                "document_ids": list(m["document_ids"] or []), "data": m["data"] or {},
                "event_hash": m["hash"], "carried_over": True,
            }),
        }
        last_seq += 1
        digest = chained(CHAIN, last_hash, {k: fields[k] for k in FIELDS})
        bind.execute(HISTORY.insert().values(**fields, seq=last_seq, prev_hash=last_hash, entry_hash=digest))
        last_hash = digest
    bind.execute(HEADS.update().where(HEADS.c.chain == CHAIN).values(last_seq=last_seq, last_hash=last_hash))
    return len(missing)


def upgrade() -> None:
    carry_over(op.get_bind())


def downgrade() -> None:
    """Nothing to undo: entries of the audit chain are never removed."""
