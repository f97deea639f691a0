"""Joint punishment between registered units (发改办财金〔2018〕893号 §六 发起—响应—反馈) and the
consequences carried to the cases: a listing that ends, a record withdrawn or repaired closes the cases
resting on it (国办发〔2020〕49号 §（二）), the unit is told, screening stops listing the measure; a measure
that survives repair stays with its basis."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, uscc
from tests.integration.listing.helpers import listed_case
from tests.integration.measures.units import register as register_unit
from xinyong.core.access import SYSTEM
from xinyong.core.db import unit_of_work
from xinyong.core.events import publish
from xinyong.core.models import AccessLogEntry, Principal
from xinyong.core.outbox import OutboxDelivery, OutboxMessage
from xinyong.listing.events import ListingEnded
from xinyong.repair.events import RepairGranted

UNIT = "淮安市公共资源交易中心"
FINANCE = "淮安市财政局"
WAGE_MEASURE = "migrant-wage-restrictions"


def _key(role: str, *, channel: str | None = None, register: bool = True, **kw: Any) -> tuple[dict[str, str], int]:
    """Headers of a new principal and its id; an implementing unit is entered in the registry (实施单位名录)
    unless ``register`` is false."""
    token = make_api_key(role, **kw)
    with unit_of_work() as s:
        pid = s.scalars(select(Principal.id).order_by(Principal.id.desc())).first()
    assert pid is not None
    if role == "implementing_unit" and register:
        register_unit(int(pid), channel=channel)
    return {"X-API-Key": token}, int(pid)


def _denied(action: str, principal_id: int) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        rows = list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.principal_id == principal_id,
            AccessLogEntry.allowed.is_(False))))
        s.expunge_all()
        return rows


def _penalised(client: Any, seed: int) -> dict[str, Any]:
    """A serious administrative penalty (政府采购法 第二十二条第一款第（五）项 trigger)."""
    body = record_json(subject_code=uscc(random.Random(seed)), subject_name=f"重罚示例有限公司{seed}",
                       severity="serious")
    r = client.post("/api/v1/records", json=body, headers=department_headers("淮安市市场监督管理局"))
    assert r.status_code == 201, r.text
    return {"code": body["subject_code"], "record_id": r.json()["id"]}


def _receiver(client: Any, name: str, unit: str) -> None:
    r = client.post("/api/v1/push/receivers", json={"name": name, "unit": unit, "url": "http://127.0.0.1:9/hook"},
                    headers={"X-API-Key": make_api_key("admin")})
    assert r.status_code == 201, r.text


def _messages(topic: str) -> list[tuple[dict[str, Any], list[str]]]:
    with unit_of_work() as s:
        out = []
        for m in s.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)):
            channels = list(s.scalars(select(OutboxDelivery.channel).where(OutboxDelivery.message_id == m.id)))
            out.append((m.payload, channels))
        return out


def _measures(client: Any, code: str, matter: str, headers: dict[str, str]) -> list[str]:
    r = client.get(f"/api/v1/screen/code/{code}", params={"matter": matter}, headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json()["hits"][0]["measures"])


def test_case_only_to_a_registered_unit_and_only_it_responds(client: Any) -> None:
    subject = _penalised(client, 7101)
    office, _ = _key("credit_office", department="淮安市发展和改革委员会")
    unit, unit_id = _key("implementing_unit", department=UNIT)
    other, other_id = _key("implementing_unit", department="淮安市其他实施单位")
    far_office, far_id = _key("credit_office", department="北京市朝阳区发展和改革委员会", region="110105")
    case_body = {"code": subject["code"], "measure": "procurement-major-violation", "matter": "procurement_bidding",
                 "respond_within_workdays": 5}

    nowhere = client.post("/api/v1/punishment-cases", json={**case_body, "unit": "不存在的单位XYZ"}, headers=office)
    assert nowhere.status_code == 422, nowhere.text
    assert nowhere.json()["error"]["code"] == "unit_not_registered"
    assert "不存在的单位XYZ" in nowhere.json()["error"]["message"] and "实施单位名录" in nowhere.json()["error"]["message"]
    # an implementing-unit account that is not in the registry is not a recipient either
    _, unlisted_id = _key("implementing_unit", department="淮安市未登记单位", register=False)
    unlisted = client.post("/api/v1/punishment-cases", json={**case_body, "unit_id": unlisted_id}, headers=office)
    assert unlisted.status_code == 422 and "名录" in unlisted.json()["error"]["message"]
    not_a_unit = client.post("/api/v1/punishment-cases", json={**case_body, "unit_id": 999_999}, headers=office)
    assert not_a_unit.status_code == 422 and "实施单位" in not_a_unit.json()["error"]["message"]

    opened = client.post("/api/v1/punishment-cases", json={**case_body, "unit_id": unit_id}, headers=office)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["unit"] == UNIT and case["unit_id"] == unit_id
    assert case["rests_on"] == {"kind": "record", "id": subject["record_id"]}
    by_name = client.post("/api/v1/punishment-cases", json={**case_body, "unit": UNIT}, headers=office)
    assert by_name.status_code == 201 and by_name.json()["unit_id"] == unit_id  # the registered name still works
    cid = case["id"]

    # another unit may neither respond nor read: 403, logged as refused
    r = client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": True}, headers=other)
    assert r.status_code == 403 and UNIT in r.json()["error"]["message"]
    assert _denied("measures.case_respond", other_id)
    assert client.get(f"/api/v1/punishment-cases/{cid}", headers=other).status_code == 403
    assert _denied("measures.case_read", other_id)
    assert client.get("/api/v1/punishment-cases", headers=other).json()["cases"] == []
    # a credit office outside the territory of the subject and the unit may not read it
    assert client.get(f"/api/v1/punishment-cases/{cid}", headers=far_office).status_code == 403
    assert _denied("measures.case_read", far_id)
    # the credit office that initiated it (and whose territory holds it) may not answer for the unit
    assert client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": True},
                       headers=office).status_code == 403

    ok = client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": True}, headers=unit)
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "responded"
    assert client.get(f"/api/v1/punishment-cases/{cid}", headers=office).status_code == 200
    assert {c["id"] for c in client.get("/api/v1/punishment-cases", headers=unit).json()["cases"]} == {
        cid, by_name.json()["id"]}


def test_listing_ended_closes_the_case_tells_the_unit_and_leaves_screening(client: Any) -> None:
    _, setup = listed_case(7202)
    _receiver(client, "huaian-finance", FINANCE)
    unit, unit_id = _key("implementing_unit", department=FINANCE, channel="huaian-finance")
    office, _ = _key("credit_office", department="淮安市发展和改革委员会")
    assert _measures(client, setup.code, "fiscal_subsidy", unit) == [WAGE_MEASURE]
    opened = client.post("/api/v1/punishment-cases", json={
        "code": setup.code, "measure": WAGE_MEASURE, "matter": "fiscal_subsidy", "unit_id": unit_id,
        "respond_within_workdays": 5}, headers=office)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["rests_on"]["kind"] == "listing"
    listing_id = case["rests_on"]["id"]

    from xinyong.listing import service as listing

    with unit_of_work() as s:
        listing.end_listing(s, listing_id, "conditions_met", SYSTEM, dt.date(2026, 11, 20))

    closed = client.get(f"/api/v1/punishment-cases/{case['id']}", headers=unit).json()
    assert closed["status"] == "closed" and closed["closed_reason"] == "作为依据的名单已移出"
    assert closed["history"][-1]["action"] == "closed"
    assert closed["history"][-1]["detail"]["listing_id"] == listing_id
    sent = _messages("push.case.closed")
    assert [(p["case"]["id"], ch) for p, ch in sent] == [(case["id"], ["huaian-finance"])]
    assert _measures(client, setup.code, "fiscal_subsidy", unit) == []
    by_name = client.get("/api/v1/screen/name", params={"q": "淮安示例建筑劳务有限公司7202", "matter": "fiscal_subsidy"},
                         headers=unit)
    assert by_name.status_code == 200, by_name.text
    assert all(WAGE_MEASURE not in h["measures"] for h in by_name.json()["hits"])
    # a closed case is not answered any more
    late = client.post(f"/api/v1/punishment-cases/{case['id']}/response", json={"applied": True}, headers=unit)
    assert late.status_code == 409


def test_listing_ended_event_closes_cases_of_the_listing_only(client: Any) -> None:
    _, setup = listed_case(7203)
    unit, _ = _key("implementing_unit", department=FINANCE)
    opened = client.post("/api/v1/punishment-cases", json={
        "code": setup.code, "measure": WAGE_MEASURE, "matter": "fiscal_subsidy", "respond_within_workdays": 5},
        headers=unit)  # a unit opens a case for itself
    assert opened.status_code == 201, opened.text
    case = opened.json()
    with unit_of_work() as s:  # another listing ends: nothing happens to this case
        publish(s, ListingEnded(subject_key="x", listing_id=case["rests_on"]["id"] + 1000, case_id=0,
                                list_type="migrant-wage-arrears", reason="basis_withdrawn"))
    assert client.get(f"/api/v1/punishment-cases/{case['id']}", headers=unit).json()["status"] == "initiated"
    with unit_of_work() as s:
        publish(s, ListingEnded(subject_key="x", listing_id=case["rests_on"]["id"], case_id=0,
                                list_type="migrant-wage-arrears", reason="basis_withdrawn"))
    after = client.get(f"/api/v1/punishment-cases/{case['id']}", headers=unit).json()
    assert after["status"] == "closed" and after["history"][-1]["detail"]["end_reason"] == "basis_withdrawn"


def test_record_withdrawn_closes_the_case_and_leaves_screening(client: Any) -> None:
    from xinyong.records.events import RecordWithdrawn
    from xinyong.records.models import Record

    subject = _penalised(client, 7304)
    _receiver(client, "huaian-trading", UNIT)
    unit, unit_id = _key("implementing_unit", department=UNIT, channel="huaian-trading")
    opened = client.post("/api/v1/punishment-cases", json={
        "code": subject["code"], "measure": "procurement-major-violation", "matter": "procurement_bidding",
        "unit_id": unit_id, "respond_within_workdays": 5}, headers=unit)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert "procurement-major-violation" in _measures(client, subject["code"], "procurement_bidding", unit)
    with unit_of_work() as s:
        record = s.get(Record, subject["record_id"])
        assert record is not None
        record.status = "revoked"
        s.flush()
        publish(s, RecordWithdrawn(subject_key=record.subject_key, record_id=record.id,
                                   catalog_item=record.catalog_item, kind="revoked", reason="异议成立，撤销记录",
                                   department="淮安市市场监督管理局"))
    closed = client.get(f"/api/v1/punishment-cases/{case['id']}", headers=unit).json()
    assert closed["status"] == "closed" and closed["closed_reason"] == "作为依据的失信行为记录已撤销"
    assert closed["history"][-1]["action"] == "closed"
    assert [ch for _, ch in _messages("push.case.closed")] == [["huaian-trading"]]
    assert "procurement-major-violation" not in _measures(client, subject["code"], "procurement_bidding", unit)


def test_repair_granted_closes_unless_the_measure_survives_repair(client: Any, monkeypatch: Any) -> None:
    from xinyong.measures import cases
    from xinyong.measures.catalog import measure_set

    subject = _penalised(client, 7405)
    unit, unit_id = _key("implementing_unit", department=UNIT)
    body = {"code": subject["code"], "measure": "procurement-major-violation", "matter": "procurement_bidding",
            "unit_id": unit_id, "respond_within_workdays": 5}
    first = client.post("/api/v1/punishment-cases", json=body, headers=unit).json()
    repair = RepairGranted(subject_key="k", subject=None, application="R1", part_id=1, target_kind="record",
                           target_id=subject["record_id"], target_code="x", target_label="x", department="淮安市市场监督管理局",
                           decision_number="淮市监修〔2026〕1号", outcome="mark", outcome_name="标注修复",
                           decided_on="2026-11-25", decided_by="测试")

    # a measure whose rule says it outlives repair stays, with its basis shown
    real = measure_set()
    major, ban = real.get("procurement-major-violation"), real.get("procurement-ban")
    assert major is not None and ban is not None and ban.survives_repair and not major.survives_repair
    surviving = dataclasses.replace(major, survives_repair=True, survives_repair_basis=ban.survives_repair_basis)

    class _Set:
        def get(self, code: str) -> Any:
            return surviving if code == surviving.code else real.get(code)

    monkeypatch.setattr(cases, "measure_set", lambda: _Set())
    with unit_of_work() as s:
        publish(s, repair)
    kept = client.get(f"/api/v1/punishment-cases/{first['id']}", headers=unit).json()
    assert kept["status"] == "initiated"
    assert kept["history"][-1]["action"] == "kept_after_repair"
    assert "第七十七条第一款" in kept["history"][-1]["detail"]["basis"]
    assert "第七十七条第一款" in kept["survives_repair"]

    monkeypatch.setattr(cases, "measure_set", measure_set)
    with unit_of_work() as s:
        publish(s, repair)
    closed = client.get(f"/api/v1/punishment-cases/{first['id']}", headers=unit).json()
    assert closed["status"] == "closed" and closed["closed_reason"] == "作为依据的失信行为记录已完成信用修复"
    assert closed["history"][-1]["detail"]["repair_decision"] == "淮市监修〔2026〕1号"
