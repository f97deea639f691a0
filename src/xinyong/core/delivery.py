"""The outbox delivery worker (`xinyong push run [--once]`).

- Claims due deliveries: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, one atomic
  ``UPDATE … WHERE id IN (SELECT … LIMIT n)`` lease on SQLite. A claim is a lease
  (``claimed_until``): a worker killed between sending and acknowledging loses its lease and another
  worker sends again later — at least once, and nothing is lost because the state is in the database.
- Each message carries an ``Idempotency-Key`` header (the same on every retry) so a deduplicating
  receiver applies it exactly once, and an HMAC-SHA256 signature under the receiver's own secret:
  ``X-Xinyong-Signature: sha256=hex(HMAC(secret, timestamp + "." + body))``.
- A failed attempt is retried with exponential backoff (``base · 2^(attempts-1)``, capped), forever:
  delivery state shows how often it failed and why.
- The transport is one interface (:class:`Transport`); webhooks over httpx are the default.
- A capability that keeps receipts of what a receiver acknowledged (the upstream platform's
  acknowledgement id) registers a handler for its topic with :func:`on_acknowledged` (the composition
  root does, ``ACK_HANDLERS``); it runs in the transaction that records the delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.assembly import ensure_assembled
from xinyong.core.config import get_settings
from xinyong.core.crypto import decrypt
from xinyong.core.db import is_postgres, unit_of_work
from xinyong.core.outbox import OutboxChannel, OutboxDelivery, OutboxMessage
from xinyong.core.webhook_urls import webhook_url_denial

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0


@dataclass(frozen=True)
class Outgoing:
    channel: str
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    #: the receiver's reply on success (some receivers answer with an acknowledgement id)
    reply: str | None = None


class Transport(Protocol):
    def send(self, message: Outgoing) -> SendResult: ...


class WebhookTransport:
    """POST the signed JSON body; any 2xx is an acknowledgement."""

    def __init__(self, timeout: float = 10.0) -> None:
        import httpx  # imported here: only the delivery worker sends (a command starts faster without it)

        self._http_error = httpx.HTTPError
        self.client = httpx.Client(timeout=timeout)

    def send(self, message: Outgoing) -> SendResult:
        # checked again at each delivery, not only at registration: a receiver's host name may since have
        # been pointed at an internal address (DNS rebinding)
        denial = webhook_url_denial(message.url, get_settings().push_allowed_hosts.split(","))
        if denial is not None:
            return SendResult(False, None, f"未发送：{denial}")
        try:
            response = self.client.post(message.url, content=message.body, headers=message.headers)
        except self._http_error as exc:
            return SendResult(False, None, f"{type(exc).__name__}: {exc}"[:500])
        if 200 <= response.status_code < 300:
            return SendResult(True, response.status_code, reply=response.text[:2000])
        return SendResult(False, response.status_code, response.text[:500])


TRANSPORT_FACTORIES: dict[str, Callable[[], Transport]] = {"webhook": WebhookTransport}

#: handler(session, message, channel, reply) run when a receiver acknowledged a message of the topic
AckHandler = Callable[[Session, OutboxMessage, str, "str | None"], None]
_ack_handlers: dict[str, list[AckHandler]] = {}


def on_acknowledged(topic: str, handler: AckHandler) -> None:
    """Run ``handler`` in the transaction that records an acknowledged delivery of ``topic``."""
    handlers = _ack_handlers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(worker: str, limit: int, lease_seconds: float) -> list[int]:
    now = clock.now()
    until = now + timedelta(seconds=lease_seconds)
    due = (
        (OutboxDelivery.status != "delivered")
        & (OutboxDelivery.next_attempt_at <= now)
        & or_(OutboxDelivery.claimed_until.is_(None), OutboxDelivery.claimed_until < now)
    )
    with unit_of_work() as s:
        if is_postgres():
            ids = list(s.scalars(
                select(OutboxDelivery.id).where(due).order_by(OutboxDelivery.next_attempt_at, OutboxDelivery.id)
                .limit(limit).with_for_update(skip_locked=True)
            ))
            if ids:
                s.execute(update(OutboxDelivery).where(OutboxDelivery.id.in_(ids))
                          .values(claimed_by=worker, claimed_until=until))
            return ids
        sub = (select(OutboxDelivery.id).where(due)
               .order_by(OutboxDelivery.next_attempt_at, OutboxDelivery.id).limit(limit))
        s.execute(update(OutboxDelivery).where(OutboxDelivery.id.in_(sub), due)
                  .values(claimed_by=worker, claimed_until=until).execution_options(synchronize_session=False))
        return list(s.scalars(select(OutboxDelivery.id).where(
            OutboxDelivery.claimed_by == worker, OutboxDelivery.claimed_until == until)))


def _outgoing(delivery_id: int) -> tuple[Outgoing, str] | None:
    with unit_of_work() as s:
        d = s.get(OutboxDelivery, delivery_id)
        if d is None:
            return None
        m = s.get(OutboxMessage, d.message_id)
        ch = s.get(OutboxChannel, d.channel)
        assert m is not None and ch is not None
        body = json.dumps(
            {"id": m.idempotency_key, "topic": m.topic, "created_at": m.created_at.isoformat(),
             "payload": m.payload},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        ).encode()
        ts = str(int(clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": m.idempotency_key,
            "X-Xinyong-Topic": m.topic,
            "X-Xinyong-Timestamp": ts,
            "X-Xinyong-Signature": sign(decrypt(ch.secret_enc), ts, body),
        }
        return Outgoing(ch.name, ch.url, body, headers), ch.transport


def _finish(delivery_id: int, worker: str, result: SendResult) -> bool:
    """Record the outcome if we still hold the lease; returns whether it was recorded."""
    now = clock.now()
    with unit_of_work() as s:
        d = s.get(OutboxDelivery, delivery_id, with_for_update=True)
        if d is None or d.claimed_by != worker:
            return False
        d.attempts += 1
        d.last_status = result.status
        d.claimed_by = None
        d.claimed_until = None
        if result.ok:
            d.status = "delivered"
            d.delivered_at = now
            d.last_error = None
            message = s.get(OutboxMessage, d.message_id)
            if message is not None and message.topic in _ack_handlers:
                ensure_assembled()
                for handler in list(_ack_handlers[message.topic]):
                    handler(s, message, d.channel, result.reply)
        else:
            d.status = "retrying"
            d.last_error = result.error or f"HTTP {result.status}"
            d.next_attempt_at = now + backoff(d.attempts)
        return True


@dataclass
class RunStats:
    delivered: int = 0
    failed: int = 0


def run_once(worker: str | None = None, *, batch: int = 100, lease_seconds: float = 60.0,
             transports: dict[str, Transport] | None = None) -> RunStats:
    """Deliver everything due now (repeatedly claiming batches) and return."""
    worker = worker or worker_id()
    cache: dict[str, Transport] = dict(transports or {})
    stats = RunStats()
    while True:
        ids = claim(worker, batch, lease_seconds)
        if not ids:
            return stats
        for delivery_id in ids:
            prepared = _outgoing(delivery_id)
            if prepared is None:
                continue
            outgoing, kind = prepared
            transport = cache.get(kind)
            if transport is None:
                transport = cache[kind] = TRANSPORT_FACTORIES[kind]()
            result = transport.send(outgoing)
            _finish(delivery_id, worker, result)
            if result.ok:
                stats.delivered += 1
            else:
                stats.failed += 1
        if stats.failed and stats.delivered == 0:
            return stats  # everything due failed: let the backoff run


def run_forever(*, poll_seconds: float = 2.0, batch: int = 100, lease_seconds: float = 60.0,
                stop: Callable[[], bool] | None = None) -> None:
    worker = worker_id()
    while stop is None or not stop():
        stats = run_once(worker, batch=batch, lease_seconds=lease_seconds)
        if stats.delivered == 0:
            time.sleep(poll_seconds)


def due_count(now: datetime | None = None) -> int:
    now = now or clock.now()
    with unit_of_work() as s:
        return len(list(s.scalars(select(OutboxDelivery.id).where(
            OutboxDelivery.status != "delivered", OutboxDelivery.next_attempt_at <= now))))
