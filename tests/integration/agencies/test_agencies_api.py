"""Agencies under supervision through the API: registry with qualifications, suspension refusing reports
in repair, the credit file, correction/deletion requests with deadlines, overdue items, territory."""

from __future__ import annotations

import datetime as dt
import random

from tests.factories import make_api_key, uscc
from tests.integration.agencies.conftest import Agencies
from tests.integration.repair.conftest import set_today
from xinyong.core.db import unit_of_work
from xinyong.subjects import service as subjects


def test_registry_shows_qualifications_and_region(world: Agencies) -> None:
    agency = world.register()
    rows = world.client.get("/api/v1/agencies").json()  # public
    row = next(r for r in rows if r["id"] == agency)
    assert row["region_code"] == "320800" and row["region_name"].startswith("江苏省淮安市")
    assert row["qualified_now"] is True and row["qualifications"][0]["state_name"] == "有效"
    bad = world.client.post(f"/api/v1/agencies/{agency}/qualifications", headers=world.office, json={
        "name": "x", "certificate_number": "1", "issued_by": "y", "valid_from": "2026-01-02", "valid_until": "2026-01-01"})
    assert bad.status_code == 422 and bad.json()["error"]["message"] == "资质有效期截止日期不能早于起始日期"


def test_suspended_agency_report_is_refused_in_repair_with_the_reason(world: Agencies) -> None:
    agency = world.register()
    assert world.report(agency).status_code == 201
    s = world.client.post(f"/api/v1/agencies/{agency}/suspend", headers=world.office, json={"reason": "出具虚假报告"})
    assert s.status_code == 200 and s.json()["status_name"] == "已暂停"
    again = world.client.post(f"/api/v1/agencies/{agency}/suspend", headers=world.office, json={"reason": "再次"})
    assert again.status_code == 409
    refused = world.report(agency, number="XYBG-2026-0002")
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "agency_suspended",
        "message": "信用服务机构“江苏示例信用管理有限公司”已被暂停：出具虚假报告，其出具的信用报告不予采用"}
    # the subject's supporting evidence says why the earlier report no longer counts
    supporting = world.client.get("/api/v1/repair/supporting", headers=world.subject)
    assert supporting.status_code == 200 and "已被暂停" in supporting.json()["credit_reports"][0]["refusal"]
    back = world.client.post(f"/api/v1/agencies/{agency}/reinstate", headers=world.office, json={"reason": "整改完毕"})
    assert back.status_code == 200
    assert world.report(agency, number="XYBG-2026-0003").status_code == 201
    file = world.client.get(f"/api/v1/agencies/{agency}/file", headers=world.office).json()
    assert [h["action_name"] for h in file["status_history"]] == ["恢复", "暂停"]
    assert {r["report_number"] for r in file["credit_reports"]} == {"XYBG-2026-0001", "XYBG-2026-0003"}
    assert all(r["subject_name"] == "淮安市示例商贸有限公司" for r in file["credit_reports"])


def test_report_issued_when_qualification_had_expired_is_refused(world: Agencies) -> None:
    agency = world.register(qualified_until="2026-06-30")
    r = world.report(agency, issued_on="2026-11-10")
    assert r.status_code == 422 and r.json()["error"]["code"] == "agency_not_qualified"
    assert "没有有效资质" in r.json()["error"]["message"]
    assert world.report(agency, issued_on="2026-06-01").status_code == 201


def test_credit_file_keeps_complaints_findings_and_rectification(world: Agencies) -> None:
    agency = world.register()
    c = world.client.post(f"/api/v1/agencies/{agency}/entries", headers=world.office, json={
        "kind": "complaint", "occurred_on": "2026-11-01", "summary": "未经授权采集个人信息", "source": "王某"})
    f = world.client.post(f"/api/v1/agencies/{agency}/entries", headers=world.office, json={
        "kind": "finding", "occurred_on": "2026-11-20", "summary": "核实：超范围采集", "source": "淮安市信用办"})
    assert c.status_code == f.status_code == 201
    o = world.client.post(f"/api/v1/agencies/{agency}/rectifications", headers=world.office, json={
        "requirement": "删除超范围采集的信息并报送整改报告", "deadline": "2026-12-10", "finding_id": f.json()["id"]})
    assert o.status_code == 201 and o.json()["state_name"] == "整改中"
    set_today(dt.date(2026, 12, 11))
    late = world.client.get("/api/v1/agencies/supervision", headers=world.office).json()
    assert [r["id"] for r in late["overdue_rectifications"]] == [o.json()["id"]]
    done = world.client.post(f"/api/v1/agencies/rectifications/{o.json()['id']}/complete", headers=world.office,
                             json={"completed_on": "2026-12-11", "note": "已删除并报送整改报告"})
    assert done.status_code == 200, done.text
    assert done.json()["state_name"] == "已完成"
    file = world.client.get(f"/api/v1/agencies/{agency}/file", headers=world.office).json()
    assert [e["summary"] for e in file["complaints"]] == ["未经授权采集个人信息"]
    assert [e["summary"] for e in file["findings"]] == ["核实：超范围采集"]
    assert world.client.get("/api/v1/agencies/supervision", headers=world.office).json()["overdue_rectifications"] == []


def test_correction_request_deadlines_overdue_answer_and_supervision(world: Agencies) -> None:
    agency = world.register()
    r = world.request(agency)
    assert r.status_code == 201, r.text
    req = r.json()
    # filed on Wednesday 2026-11-25: 10 working days → 2026-12-09, then 10 more → 2026-12-23
    assert (req["answer_deadline"], req["supervision_deadline"]) == ("2026-12-09", "2026-12-23")
    assert req["status_name"] == "待机构答复" and req["kind_name"] == "更正申请"
    assert world.client.get("/api/v1/agencies/supervision", headers=world.office).json()["overdue_requests"] == []
    set_today(dt.date(2026, 12, 10))
    late = world.client.get("/api/v1/agencies/supervision", headers=world.office).json()["overdue_requests"]
    assert [(x["id"], x["overdue_name"]) for x in late] == [(req["id"], "机构逾期未答复")]
    mine = world.client.get("/api/v1/agencies/requests/mine", headers=world.subject).json()
    assert mine[0]["overdue_name"] == "机构逾期未答复"
    # nothing to confirm before the agency answered
    early = world.client.post(f"/api/v1/agencies/requests/{req['id']}/supervise", headers=world.office,
                              json={"outcome": "confirmed", "note": "确认"})
    assert early.status_code == 422
    a = world.client.post(f"/api/v1/agencies/requests/{req['id']}/answer", headers=world.office, json={
        "answer": "corrected", "text": "已更正欠税记录", "answered_on": "2026-12-10"})
    assert a.status_code == 200 and a.json()["status_name"] == "待信用办督办"
    twice = world.client.post(f"/api/v1/agencies/requests/{req['id']}/answer", headers=world.office, json={
        "answer": "corrected", "text": "again", "answered_on": "2026-12-10"})
    assert twice.status_code == 409
    set_today(dt.date(2026, 12, 24))
    late = world.client.get("/api/v1/agencies/supervision", headers=world.office).json()["overdue_requests"]
    assert [x["overdue_name"] for x in late] == ["信用办督办逾期"]
    s = world.client.post(f"/api/v1/agencies/requests/{req['id']}/supervise", headers=world.office, json={
        "outcome": "ordered", "note": "更正不完整，责令补正", "rectification_deadline": "2027-01-08"})
    assert s.status_code == 200 and s.json()["status_name"] == "已办结"
    file = world.client.get(f"/api/v1/agencies/{agency}/file", headers=world.office).json()
    assert file["rectifications"][0]["request_id"] == req["id"]
    assert world.client.get("/api/v1/agencies/supervision", headers=world.office).json()["requests"] == []


def test_bad_request_input_writes_nothing(world: Agencies) -> None:
    agency = world.register()
    r = world.request(agency, information="   ")
    assert r.status_code == 422 and "请填写" in r.json()["error"]["message"]
    assert world.client.get("/api/v1/agencies/requests/mine", headers=world.subject).json() == []


def test_who_may_do_what(world: Agencies) -> None:
    agency = world.register()
    req = world.request(agency).json()
    # a subject reads neither the agency's credit file nor the supervision queue, nor may it answer
    assert world.client.get(f"/api/v1/agencies/{agency}/file", headers=world.subject).status_code == 403
    assert world.client.get("/api/v1/agencies/supervision", headers=world.subject).status_code == 403
    assert world.client.post(f"/api/v1/agencies/{agency}/suspend", headers=world.subject,
                             json={"reason": "x"}).status_code == 403
    # the credit office of another city acts on no agency of 淮安
    other = world.client.post(f"/api/v1/agencies/{agency}/suspend", headers=world.other_office, json={"reason": "x"})
    assert other.status_code == 403 and "320100" in other.json()["error"]["message"]
    assert world.client.get("/api/v1/agencies/supervision", headers=world.other_office).json()["requests"] == []
    assert world.client.post(f"/api/v1/agencies/requests/{req['id']}/answer", headers=world.other_office, json={
        "answer": "deleted", "text": "x", "answered_on": "2026-11-25"}).status_code == 403
    # a subject sees only its own requests
    other_code = uscc(random.Random(9))
    admin = {"X-API-Key": make_api_key("admin")}
    assert world.client.post("/api/v1/subjects", json={"code": other_code, "name": "另一家公司"},
                             headers=admin).status_code == 201
    with unit_of_work() as s:
        other_key = subjects.require(s, other_code).subject_key
    stranger = {"X-API-Key": make_api_key("subject", subject_key=other_key, name="另一家公司")}
    assert world.client.get("/api/v1/agencies/requests/mine", headers=stranger).json() == []
    assert len(world.client.get("/api/v1/agencies/requests/mine", headers=world.subject).json()) == 1
