"""The registry of implementing units (实施单位名录): registered by the platform or the credit office of
the territory, picked from by the initiator (free text refused with the reason); response and feedback
deadlines in working days with their basis; overdue cases listed for the credit office; the figures
rolled up by region for the office above."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, uscc
from tests.integration.measures.units import authority_uscc, register_last
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry, Principal

OFFICE_CITY = "淮安市发展和改革委员会"


def _latest_principal() -> int:
    with unit_of_work() as s:
        pid = s.scalars(select(Principal.id).order_by(Principal.id.desc())).first()
    assert pid is not None
    return int(pid)


def _denials(action: str, principal_id: int) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        rows = list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.principal_id == principal_id,
            AccessLogEntry.allowed.is_(False))))
        s.expunge_all()
        return rows


def _penalised(client: Any, seed: int, region: str = "320812") -> str:
    body = record_json(subject_code=uscc(random.Random(seed), region=region), subject_name=f"名录示例有限公司{seed}",
                       severity="serious")
    r = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert r.status_code == 201, r.text
    return str(body["subject_code"])


def test_registry_is_kept_by_the_territory_and_free_text_is_refused(client: Any) -> None:
    admin = {"X-API-Key": make_api_key("admin")}
    office = {"X-API-Key": make_api_key("credit_office", department=OFFICE_CITY)}
    office_id = _latest_principal()
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    unit_id = _latest_principal()
    make_api_key("implementing_unit", department="北京市朝阳区某局", region="110105")
    far_id = _latest_principal()

    body = {"authority_uscc": authority_uscc(unit_id), "region_code": "320812", "fields": ["finance"]}
    done = client.put(f"/api/v1/units/{unit_id}", json=body, headers=office)
    assert done.status_code == 200, done.text
    got = done.json()
    assert got["name"] == "淮安市公共资源交易中心" and got["region_name"] and got["field_names"] == "财政"
    # the city's credit office may not register a unit in Beijing: 403, logged
    far = client.put(f"/api/v1/units/{far_id}", json={"authority_uscc": authority_uscc(far_id)}, headers=office)
    assert far.status_code == 403, far.text
    assert _denials("measures.unit_manage", office_id)
    assert client.put(f"/api/v1/units/{far_id}", json={"authority_uscc": authority_uscc(far_id)},
                      headers=admin).status_code == 200
    # an implementing unit may not register units: 403 (role), logged
    assert client.put(f"/api/v1/units/{unit_id}", json=body, headers=unit).status_code == 403
    assert _denials("measures.unit_manage", unit_id)
    # bad input: Chinese reasons, nothing written
    bad_code = client.put(f"/api/v1/units/{unit_id}", json={**body, "authority_uscc": "ABC"}, headers=admin)
    assert bad_code.status_code == 422 and "统一社会信用代码无效" in bad_code.json()["error"]["message"]
    bad_key = client.put(f"/api/v1/units/{unit_id}", json={**body, "public_key": "not-a-key"}, headers=admin)
    assert bad_key.status_code == 422 and "X25519" in bad_key.json()["error"]["message"]
    bad_field = client.put(f"/api/v1/units/{unit_id}", json={**body, "fields": ["nonsense"]}, headers=admin)
    assert bad_field.status_code == 422 and "职能领域无效" in bad_field.json()["error"]["message"]
    not_unit = client.put(f"/api/v1/units/{office_id}", json=body, headers=admin)
    assert not_unit.status_code == 422 and "不是在用的实施单位账户" in not_unit.json()["error"]["message"]

    listed = client.get("/api/v1/units", params={"region": "320800"}, headers=unit).json()["units"]
    assert [u["unit_id"] for u in listed] == [unit_id]

    code = _penalised(client, 9101)
    case = {"code": code, "measure": "procurement-major-violation", "matter": "procurement_bidding"}
    free = client.post("/api/v1/punishment-cases", json={**case, "unit": "某某单位"}, headers=office)
    assert free.status_code == 422
    assert free.json()["error"]["message"].startswith("“某某单位”不是实施单位名录中登记的单位")
    picked = client.post("/api/v1/punishment-cases", json={**case, "unit_id": unit_id}, headers=office)
    assert picked.status_code == 201, picked.text
    opened = picked.json()
    assert opened["unit_region"] == "320812"  # the region registered for the unit
    # the default response period comes from the data, and the history says where it comes from
    deadlines = client.get("/api/v1/punishment-cases/deadlines", headers=office).json()["stages"]
    response = next(s for s in deadlines if s["stage"] == "response")
    assert response["basis_verified"] is False and "依据待核实" in response["basis"]
    read = client.get(f"/api/v1/punishment-cases/{opened['id']}", headers=office).json()
    assert read["history"][0]["detail"]["workdays"] == response["default_workdays"]
    assert "依据待核实" in read["history"][0]["detail"]["period_basis"]
    too_long = client.post("/api/v1/punishment-cases", json={**case, "unit_id": unit_id,
                                                             "respond_within_workdays": 999}, headers=office)
    assert too_long.status_code == 422 and "响应时限须为" in too_long.json()["error"]["message"]


def _unit(region: str, name: str) -> tuple[dict[str, str], int]:
    headers = {"X-API-Key": make_api_key("implementing_unit", department=name, region=region)}
    return headers, register_last(region=region)


def test_overdue_listed_for_the_credit_office_and_figures_rolled_up_by_region(client: Any, test_clock: Any) -> None:
    test_clock.set_today(dt.date(2026, 11, 25))
    province = {"X-API-Key": make_api_key("credit_office", department="江苏省发展和改革委员会", region="320000")}
    city = {"X-API-Key": make_api_key("credit_office", department=OFFICE_CITY, region="320800")}
    city_id = _latest_principal()
    _, qjp_id = _unit("320812", "清江浦区某局")
    haq, haq_id = _unit("320803", "淮安区某局")
    _, nj_id = _unit("320102", "南京市玄武区某局")
    code = _penalised(client, 9202)
    case = {"code": code, "measure": "procurement-major-violation", "matter": "procurement_bidding",
            "respond_within_workdays": 2}
    ids = {}
    for name, uid in (("qjp", qjp_id), ("haq", haq_id), ("nj", nj_id), ("qjp2", qjp_id)):
        r = client.post("/api/v1/punishment-cases", json={**case, "unit_id": uid}, headers=province)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    # 淮安区 responds in time: its feedback is now due in working days
    answered = client.post(f"/api/v1/punishment-cases/{ids['haq']}/response", json={"applied": True}, headers=haq)
    assert answered.status_code == 200, answered.text
    feedback_due = dt.date.fromisoformat(answered.json()["feedback_due"])
    assert feedback_due > dt.date(2026, 12, 10)

    test_clock.set_today(dt.date(2026, 12, 4))  # the response deadline (2 working days) has passed
    overdue = client.get("/api/v1/punishment-cases/overdue", headers=city).json()["cases"]
    # the subject is in 淮安: the city's office sees every overdue case about it, 南京's unit included
    assert {c["id"] for c in overdue} == {ids["qjp"], ids["qjp2"], ids["nj"]}
    assert {c["overdue_stage_name"] for c in overdue} == {"逾期未响应"} and all(c["late_workdays"] > 0 for c in overdue)
    in_district = client.get("/api/v1/punishment-cases/overdue", params={"region": "320812"}, headers=city).json()
    assert {c["id"] for c in in_district["cases"]} == {ids["qjp"], ids["qjp2"], ids["nj"]}  # subject in 清江浦区
    beijing = {"X-API-Key": make_api_key("credit_office", department="北京市发展和改革委员会", region="110000")}
    assert client.get("/api/v1/punishment-cases/overdue", headers=beijing).json()["cases"] == []

    test_clock.set_today(feedback_due + dt.timedelta(days=3))
    late_feedback = client.get("/api/v1/punishment-cases/overdue", headers=city).json()["cases"]
    assert {(c["id"], c["overdue_stage"]) for c in late_feedback} >= {(ids["haq"], "feedback")}
    assert client.get(f"/api/v1/punishment-cases/{ids['haq']}", headers=city).json()["feedback_overdue"] is True

    up = client.get("/api/v1/punishment-cases/by-region", headers=province).json()
    rows = {r["region_code"]: r for r in up["rows"] if not r.get("territory_total")}
    assert set(rows) == {"320800", "320100"}
    assert rows["320800"]["total"] == 3 and rows["320800"]["response_overdue"] == 2
    assert rows["320800"]["responded"] == 1 and rows["320800"]["feedback_overdue"] == 1
    assert rows["320100"]["total"] == 1 and rows["320100"]["region_name"]
    assert up["rows"][-1]["total"] == 4
    down = client.get("/api/v1/punishment-cases/by-region", headers=city).json()
    assert {r["region_code"]: r["total"] for r in down["rows"] if not r.get("territory_total")} == {
        "320803": 1, "320812": 2}
    # the city may not read the province's figures: 403, logged
    assert client.get("/api/v1/punishment-cases/by-region", params={"region": "320000"}, headers=city).status_code == 403
    assert _denials("measures.case_read", city_id)
