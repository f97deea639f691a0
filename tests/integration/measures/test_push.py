"""Targeted push: outbox rows in the same transaction, signed webhook delivery, at least once with an
idempotency key, exactly-once effect at a deduplicating receiver even when the worker is killed
between sending and acknowledging."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import department_headers, record_json, uscc
from tests.integration.measures.receiver import Receiver
from xinyong.core.db import unit_of_work
from xinyong.core.delivery import run_once
from xinyong.core.outbox import (
    OutboxDelivery,
    OutboxMessage,
    create_channel,
    deliveries_of,
    enqueue,
    unconfirmed,
)


def _messages() -> list[OutboxMessage]:
    with unit_of_work() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_subscribed_units_get_signed_push_in_the_same_transaction(client: Any, api_key: Any) -> None:
    from xinyong.records.service import set_status

    admin = api_key("admin")
    body = record_json(subject_code=uscc(random.Random(31)), subject_name="推送示例有限公司", severity="serious")
    rec = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"])).json()
    with Receiver("") as rx:
        made = client.post("/api/v1/push/receivers", json={
            "name": "huaian-procurement", "unit": "淮安市财政局", "url": rx.url,
            "measures": ["procurement-major-violation"], "regions": ["320800"]}, headers=admin)
        assert made.status_code == 201, made.text
        rx.secret = made.json()["secret"]
        other = client.post("/api/v1/push/receivers", json={
            "name": "beijing-all", "unit": "北京某局", "url": rx.url, "regions": ["110000"]}, headers=admin)
        assert other.status_code == 201
        assert client.post("/api/v1/push/receivers", json={"name": "x", "unit": "u", "url": "ftp://x"},
                           headers=admin).status_code == 422
        # a change rolled back leaves no message behind
        with pytest.raises(RuntimeError), unit_of_work() as s:
            set_status(s, rec["id"], "revoked", "撤销")
            raise RuntimeError("abort")
        assert _messages() == []
        with unit_of_work() as s:
            set_status(s, rec["id"], "repaired_marked", "信用修复")
        msgs = _messages()
        assert len(msgs) == 1 and msgs[0].topic == "push.record.status_changed"  # only the 淮安 unit matches
        stats = run_once(lease_seconds=5)
        assert stats.delivered == 1 and rx.bad_signatures == 0
        sent = rx.bodies[msgs[0].idempotency_key]
        assert sent["payload"]["measures"][0]["code"] == "procurement-major-violation"
        assert sent["payload"]["change"]["status"] == "repaired_marked"
    status = client.get(f"/api/v1/push/messages/{msgs[0].id}/deliveries", headers=admin).json()
    assert [(d["channel"], d["status"]) for d in status["deliveries"]] == [("huaian-procurement", "delivered")]


def test_failed_delivery_is_retried_with_backoff(db_url: str) -> None:
    with unit_of_work() as s:
        create_channel(s, "down", unit="某单位", url="http://127.0.0.1:9/nothing-listens-here")
        m = enqueue(s, "repair.granted", {"subject_key": "k"}, ["down"])
        mid = m.id
    stats = run_once(lease_seconds=5)
    assert stats.failed == 1
    with unit_of_work() as s:
        d = s.scalar(select(OutboxDelivery))
        assert d is not None and d.status == "retrying" and d.attempts == 1 and d.last_error
        assert unconfirmed(s, mid) == ["down"]
        assert deliveries_of(s, mid)[0]["status_name"] == "发送失败，等待重试"
    assert run_once(lease_seconds=5).failed == 0  # not due again before the backoff has passed


@pytest.mark.slow
def test_worker_killed_between_send_and_ack_gives_exactly_once_effect(db_url: str) -> None:
    with unit_of_work() as s:
        _ch, secret = create_channel(s, "unit-a", unit="某实施单位", url="http://placeholder")
    with Receiver(secret, hold_first=True) as rx:
        with unit_of_work() as s:
            ch = s.get(type(_ch), "unit-a")
            assert ch is not None
            ch.url = rx.url
            keys = [enqueue(s, "listing.started", {"subject_key": f"k{i}", "n": i}, ["unit-a"]).idempotency_key
                    for i in range(3)]
        env = {**os.environ, "XINYONG_DATABASE_URL": db_url}
        cmd = [sys.executable, "-m", "xinyong", "push", "run", "--lease", "2", "--poll", "0.1"]
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert rx.first_arrived.wait(60), first.stderr.read().decode() if first.poll() is not None else ""
            first.send_signal(signal.SIGKILL)  # killed after sending, before the acknowledgement
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        rx.release.set()
        with unit_of_work() as s:
            assert s.scalar(select(OutboxDelivery).where(OutboxDelivery.status == "delivered")) is None
        time.sleep(2.5)  # the dead worker's lease expires
        second = subprocess.run([*cmd[:-4], "--once", "--lease", "5"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert rx.requests.count(keys[0]) == 2  # sent twice (at least once) …
        assert all(rx.effects[k] == 1 for k in keys) and len(rx.effects) == 3  # … applied once
    with unit_of_work() as s:
        rows = list(s.scalars(select(OutboxDelivery)))
        assert {d.status for d in rows} == {"delivered"}
