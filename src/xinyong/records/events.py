"""What happens to dishonesty records that other capabilities must act on (xinyong.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.core.events import DomainEvent


@dataclass(frozen=True)
class RecordWithdrawn(DomainEvent):
    """A record no longer rests on a legally effective document and must stop having effects.

    ``kind`` is ``revoked`` (the determining department upheld an objection or corrected its own
    record, 淮政办发〔2021〕13号 §四(一)) or ``annulled`` (the document itself was revoked, confirmed
    unlawful or void: 行政处罚被撤销、确认违法或者无效). Listings resting only on it are revoked;
    measures, joint-punishment cases and publication that rest on it end (国办发〔2020〕49号 §（二）:
    惩戒须以具有法律效力的文书为依据)."""

    topic = "record.withdrawn"
    record_id: int
    catalog_item: str
    kind: str
    reason: str
    department: str | None
