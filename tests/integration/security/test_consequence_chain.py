"""Consequences carried through, end to end through the API on both databases:

objection upheld → record revoked → listing revoked → measures gone from screening, the public page and
the share API → joint-punishment case closed → pushes delivered to the units that must act.

国办发〔2020〕49号 §（二）: punishment rests on a legally effective document; once the record that a
listing rested on is revoked (淮政办发〔2021〕13号 §四(一) 谁认定、谁答复), nothing may keep punishing.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, uscc
from tests.integration.listing.helpers import approve_api
from tests.integration.measures.receiver import Receiver
from tests.integration.measures.units import register, register_last
from xinyong.core.db import unit_of_work
from xinyong.core.delivery import run_once
from xinyong.core.outbox import OutboxMessage

DEPT = "淮安市人力资源和社会保障局"
UNIT = "淮安市财政局"
LIST_TYPE = "migrant-wage-arrears"
MEASURE = "migrant-wage-restrictions"
MATTER = "fiscal_subsidy"


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


def _topics() -> list[str]:
    with unit_of_work() as s:
        return [m.topic for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _listed(client: Any, dd: dict[str, str], code: str, record_id: int) -> dict[str, Any]:
    case = _ok(client.post("/api/v1/listing/cases", headers=dd, json={
        "subject_code": code, "list_type_id": LIST_TYPE, "record_ids": [record_id],
        "reason": "拖欠农民工工资，经责令限期支付后逾期未支付", "on": "2026-09-01"}), 201)
    cid = case["id"]
    case = _ok(client.post(f"/api/v1/listing/cases/{cid}/notice", headers=dd, json={
        "version": case["version"], "on": "2026-09-01", "objection_window_end": "2026-09-15"}))
    case = approve_api(client, cid, on="2026-09-16")
    case = _ok(client.post(f"/api/v1/listing/cases/{cid}/decision", headers=dd,
                           json={"version": case["version"], "on": "2026-09-16"}))
    case = _ok(client.post(f"/api/v1/listing/cases/{cid}/listing", headers=dd,
                           json={"version": case["version"], "on": "2026-09-17"}))
    assert case["state"] == "listed"
    return case


def test_upheld_objection_ends_everything_that_rested_on_the_record(client: Any, api_key: Any) -> None:
    admin = api_key("admin")
    dd = department_headers(DEPT)
    unit = api_key("implementing_unit", department=UNIT, name=UNIT)
    unit_id = register_last()  # the unit in the registry (实施单位名录), receiving on its channel below
    office = api_key("credit_office", department="淮安市发展和改革委员会")
    code = uscc(random.Random(4242), region="320812")
    body = record_json(subject_code=code, subject_name="淮安市连锁示例建筑劳务有限公司", issuing_authority=DEPT,
                       document_number="淮人社罚〔2026〕88号", summary="拖欠农民工工资，经责令限期支付逾期仍未支付")
    record = _ok(client.post("/api/v1/records", json=body, headers=dd), 201)

    with Receiver("") as rx:
        made = _ok(client.post("/api/v1/push/receivers", headers=admin, json={
            "name": "huaian-finance", "unit": UNIT, "url": rx.url, "measures": [MEASURE],
            "regions": ["320800"]}), 201)
        rx.secret = made["secret"]
        register(unit_id, channel="huaian-finance")
        case = _listed(client, dd, code, record["id"])

        # the measure applies, and the unit applies it in a joint-punishment case
        hit = _ok(client.get(f"/api/v1/screen/code/{code}", params={"matter": MATTER}, headers=unit))["hits"][0]
        assert hit["measures"] == [MEASURE]
        joint = _ok(client.post("/api/v1/punishment-cases", headers=office, json={
            "code": code, "measure": MEASURE, "matter": MATTER, "unit": UNIT, "respond_within_workdays": 5}), 201)
        _ok(client.post(f"/api/v1/punishment-cases/{joint['id']}/response", headers=unit, json={"applied": True}))
        subject_key = hit.get("subject_key") or case["subject_key"]
        assert [x["list_type"] for x in
                _ok(client.get(f"/api/v1/public/subjects/{subject_key}"))["listings"]] == [LIST_TYPE]

        # the subject objects; the department that determined the record upholds the objection
        me = {"X-API-Key": make_api_key("subject", subject_key=subject_key)}
        objection = _ok(client.post("/api/v1/self/objections", headers=me, data={
            "record_id": str(record["id"]), "reason": "工资已于责令期限内全部支付，有银行流水为证"}), 201)
        _ok(client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", headers=dd, json={
            "outcome": "upheld", "answer": "经核实，工资已按期支付，撤销该记录"}))

        # record revoked
        assert _ok(client.get(f"/api/v1/records/{record['id']}", headers=dd))["status"] == "revoked"
        # listing revoked, with the reason
        after = _ok(client.get(f"/api/v1/listing/cases/{case['id']}", headers=dd))
        assert after["state"] == "removed" and after["removal_reason"] == "basis_withdrawn"
        # measures gone from screening (exact and batch)
        hit = _ok(client.get(f"/api/v1/screen/code/{code}", params={"matter": MATTER}, headers=unit))["hits"][0]
        assert hit["measures"] == [] and hit["lists"] == []
        batch = _ok(client.post("/api/v1/screen/batch", headers=unit,
                                json={"items": [{"code": code}], "matter": MATTER}))
        assert batch["results"][0]["measures"] == []
        # gone from the public page and from what is shared
        public = _ok(client.get(f"/api/v1/public/subjects/{subject_key}"))
        assert public["listings"] == []
        assert all(r.get("document_number") != "淮人社罚〔2026〕88号" for r in public["records"])
        shared = _ok(client.get(f"/api/v1/share/subjects/{code}", params={"purpose": "administration"},
                                headers=office))
        assert all(r.get("document_number") != "淮人社罚〔2026〕88号" for r in shared.get("records", []))
        # the joint-punishment case is closed and the unit is told
        closed = _ok(client.get(f"/api/v1/punishment-cases/{joint['id']}", headers=unit))
        assert closed["status"] == "closed"
        assert closed["history"][-1]["action"] == "closed"
        topics = _topics()
        assert "push.listing.ended" in topics and any(t.startswith("push.case") for t in topics)

        # the pushes reach the unit's receiver, signed
        stats = run_once("chain-test")
        assert stats.failed == 0 and stats.delivered >= 2
        received = [b["topic"] for b in rx.bodies.values()]
        assert rx.bad_signatures == 0
        assert "push.listing.ended" in received and any(t.startswith("push.case") for t in received)
