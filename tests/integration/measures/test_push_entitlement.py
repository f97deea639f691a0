"""Pushes a unit can act on: each receiver gets exactly what its share scope allows (the full resident ID
sealed for a unit that must apply a measure to the person, masked for any other), only the measures that
reach that kind of subject (a person's measure never reaches an organisation's push), signed by the
platform (Ed25519), with a push id the receiver deduplicates on; delivery state visible per receiver."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from tests.factories import make_api_key
from tests.integration.listing.helpers import listed_case
from tests.integration.measures.receiver import Receiver
from tests.integration.measures.units import register_last
from xinyong.core.db import unit_of_work
from xinyong.core.delivery import run_once
from xinyong.core.masking import mask_resident_id
from xinyong.core.outbox import OutboxMessage
from xinyong.measures.catalog import measure_set
from xinyong.measures.sealing import open_sealed, verify

ORG_ONLY_FORBIDDEN = {"civil-service-bar", "supervisor-bar"}  # reach individuals only


def _keypair() -> tuple[X25519PrivateKey, str]:
    key = X25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, base64.b64encode(raw).decode()


def _receiver(client: Any, admin: dict[str, str], rx: Receiver, name: str, unit: str) -> None:
    made = client.post("/api/v1/push/receivers", json={"name": name, "unit": unit, "url": rx.url,
                                                       "regions": ["320800"]}, headers=admin)
    assert made.status_code == 201, made.text
    rx.secret = made.json()["secret"]


def _unit(department: str, channel: str, public_key: str, scopes: list[str] | None = None) -> int:
    make_api_key("implementing_unit", department=department)
    pid = register_last(channel=channel, public_key=public_key)
    if scopes is not None:
        from xinyong.disclosure.sharing import grant_scopes

        with unit_of_work() as s:
            grant_scopes(s, pid, scopes, "测试")
    return pid


def _by_subject(rx: Receiver) -> dict[str, list[dict[str, Any]]]:
    """What the receiver applied, grouped by the subject's kind."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, body in rx.bodies.items():
        payload = body["payload"]
        assert payload["push_id"] == key == body["id"]  # the id the receiver dedupes on is the signed push id
        out.setdefault(payload["subject"]["kind"], []).append(payload)
    return out


def test_two_receivers_of_different_scope_each_get_what_their_scope_allows(client: Any) -> None:
    admin = {"X-API-Key": make_api_key("admin")}
    key_a, pub_a = _keypair()
    key_b, pub_b = _keypair()
    with Receiver("") as rx_a, Receiver("") as rx_b, Receiver("") as rx_c:
        _receiver(client, admin, rx_a, "hr-recruitment", "淮安市人力资源和社会保障局")
        _receiver(client, admin, rx_b, "gov-viewer", "淮安市某政务部门")
        _receiver(client, admin, rx_c, "unregistered", "未登记的接收方")
        unit_a = _unit("淮安市人力资源和社会保障局", "hr-recruitment", pub_a)  # scope of its role: 失信惩戒实施单位
        _unit("淮安市某政务部门", "gov-viewer", pub_b, scopes=["government"])  # same key set-up, narrower scope

        _, setup = listed_case(7601)  # the organisation and its legal representative (lists_linked_persons)
        assert setup.person_code is not None
        with unit_of_work() as s:  # the outbox never holds the full resident ID in clear
            stored = [json.dumps(m.payload, ensure_ascii=False) for m in s.scalars(select(OutboxMessage))]
        assert stored and all(setup.person_code not in text for text in stored)
        stats = run_once(lease_seconds=5)
        assert stats.failed == 0 and stats.delivered == len(stored)
        assert rx_a.bad_signatures == rx_b.bad_signatures == rx_c.bad_signatures == 0

        signing = client.get("/api/v1/push/signing-key", headers=admin).json()
        got = {name: _by_subject(rx) for name, rx in (("a", rx_a), ("b", rx_b), ("c", rx_c))}
        raw = {name: json.dumps(rx.bodies, ensure_ascii=False) for name, rx in (("a", rx_a), ("b", rx_b), ("c", rx_c))}

    ms = measure_set()
    for name, kinds in got.items():
        assert set(kinds) == {"organisation", "individual"}, name
        for payload in kinds["organisation"]:
            codes = {m["code"] for m in payload["measures"]}
            assert codes and not codes & ORG_ONLY_FORBIDDEN
            assert all("organisation" in ms.get(c).reaches for c in codes)  # type: ignore[union-attr]
            assert payload["subject"]["code"] == setup.code
        for payload in kinds["individual"]:
            codes = {m["code"] for m in payload["measures"]}
            assert "civil-service-bar" in codes
            assert payload["subject"]["code_masked"] == mask_resident_id(setup.person_code)
            assert "code" not in payload["subject"]
        for payload in kinds["organisation"] + kinds["individual"]:
            signature = payload.pop("signature")
            assert verify(signing["public_key"], payload, signature)
            assert not verify(signing["public_key"], {**payload, "measures": []}, signature)

    # the unit that must apply the measures to the person opens the full ID with its own key, nobody else
    person_a = got["a"]["individual"][0]
    sealed = person_a["subject"]["resident_id_sealed"]
    assert open_sealed(key_a, sealed) == setup.person_code
    with pytest.raises(ValueError):
        open_sealed(key_b, sealed)
    assert person_a["entitlement"]["identifier"] == "sealed" and person_a["subject"]["name"] == "张三"
    # the government viewer (scope government only): name, masked ID, never the sealed one
    person_b = got["b"]["individual"][0]
    assert "resident_id_sealed" not in person_b["subject"] and person_b["entitlement"]["identifier"] == "masked"
    assert person_b["subject"]["name"] == "张三" and person_b["receiver"]["share_scopes"] == ["government"]
    # a channel of no registered unit holds no scope: masked name and masked ID
    person_c = got["c"]["individual"][0]
    assert person_c["subject"]["name"] != "张三" and "resident_id_sealed" not in person_c["subject"]
    for name in ("a", "b", "c"):
        assert setup.person_code not in raw[name]
    # providing the full ID is registered under the unit that received it (查询使用登记), and only then
    from xinyong.core.models import AccessLogEntry

    with unit_of_work() as s:
        provided = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "push.provide_identity")))
        assert [(e.principal_id, e.purpose, e.allowed) for e in provided] == [(unit_a, "joint_punishment", True)]
        assert provided[0].subject_key == person_a["subject_key"]
        assert provided[0].detail["push_id"] == person_a["push_id"]
    from xinyong.core.audit.verify import verify_all
    from xinyong.core.db import get_engine

    with get_engine().connect() as conn:  # the registration entries keep the access log's hash chain whole
        assert verify_all(conn).ok


def test_deliveries_are_visible_per_receiver_with_attempts_and_next_try(client: Any) -> None:
    admin = {"X-API-Key": make_api_key("admin")}
    with Receiver("") as rx:
        _receiver(client, admin, rx, "up", "淮安市正常接收单位")
        down = client.post("/api/v1/push/receivers", json={
            "name": "down", "unit": "淮安市故障接收单位", "url": "http://127.0.0.1:9/nothing-listens-here",
            "regions": ["320800"]}, headers=admin)
        assert down.status_code == 201
        listed_case(7602)
        run_once(lease_seconds=5)
    overview = {r["channel"]: r for r in client.get("/api/v1/push/receivers", headers=admin).json()["receivers"]}
    assert overview["up"]["delivered"] >= 1 and overview["up"]["failed"] == 0 and overview["up"]["pending"] == 0
    assert overview["down"]["failed"] >= 1 and overview["down"]["delivered"] == 0
    assert overview["down"]["next_attempt_at"] is not None
    failed = client.get("/api/v1/push/receivers/down/deliveries", params={"status": "failed"}, headers=admin).json()
    rows = failed["deliveries"]
    assert rows and all(r["status_name"] == "发送失败，等待重试" and r["attempts"] == 1 for r in rows)
    assert all(r["next_attempt_at"] and r["last_error"] for r in rows)
    up = client.get("/api/v1/push/receivers/up/deliveries", headers=admin).json()["deliveries"]
    assert up and all(r["status"] == "delivered" and r["next_attempt_at"] is None for r in up)
    assert {r["push_id"] for r in up} == set(rx.bodies)
    bad = client.get("/api/v1/push/receivers/down/deliveries", params={"status": "retrying"}, headers=admin)
    assert bad.status_code == 422 and "状态须为" in bad.json()["error"]["message"]
    assert client.get("/api/v1/push/receivers/none/deliveries", headers=admin).status_code == 404


def test_a_unit_reads_the_deliveries_of_its_own_channel_only(client: Any) -> None:
    from xinyong.core.models import AccessLogEntry

    admin = {"X-API-Key": make_api_key("admin")}
    with Receiver("") as rx, Receiver("") as rx_other:
        _receiver(client, admin, rx, "own-unit", "淮安市人力资源和社会保障局")
        _receiver(client, admin, rx_other, "other-unit", "淮安市其他单位")
        unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市人力资源和社会保障局")}
        register_last(channel="own-unit")
        unlisted = {"X-API-Key": make_api_key("implementing_unit", department="淮安市未登记单位")}
        unlisted_id = _latest()
        listed_case(7603)
        run_once(lease_seconds=5)
    mine = client.get("/api/v1/push/my-deliveries", headers=unit)
    assert mine.status_code == 200, mine.text
    assert mine.json()["channel"] == "own-unit" and mine.json()["deliveries"]
    assert all(d["status"] == "delivered" for d in mine.json()["deliveries"])
    # another channel's state is not for a unit, and a unit outside the registry has no channel: 403, logged
    assert client.get("/api/v1/push/receivers/other-unit/deliveries", headers=unit).status_code == 403
    refused = client.get("/api/v1/push/my-deliveries", headers=unlisted)
    assert refused.status_code == 403 and "不在实施单位名录中" in refused.json()["error"]["message"]
    with unit_of_work() as s:
        assert s.scalar(select(AccessLogEntry.id).where(AccessLogEntry.principal_id == unlisted_id,
                                                        AccessLogEntry.action == "push.own_read",
                                                        AccessLogEntry.allowed.is_(False))) is not None


def _latest() -> int:
    from xinyong.core.models import Principal

    with unit_of_work() as s:
        pid = s.scalars(select(Principal.id).order_by(Principal.id.desc())).first()
    assert pid is not None
    return int(pid)
