"""Targeted push as each receiver sees it: what is pending, delivered or failed (and when the next try
is), per receiver (发改办财金〔2018〕893号 §六 定向推送). Deliveries are retried with exponential backoff by
:mod:`xinyong.core.delivery`; every message carries its push id as the ``Idempotency-Key`` the receiver
deduplicates on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.access import Actor, Purpose
from xinyong.core.errors import NotFound, ValidationFailed
from xinyong.core.outbox import OutboxChannel, OutboxDelivery, OutboxMessage
from xinyong.core.usecase import use_case
from xinyong.measures import sealing, units

#: the states a receiver sees: a delivery that failed is retried (status ``retrying`` in the outbox)
STATES = {"pending": "待发送", "delivered": "已送达", "failed": "发送失败，等待重试"}
_OUTBOX_STATE = {"pending": "pending", "delivered": "delivered", "failed": "retrying"}
_STATE_OF = {v: k for k, v in _OUTBOX_STATE.items()}
TOPIC_NAMES = {
    "push.listing.started": "列入严重失信主体名单",
    "push.listing.changed": "名单信息变更",
    "push.listing.ended": "移出严重失信主体名单",
    "push.record.status_changed": "失信行为记录状态变更",
    "push.case.initiated": "联合惩戒案例：发起",
    "push.case.closed": "联合惩戒案例：终止",
    "push.case.kept": "联合惩戒案例：修复后继续实施",
    "repair.granted": "信用修复结果",
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def signing_key() -> dict[str, Any]:
    """The platform's push-signing public key (Ed25519) and how a receiver verifies and opens a push."""
    return {"alg": sealing.SIGN_ALG, "key_id": sealing.key_id(), "public_key": sealing.signing_public_key(),
            "signed": "推送消息 payload 中除 signature 外全部字段的规范 JSON（键排序、无空格、UTF-8）",
            "sealed_resident_id": f"{sealing.SEAL_ALG}：接收方以自己的 X25519 私钥解密，附加数据为 aad 字段"}


def receivers(actor: Actor) -> list[dict[str, Any]]:
    """Every receiver with its counts of pending, delivered and failed deliveries and its next retry."""
    with use_case(actor, "push.read", purpose=Purpose.administration, detail={"receivers": True}) as door:
        door.admit()
        s = door.session
        counts: dict[str, dict[str, int]] = {}
        for channel, status, n in s.execute(select(OutboxDelivery.channel, OutboxDelivery.status, func.count())
                                            .group_by(OutboxDelivery.channel, OutboxDelivery.status)):
            counts.setdefault(channel, {})[_STATE_OF.get(status, status)] = int(n)
        next_try = dict(s.execute(select(OutboxDelivery.channel, func.min(OutboxDelivery.next_attempt_at))
                                  .where(OutboxDelivery.status != "delivered").group_by(OutboxDelivery.channel)).all())
        out = []
        for ch in s.scalars(select(OutboxChannel).order_by(OutboxChannel.name)):
            c = counts.get(ch.name, {})
            out.append({"channel": ch.name, "unit": ch.unit, "active": ch.active,
                        **{k: c.get(k, 0) for k in STATES}, "next_attempt_at": _iso(next_try.get(ch.name))})
        door.count(len(out))
        return out


def receiver_deliveries(actor: Actor, channel: str, *, status: str | None = None, limit: int = 200) -> dict[str, Any]:
    """One receiver's deliveries, newest first: state, attempts, last error and next try."""
    _check_status(status)
    with use_case(actor, "push.read", purpose=Purpose.administration, detail={"channel": channel}) as door:
        door.admit()
        found = _deliveries(door.session, channel, status, limit)
        door.count(len(found["deliveries"]))
        return found


def own_deliveries(actor: Actor, *, status: str | None = None, limit: int = 200) -> dict[str, Any]:
    """An implementing unit's own receiver: the deliveries to the channel registered for it in the registry."""
    _check_status(status)
    with use_case(actor, "push.own_read", purpose=Purpose.administration) as door:
        unit = units.registered(door.session, actor.id) if actor.id is not None else None
        door.require(None if unit is not None else "本单位不在实施单位名录中，没有推送通道", code="not_registered_unit")
        assert unit is not None
        if not unit.channel:
            raise NotFound("channel_not_registered", "本单位在实施单位名录中未登记推送通道")
        door.admit(detail={"channel": unit.channel})
        found = _deliveries(door.session, unit.channel, status, limit)
        door.count(len(found["deliveries"]))
        return found


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATES:
        raise ValidationFailed("invalid_status", f"状态须为：{'、'.join(f'{k}（{v}）' for k, v in STATES.items())}")


def _deliveries(s: Session, channel: str, status: str | None, limit: int) -> dict[str, Any]:
    ch = s.get(OutboxChannel, channel)
    if ch is None:
        raise NotFound("channel_not_found", f"推送通道“{channel}”不存在")
    q = (select(OutboxDelivery, OutboxMessage).join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
         .where(OutboxDelivery.channel == channel).order_by(OutboxDelivery.id.desc()).limit(limit))
    if status is not None:
        q = q.where(OutboxDelivery.status == _OUTBOX_STATE[status])
    now = clock.now()
    rows = []
    for d, m in s.execute(q).all():
        state = _STATE_OF.get(d.status, d.status)
        rows.append({
            "delivery_id": d.id, "message_id": m.id, "push_id": m.idempotency_key, "topic": m.topic,
            "topic_name": TOPIC_NAMES.get(m.topic, "推送消息"), "status": state,
            "status_name": STATES.get(state, state), "attempts": d.attempts,
            "created_at": _iso(m.created_at), "delivered_at": _iso(d.delivered_at),
            "next_attempt_at": _iso(d.next_attempt_at) if d.status != "delivered" else None,
            "due_now": d.status != "delivered" and _aware(d.next_attempt_at) <= now,
            "last_status": d.last_status, "last_error": d.last_error,
        })
    return {"channel": ch.name, "unit": ch.unit, "deliveries": rows}


def _aware(value: Any) -> Any:
    return value if value.tzinfo else value.replace(tzinfo=clock.UTC)
