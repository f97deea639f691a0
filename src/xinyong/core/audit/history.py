"""The generic decision history: an append-only, hash-chained log any capability can write to
(DESIGN.md principle 4: history is appended, never rewritten)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor
from xinyong.core.models import DecisionHistory


def record_decision(
    session: Session,
    *,
    capability: str,
    ref: str,
    event: str,
    actor: Actor,
    subject_key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> DecisionHistory:
    """Append one decision event in the caller's transaction (chained when it flushes)."""
    row = DecisionHistory(
        at=clock.now(), capability=capability, ref=ref, event=event, subject_key=subject_key,
        actor_id=actor.id, actor_name=actor.name, detail=dict(detail or {}),
    )
    session.add(row)
    return row


def history_of(session: Session, ref: str) -> list[DecisionHistory]:
    return list(session.scalars(
        select(DecisionHistory).where(DecisionHistory.ref == ref).order_by(DecisionHistory.seq)
    ))
