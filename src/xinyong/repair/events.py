"""What happens in credit repair that other capabilities must act on (xinyong.core.events).

The topic and payload keys of ``repair.granted`` are a contract: the outbox carries them to every
connected platform, and measures closes joint-punishment cases resting on the repaired record or
listing (subject_key, target_kind, target_id, outcome …)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinyong.core.events import DomainEvent


@dataclass(frozen=True)
class RepairGranted(DomainEvent):
    """The determining department granted the repair of one record or listing (谁认定、谁修复): the
    record's status changed or the listing ended in the same transaction."""

    topic = "repair.granted"
    subject: dict[str, Any] | None
    application: str
    part_id: int
    target_kind: str  # record / listing
    target_id: int
    target_code: str
    target_label: str
    department: str
    decision_number: str | None
    outcome: str  # repair rules' Outcome value
    outcome_name: str
    decided_on: str  # ISO date
    decided_by: str
