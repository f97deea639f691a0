"""Reporting upward (上报): new, changed and withdrawn 双公示 items go to the upstream platform
(the provincial platform / 信用中国) through the outbox, with the upstream's receipts kept.

国办发〔2020〕49号 §（五）: the platform's disclosure is kept consistent with 信用中国 and the local
platforms in content and period — so a repair that shields or deletes a record, or a revocation,
sends a withdrawal in the same transaction as the change (delivered the same day by the push
worker, ``xinyong push run``), and every item's delivery and acknowledgement can be checked.

- The upstream is one outbox channel (:data:`CHANNEL`), registered by :func:`connect` from the
  ``XINYONG_UPSTREAM_URL`` setting (the address checked like every push receiver,
  :mod:`xinyong.core.webhook_urls`); while it is not registered nothing is reported.
- Subscriptions (the composition root registers :data:`SUBSCRIPTIONS`): ``record.created`` and
  ``records.imported`` → new; ``record.status_changed`` → withdrawn (shielded, deleted, revoked,
  annulled) or changed (marked as repaired, publication ended); ``licence.recorded`` /
  ``licences.imported`` → new (or changed).
- The delivery worker retries a failed delivery with backoff; when the upstream acknowledges, its
  reply's acknowledgement id and the time are stored on the receipt (:func:`acknowledged`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.config import get_settings
from xinyong.core.errors import ValidationFailed
from xinyong.core.outbox import OutboxChannel, OutboxDelivery, OutboxMessage, create_channel, enqueue
from xinyong.core.usecase import use_case
from xinyong.core.webhook_urls import webhook_url_denial
from xinyong.disclosure import national, rules
from xinyong.disclosure.common import china_date
from xinyong.disclosure.export import Item, exchange_rows
from xinyong.disclosure.models import UpstreamReceipt
from xinyong.disclosure.national import ExchangeKind
from xinyong.records import service as records
from xinyong.records.public import LicenceView, licence_view, record_views

CHANNEL = "upstream"
TOPIC = "upstream.shuanggongshi"
UNIT = "上级信用信息平台（省级平台、信用中国）"

ACTION_NAMES = {"new": "新增", "changed": "变更", "withdrawn": "撤回"}
#: statuses after which the item is no longer disclosed or shared: the upstream withdraws it
#: (49号 §（二）: a withdrawn document is no basis; §（十一）: repaired information shielded or deleted)
WITHDRAW_STATUSES = rules.HIDDEN_FROM_SHARING
#: the receipt's state by the outbox delivery's status
STATE_NAMES = {"pending": "待发送", "retrying": "发送失败，等待重试", "delivered": "已确认"}
STATE_ORDER = ("retrying", "pending", "delivered")


# --- the channel -------------------------------------------------------------------------------


def connect(actor: Actor, url: str | None = None) -> dict[str, Any]:
    """Register (or re-point) the upstream channel; a new channel's signing secret is returned once."""
    with use_case(actor, "disclosure.upstream.manage", purpose=Purpose.maintenance) as door:
        target = (url if url is not None else get_settings().upstream_url).strip()
        door.admit(detail={"upstream_url": target})
        if not target:
            raise ValidationFailed("upstream_not_configured", "未配置上级平台的接收地址（XINYONG_UPSTREAM_URL）")
        existing = door.session.get(OutboxChannel, CHANNEL)
        if existing is None:
            _, secret = create_channel(door.session, CHANNEL, unit=UNIT, url=target)
            return {"channel": CHANNEL, "url": target, "secret": secret, "created": True}
        denial = webhook_url_denial(target, get_settings().push_allowed_hosts.split(","))
        if denial is not None:
            raise ValidationFailed("invalid_url", denial)
        existing.url = target
        existing.active = True
        return {"channel": CHANNEL, "url": target, "secret": None, "created": False}


def _connected(session: Session) -> bool:
    channel = session.get(OutboxChannel, CHANNEL)
    return channel is not None and channel.active


# --- what is reported --------------------------------------------------------------------------


def report(session: Session, items: Sequence[Item], action: str, *, reason: str = "") -> list[int]:
    """Queue one message per item (penalty record or licence: its national row, or the withdrawal) and its
    receipt, in the caller's transaction; returns the receipt ids."""
    now = clock.now()
    on = china_date(now)
    out: list[int] = []
    by_kind: dict[ExchangeKind, list[Item]] = {}
    for v in items:
        if isinstance(v, LicenceView):
            by_kind.setdefault(ExchangeKind.licensing, []).append(v)
        elif v.catalog_item in national.ITEM_KINDS:
            by_kind.setdefault(national.ITEM_KINDS[v.catalog_item], []).append(v)
    for kind, group in by_kind.items():
        if action == "withdrawn":
            contents: list[tuple[Item, dict[str, Any]]] = [(v, {"withdrawal": national.withdrawal(
                kind, {"document_number": v.document_number, "issuing_authority": v.issuing_authority},
                status_name=_status_name(v), reason=reason, on=on)}) for v in group]
        else:
            # the outbox body's keys are sorted: the column order travels as its own list
            contents = [(v, {"columns": list(national.columns_of(kind)), "row": row.values,
                             "masked": list(row.masked), "withheld": list(row.withheld)})
                        for v, row in exchange_rows(session, kind, group, on)]
        for entry, content in contents:
            payload = {"action": action, "action_name": ACTION_NAMES[action], "kind": kind.value,
                       "kind_name": national.KIND_NAMES[kind], "source_id": f"{kind.value}-{entry.id}",
                       "changed_on": on.isoformat(), **content}
            message = enqueue(session, TOPIC, payload, [CHANNEL])
            receipt = UpstreamReceipt(kind=kind.value, item_id=entry.id, action=action, message_id=message.id,
                                      changed_on=on, created_at=now)
            session.add(receipt)
            session.flush()
            out.append(receipt.id)
    return out


def _status_name(v: Item) -> str:
    if isinstance(v, LicenceView):
        return v.status_name
    return records.RECORD_STATUSES.get(v.status, v.status)


def on_created(session: Session, topic: str, payload: dict[str, Any]) -> None:
    if payload.get("catalog_item") not in national.ITEM_KINDS or not _connected(session):
        return
    report(session, list(record_views(session, [int(payload["record_id"])]).values()), "new")


def on_imported(session: Session, topic: str, payload: dict[str, Any]) -> None:
    ids = [int(i) for i in payload.get("record_ids") or []]
    if not ids or not _connected(session):
        return
    views = record_views(session, ids)
    report(session, [views[i] for i in sorted(views)], "new")


def on_status_changed(session: Session, topic: str, payload: dict[str, Any]) -> None:
    if payload.get("catalog_item") not in national.ITEM_KINDS or not _connected(session):
        return
    status, previous = str(payload.get("status")), str(payload.get("previous"))
    if status == previous:
        return
    views = list(record_views(session, [int(payload["record_id"])]).values())
    if status in WITHDRAW_STATUSES:
        if previous not in WITHDRAW_STATUSES:
            report(session, views, "withdrawn", reason=str(payload.get("reason") or ""))
    elif previous in WITHDRAW_STATUSES:
        report(session, views, "new")  # in force again: reported as a new item
    else:
        report(session, views, "changed")


def on_licences(session: Session, topic: str, payload: dict[str, Any]) -> None:
    """Licences recorded or imported (``licence_id`` or ``licence_ids``); ``changed: true`` for an update."""
    ids = [int(i) for i in payload.get("licence_ids") or []]
    if payload.get("licence_id") is not None:
        ids.append(int(payload["licence_id"]))
    if not ids or not _connected(session):
        return
    found = [v for v in (licence_view(session, i) for i in sorted(set(ids))) if v is not None]
    report(session, found, "changed" if payload.get("changed") else "new")


#: what this module reacts to; the composition root (xinyong.composition) registers them
SUBSCRIPTIONS = [
    ("record.created", on_created),
    ("records.imported", on_imported),
    ("record.status_changed", on_status_changed),
    ("licence.recorded", on_licences),
    ("licences.imported", on_licences),
]


# --- receipts ----------------------------------------------------------------------------------

#: reply keys that carry the upstream's acknowledgement id, in order of preference
ACK_KEYS = ("ack_id", "receipt_id", "receiptId", "回执编号", "id")


def ack_id_of(reply: str | None) -> str | None:
    """The acknowledgement id in the upstream's reply (a JSON object), or None."""
    if not reply:
        return None
    try:
        data = json.loads(reply)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    inner = data.get("data")
    scopes: list[dict[str, Any]] = [data, inner] if isinstance(inner, dict) else [data]
    for scope in scopes:
        for key in ACK_KEYS:
            value = scope.get(key)
            if isinstance(value, str | int) and str(value).strip():
                return str(value).strip()[:200]
    return None


def acknowledged(session: Session, message: OutboxMessage, channel: str, reply: str | None) -> None:
    """The upstream acknowledged ``message``: store its acknowledgement id and the time on the receipt
    (xinyong.core.delivery runs this in the transaction that records the delivery)."""
    if channel != CHANNEL:
        return
    receipt = session.scalar(select(UpstreamReceipt).where(UpstreamReceipt.message_id == message.id))
    if receipt is None:
        return
    receipt.ack_id = ack_id_of(reply)
    receipt.acknowledged_at = clock.now()


@dataclasses.dataclass(frozen=True)
class Receipts:
    rows: list[dict[str, Any]]
    counts: dict[str, int]
    connected: bool
    url: str | None


def _beijing(at: dt.datetime | None) -> str | None:
    if at is None:
        return None
    aware = at if at.tzinfo else at.replace(tzinfo=clock.UTC)
    return aware.astimezone(clock.CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def list_receipts(actor: Actor, *, state: str | None = None, limit: int = 500) -> Receipts:
    """上报回执: every item reported upward with its delivery state (待发送 / 发送失败 / 已确认), attempts,
    last error and the upstream's acknowledgement — one joined query plus one bulk record lookup."""
    if state is not None and state not in STATE_NAMES:
        raise ValidationFailed("upstream_bad_state", "状态须为 pending（待发送）、retrying（发送失败）或 delivered（已确认）")
    with use_case(actor, "disclosure.upstream.read", purpose=Purpose.supervision) as door:
        door.admit(detail={"upstream_receipts": True, **({"state": state} if state else {})})
        q = (select(UpstreamReceipt, OutboxDelivery)
             .join(OutboxDelivery, (OutboxDelivery.message_id == UpstreamReceipt.message_id)
                   & (OutboxDelivery.channel == CHANNEL))
             .order_by(UpstreamReceipt.id.desc()))
        pairs = [(r, d) for r, d in door.session.execute(q)]
        counts = {s: 0 for s in STATE_ORDER}
        for _, d in pairs:
            counts[d.status] = counts.get(d.status, 0) + 1
        if state is not None:
            pairs = [(r, d) for r, d in pairs if d.status == state]
        pairs = pairs[:limit]
        views = record_views(door.session, [r.item_id for r, _ in pairs if r.kind == ExchangeKind.penalty])
        licences = {r.item_id: licence_view(door.session, r.item_id)
                    for r, _ in pairs if r.kind == ExchangeKind.licensing}
        rows = []
        for r, d in pairs:
            v: Item | None = views.get(r.item_id) if r.kind == ExchangeKind.penalty else licences.get(r.item_id)
            rows.append({
                "id": r.id, "item_id": r.item_id, "kind": r.kind,
                "kind_name": national.KIND_NAMES[ExchangeKind(r.kind)], "action": r.action,
                "action_name": ACTION_NAMES.get(r.action, r.action),
                "document_number": v.document_number if v else "", "department": v.department if v else "",
                "changed_on": r.changed_on.isoformat(), "state": d.status,
                "state_name": STATE_NAMES.get(d.status, d.status), "attempts": d.attempts,
                "last_error": d.last_error, "next_attempt_at": _beijing(d.next_attempt_at) if d.status != "delivered" else None,
                "ack_id": r.ack_id, "acknowledged_at": _beijing(r.acknowledged_at),
            })
        door.count(len(rows))
        channel = door.session.get(OutboxChannel, CHANNEL)
        return Receipts(rows, counts, channel is not None and channel.active, channel.url if channel else None)
