"""Joint punishment cases: initiate → respond → feedback, guardrails, overdue, statistics, 典型案例."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.factories import department_headers, record_json, uscc
from tests.integration.measures.units import register_last

UNIT = "淮安市公共资源交易中心"


def _abnormal(client: Any, api_key: Any) -> str:
    """An organisation in the 经营异常名录 (企业信息公示暂行条例 第十八条)."""
    body = record_json(subject_code=uscc(random.Random(808)), subject_name="异常名录示例有限公司",
                       catalog_item="abnormal-operation", document_type="administrative_decision",
                       document_number="淮市监异〔2025〕12号", summary="未按期公示年度报告，列入经营异常名录")
    r = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert r.status_code == 201, r.text
    return str(body["subject_code"])


def test_case_lifecycle_with_guardrails(client: Any, api_key: Any) -> None:
    code = _abnormal(client, api_key)
    office = api_key("credit_office", department="淮安市信用办")
    unit = api_key("implementing_unit", department=UNIT)
    register_last()
    other_unit = api_key("implementing_unit", department="其他单位")
    opened = client.post("/api/v1/punishment-cases", json={
        "code": code, "measure": "enterprise-publicity-restrictions", "matter": "procurement_bidding",
        "unit": UNIT, "respond_within_workdays": 5}, headers=office)
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["status"] == "initiated" and case["obligation"] is True
    assert "企业信息公示暂行条例》第十八条" in case["basis"] and case["overdue"] is False
    cid = case["id"]
    # not a measure this subject triggers / outside the list / third category
    for measure, error in [("procurement-ban", "measure_not_triggered"), ("made-up", "measure_not_in_list")]:
        r = client.post("/api/v1/punishment-cases", json={
            "code": code, "measure": measure, "matter": "procurement_bidding", "unit": UNIT,
            "respond_within_workdays": 5}, headers=office)
        assert r.status_code == 422 and r.json()["error"]["code"] == error
    # only the unit it was pushed to responds
    assert client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": True},
                       headers=other_unit).status_code == 403
    no_reason = client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": False}, headers=unit)
    assert no_reason.status_code == 422 and "理由" in no_reason.json()["error"]["message"]
    assert client.post(f"/api/v1/punishment-cases/{cid}/feedback", json={"result": "x"},
                       headers=unit).status_code == 409
    ok = client.post(f"/api/v1/punishment-cases/{cid}/response",
                     json={"applied": True, "applied_until": "2030-01-01"}, headers=unit)
    assert ok.status_code == 200, ok.text  # the record is active with no end: no aggravation possible
    assert ok.json()["status"] == "responded" and ok.json()["applied"] is True
    again = client.post(f"/api/v1/punishment-cases/{cid}/response", json={"applied": True}, headers=unit)
    assert again.status_code == 409
    fb = client.post(f"/api/v1/punishment-cases/{cid}/feedback",
                     json={"result": "已拒绝其参加本次政府采购活动"}, headers=unit)
    assert fb.status_code == 200 and fb.json()["status"] == "feedback"
    assert client.post(f"/api/v1/punishment-cases/{cid}/typical", json={"typical": True},
                       headers=unit).status_code == 403
    typ = client.post(f"/api/v1/punishment-cases/{cid}/typical", json={"typical": True, "note": "年度典型"},
                      headers=office)
    assert typ.status_code == 200 and typ.json()["typical"] is True
    detail = client.get(f"/api/v1/punishment-cases/{cid}", headers=unit).json()
    assert [h["action"] for h in detail["history"]] == ["initiated", "responded", "feedback", "typical"]
    stats = client.get("/api/v1/punishment-cases/statistics", params={"by": "measure"}, headers=office).json()
    assert stats["rows"] == [{"key": "enterprise-publicity-restrictions", "total": 1, "initiated": 0,
                              "responded": 0, "feedback": 1, "applied": 1, "not_applied": 0, "overdue": 0,
                              "typical": 1}]
    assert client.get(f"/api/v1/punishment-cases/{cid}", headers=other_unit).status_code == 403


def test_aggravation_refused_at_response_and_overdue_tracked(client: Any, api_key: Any, test_clock: Any) -> None:
    body = record_json(subject_code=uscc(random.Random(909)), subject_name="重罚示例有限公司", severity="serious")
    assert client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"])).status_code == 201
    unit = api_key("implementing_unit", department=UNIT)
    register_last()
    r = client.post("/api/v1/punishment-cases", json={
        "code": body["subject_code"], "measure": "procurement-major-violation", "matter": "procurement_bidding",
        "respond_within_workdays": 3}, headers=unit)  # a unit opens a case for itself
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["unit"] == UNIT and case["measure_end"] == "2028-03-10"
    longer = client.post(f"/api/v1/punishment-cases/{case['id']}/response",
                         json={"applied": True, "applied_until": "2029-01-01"}, headers=unit)
    assert longer.status_code == 422 and longer.json()["error"]["code"] == "aggravation_refused"
    # three days after the deadline the case has not been answered: overdue
    later = dt.date.fromisoformat(case["due_date"]) + dt.timedelta(days=3)
    test_clock.set_today(later)
    listed = client.get("/api/v1/punishment-cases", params={"overdue": True}, headers=unit).json()["cases"]
    assert [c["id"] for c in listed] == [case["id"]] and listed[0]["overdue_workdays"] >= 1
    by_unit = client.get("/api/v1/punishment-cases/statistics", params={"by": "unit"}, headers=unit).json()
    assert by_unit["rows"][0]["key"] == UNIT and by_unit["rows"][0]["overdue"] == 1
    late = client.post(f"/api/v1/punishment-cases/{case['id']}/response",
                       json={"applied": False, "reason": "该项目不属于政府采购"}, headers=unit)
    assert late.status_code == 200 and late.json()["overdue"] is True


def test_third_category_measure_cannot_be_forced(client: Any, api_key: Any) -> None:
    from xinyong.core.db import unit_of_work
    from xinyong.measures.screening import screen_keys

    body = record_json(subject_code=uscc(random.Random(111)), subject_name="示例", severity="serious")
    assert client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"])).status_code == 201
    r = client.post("/api/v1/measures/check", json={
        "code": body["subject_code"], "measure": "court-debtor-financing", "matter": "financing_credit"},
        headers=api_key("implementing_unit"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_forced_punishment"
    with unit_of_work() as s:
        assert screen_keys(s, [], on=dt.date(2026, 1, 1), matter=None, region=None) == {}
