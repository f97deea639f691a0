"""Targeted push (定向推送, 发改办财金〔2018〕893号 §六: 按失信联合惩戒措施分别推送给相关实施单位，按地区
分别推送给地方政府相关部门) and the event handlers that keep the screening index and the joint-punishment
cases current.

Handlers run inside the transaction of the change (xinyong.core.events): the index rows, the closed
cases and the outbox messages commit or roll back with the listing or record change that caused them.

- ``ListingEnded`` (every end of a listing, ``basis_withdrawn`` included) and ``RecordWithdrawn`` close
  the cases resting on them (国办发〔2020〕49号 §（二）: 惩戒须以具有法律效力的文书为依据).
- ``RepairGranted`` closes the cases resting on the repaired record or listing (令第36号 第三条: 同步
  依法依规解除失信惩戒措施), except a measure whose rule says it survives repair.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.errors import ValidationFailed
from xinyong.core.events import DomainEvent
from xinyong.core.outbox import OutboxChannel, create_channel
from xinyong.core.regions import ancestors, is_division
from xinyong.listing.events import ListingEnded
from xinyong.measures.cases import close_resting_on
from xinyong.measures.catalog import measure_set
from xinyong.measures.envelope import send
from xinyong.measures.joint_rules import measures_for_subject
from xinyong.measures.models import PushSubscription
from xinyong.measures.service import mark_dirty, refresh_index
from xinyong.records.events import RecordWithdrawn
from xinyong.repair.events import RepairGranted
from xinyong.subjects.public import subject_view

PUSH_TOPICS: dict[str, str] = {
    "listing.started": "列入严重失信主体名单",
    "listing.changed": "名单信息变更",
    "listing.ended": "移出严重失信主体名单",
    "record.status_changed": "失信行为记录状态变更（修复、撤销等）",
}
INDEX_TOPICS = ("listing.started", "listing.changed", "listing.ended", "record.created", "record.status_changed",
                "record.withdrawn")


def subscribe_channel(session: Session, channel: str, *, measures: list[str], regions: list[str],
                      topics: list[str]) -> PushSubscription:
    if session.get(OutboxChannel, channel) is None:
        raise ValidationFailed("channel_not_found", f"推送通道“{channel}”不存在")
    ms = measure_set()
    unknown = [m for m in measures if ms.get(m) is None]
    if unknown:
        raise ValidationFailed("unknown_measure", f"措施不在失信惩戒措施清单内：{'、'.join(unknown)}")
    bad = [r for r in regions if not is_division(r)]
    if bad:
        raise ValidationFailed("invalid_region", f"行政区划代码无效：{'、'.join(bad)}")
    topics = topics or list(PUSH_TOPICS)
    wrong = [t for t in topics if t not in PUSH_TOPICS]
    if wrong:
        raise ValidationFailed("invalid_topic", f"推送事件无效：{'、'.join(wrong)}；可选：{'、'.join(PUSH_TOPICS)}")
    sub = PushSubscription(channel=channel, measures=sorted(set(measures)), regions=sorted(set(regions)),
                           topics=sorted(set(topics)), active=True, created_at=clock.now())
    session.add(sub)
    session.flush()
    return sub


def register_receiver(session: Session, *, name: str, unit: str, url: str, measures: list[str],
                      regions: list[str], topics: list[str]) -> tuple[OutboxChannel, str, PushSubscription]:
    channel, secret = create_channel(session, name, unit=unit, url=url)
    return channel, secret, subscribe_channel(session, name, measures=measures, regions=regions, topics=topics)


def describe_subscription(sub: PushSubscription) -> dict[str, Any]:
    return {"id": sub.id, "channel": sub.channel, "measures": sub.measures, "regions": sub.regions,
            "topics": sub.topics, "active": sub.active}


def _affected_measures(topic: str, payload: dict[str, Any]) -> set[str]:
    ms = measure_set()
    if topic.startswith("listing."):
        list_type = payload.get("list_type_id") or payload.get("list_type")
        if list_type:
            return {m.code for m in ms.for_list_type(str(list_type))}
        return {m.code for m in ms.all() if m.list_types}
    item = payload.get("catalog_item")
    return {m.code for m in ms.all() if any(t.catalog_item == item for t in m.records)}


def push_change(session: Session, topic: str, payload: dict[str, Any]) -> int:
    """Write one signed push per subscribed channel whose measures and regions match, carrying only the
    measures that reach a subject of that kind and what the channel's unit is entitled to see
    (:mod:`xinyong.measures.envelope`)."""
    ms = measure_set()
    subject = subject_view(session, str(payload["subject_key"]))
    if subject is None:
        return 0
    role = str(payload.get("role") or "subject")
    affected = {m.code for m in measures_for_subject(
        (x for x in (ms.get(c) for c in _affected_measures(topic, payload)) if x is not None), subject.kind, role)}
    if topic == "record.status_changed" and not affected:
        return 0  # a record no measure rests on concerns no implementing unit
    chain = set(ancestors(subject.region_code)) if subject.region_code else set()
    sent = 0
    subs = session.scalars(select(PushSubscription).where(PushSubscription.active.is_(True)))
    per_channel: dict[str, set[str]] = {}
    for sub in subs:
        if topic not in sub.topics:
            continue
        if sub.regions and not chain.intersection(sub.regions):
            continue
        wanted = affected if not sub.measures else affected & set(sub.measures)
        if sub.measures and not wanted:
            continue
        per_channel.setdefault(sub.channel, set()).update(wanted)
    for channel, codes in sorted(per_channel.items()):
        measures = [m for m in (ms.get(c) for c in sorted(codes)) if m is not None]
        change = {k: v for k, v in payload.items() if k != "subject_key"}
        if send(session, channel, topic, subject_key=subject.subject_key, measures=measures, role=role,
                extra={"event_name": PUSH_TOPICS[topic], "change": change}) is not None:
            sent += 1
    return sent


def on_change(session: Session, topic: str, payload: dict[str, Any]) -> None:
    refresh_index(session, str(payload["subject_key"]))
    if topic in PUSH_TOPICS:
        push_change(session, topic, payload)


def on_bulk_import(session: Session, _topic: str, payload: dict[str, Any]) -> None:
    """A bulk import batch marks its subjects; they are recomputed before their next screening."""
    mark_dirty(session, [str(k) for k in payload.get("subject_keys") or []])


def on_listing_ended(session: Session, event: ListingEnded) -> None:
    """A listing ended: the cases resting on it close (after a repair, surviving measures stay)."""
    close_resting_on(session, "listing", event.listing_id, repair=event.reason == "repaired",
                     cause={"listing_id": event.listing_id, "list_type": event.list_type,
                            "end_reason": event.reason})


def on_record_withdrawn(session: Session, event: RecordWithdrawn) -> None:
    """A record was revoked or annulled: the cases resting on it close."""
    close_resting_on(session, "record", event.record_id, repair=False,
                     cause={"record_id": event.record_id, "withdrawal": event.kind,
                            "withdrawal_reason": event.reason})


def on_repair_granted(session: Session, event: RepairGranted) -> None:
    """A repair was granted on a record or a listing: the cases resting on it close, unless their
    measure survives repair (令第36号 第三条)."""
    kind = event.target_kind
    if kind not in ("record", "listing"):
        return
    close_resting_on(session, kind, int(event.target_id), repair=True,
                     cause={f"{kind}_id": int(event.target_id), "repair_outcome": event.outcome,
                            "repair_decision": event.decision_number})


#: what this module reacts to; the composition root (xinyong.composition) registers them
SUBSCRIPTIONS: list[tuple[type[DomainEvent] | str, Callable[..., None]]] = [
    (ListingEnded, on_listing_ended),
    (RecordWithdrawn, on_record_withdrawn),
    (RepairGranted, on_repair_granted),
    *[(topic, on_change) for topic in INDEX_TOPICS],
    ("records.imported", on_bulk_import),
]
