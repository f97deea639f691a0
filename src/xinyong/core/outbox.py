"""The outbox: messages to other systems are written in the same transaction as the change that
causes them (DESIGN.md principle 4), one delivery row per receiver, delivered by
:mod:`xinyong.core.delivery` at least once, each with an idempotency key.

Public API (other capabilities call these inside their unit of work):

- :func:`enqueue(session, topic, payload, receivers) <enqueue>` → the message; ``receivers`` are
  channel names (:func:`create_channel`).
- :func:`deliveries_of` / :func:`unconfirmed` — per-receiver delivery state of a message (e.g. the
  repair capability shows which channels have not yet confirmed a repair).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinyong.core import clock
from xinyong.core.config import get_settings
from xinyong.core.crypto import encrypt
from xinyong.core.db import Base
from xinyong.core.errors import Conflict, NotFound, ValidationFailed
from xinyong.core.webhook_urls import webhook_url_denial

TRANSPORTS = ("webhook",)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")

STATUS_NAMES = {"pending": "待发送", "delivered": "已确认", "retrying": "发送失败，等待重试"}


class OutboxChannel(Base):
    """A receiver: an implementing unit's endpoint with its own signing secret."""

    __tablename__ = "outbox_channels"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit: Mapped[str] = mapped_column(String(200))
    transport: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    secret_enc: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxDelivery(Base):
    """One message to one receiver. State lives here, so a restarted worker loses nothing."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        Index("ix_outbox_deliveries_due", "status", "next_attempt_at"),
        Index("ix_outbox_deliveries_message", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"))
    channel: Mapped[str] = mapped_column(ForeignKey("outbox_channels.name"))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | retrying | delivered
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


def create_channel(
    session: Session, name: str, *, unit: str, url: str, transport: str = "webhook"
) -> tuple[OutboxChannel, str]:
    """Register a receiver; returns it and its signing secret (shown once, stored encrypted)."""
    if not _NAME.match(name):
        raise ValidationFailed("invalid_channel_name", "通道名称只能包含字母、数字、点、下划线和连字符（2–64位）")
    if transport not in TRANSPORTS:
        raise ValidationFailed("invalid_transport", f"传输方式“{transport}”不受支持，可选：{'、'.join(TRANSPORTS)}")
    if transport == "webhook":
        denial = webhook_url_denial(url, get_settings().push_allowed_hosts.split(","))
        if denial is not None:
            raise ValidationFailed("invalid_url", denial)
    if session.get(OutboxChannel, name) is not None:
        raise Conflict("channel_exists", f"推送通道“{name}”已存在")
    secret = secrets.token_urlsafe(32)
    channel = OutboxChannel(
        name=name, unit=unit.strip() or name, transport=transport, url=url, secret_enc=encrypt(secret),
        active=True, created_at=clock.now(),
    )
    session.add(channel)
    session.flush()
    return channel, secret


def enqueue(
    session: Session, topic: str, payload: dict[str, Any], receivers: Sequence[str], *,
    idempotency_key: str | None = None,
) -> OutboxMessage:
    """Write a message and one delivery per receiver in the caller's transaction. ``idempotency_key``:
    the id the receiver deduplicates on when the payload itself names it (a signed push carries its
    own ``push_id``); a fresh one otherwise."""
    names = list(dict.fromkeys(receivers))
    if not names:
        raise ValidationFailed("no_receivers", "推送消息至少需要一个接收通道")
    known = set(session.scalars(select(OutboxChannel.name).where(OutboxChannel.name.in_(names))))
    missing = [n for n in names if n not in known]
    if missing:
        raise NotFound("channel_not_found", f"推送通道不存在：{'、'.join(missing)}")
    now = clock.now()
    message = OutboxMessage(topic=topic, payload=payload, idempotency_key=idempotency_key or uuid.uuid4().hex,
                            created_at=now)
    session.add(message)
    session.flush()
    session.add_all(
        OutboxDelivery(message_id=message.id, channel=n, status="pending", attempts=0, next_attempt_at=now)
        for n in names
    )
    session.flush()
    return message


def deliveries_of(session: Session, message_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(OutboxDelivery).where(OutboxDelivery.message_id == message_id).order_by(OutboxDelivery.channel)
    )
    return [
        {
            "channel": d.channel,
            "status": d.status,
            "status_name": STATUS_NAMES.get(d.status, d.status),
            "attempts": d.attempts,
            "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
            "next_attempt_at": d.next_attempt_at.isoformat() if d.status != "delivered" else None,
            "last_status": d.last_status,
            "last_error": d.last_error,
        }
        for d in rows
    ]


def unconfirmed(session: Session, message_id: int) -> list[str]:
    """Channels that have not yet acknowledged the message."""
    return [d["channel"] for d in deliveries_of(session, message_id) if d["status"] != "delivered"]
