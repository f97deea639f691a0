"""The authorisation matrix: for each use case and each kind of actor, the expected decision comes from
one table (:data:`EXPECTED`) and every cell is proven through the API, on both databases.

The actors are chosen for the cases that matter: department A (the owner, 淮安市市场监督管理局) against
department B (淮安市税务局); a credit office of 淮安市 (320800) against one of 南京市 (320100); a
department without a region; implementing units of 淮安市 and of 北京市; subject A (the owner) against
subject B; the admin and the public. A denial is a 401/403 and leaves an allowed=False entry in the
access log in its own transaction (国办发〔2020〕49号 §（十三）).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import make_api_key, record_json, resident_id, uscc
from xinyong.core.access import authenticate
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

A_DEPT = "淮安市市场监督管理局"
B_DEPT = "国家税务总局淮安市税务局"
UNIT = "淮安市公共资源交易中心"

ACTORS = ["admin", "office", "office_nj", "dept_a", "dept_b", "dept_no_region", "unit", "unit_bj",
          "subject_a", "subject_b", "public"]

Y, N = "allow", "deny"

#: use case → actor → expected decision. The one table the whole matrix is read from.
EXPECTED: dict[str, dict[str, str]] = {
    # statistics carry no subject: every credit office and department reads them, nobody else here
    "statistics.read": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=N,
                            unit_bj=N, subject_a=N, subject_b=N, public=N),
    "statistics.rows": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=N,
                            unit_bj=N, subject_a=N, subject_b=N, public=N),
    # the credit file of a credit service agency supervised by 淮安市: the platform and the office of its territory
    "agency.file.read": dict(admin=Y, office=Y, office_nj=N, dept_a=N, dept_b=N, dept_no_region=N, unit=N,
                             unit_bj=N, subject_a=N, subject_b=N, public=N),
    # a record in department A's name: only department A records its own documents
    "record.write_as_a": dict(admin=N, office=N, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                              unit_bj=N, subject_a=N, subject_b=N, public=N),
    "record.read": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=Y, unit_bj=Y,
                        subject_a=N, subject_b=N, public=N),
    # whole credit files: not for implementing units (they get what is shared), a credit office in its territory
    "credit_file.read": dict(admin=Y, office=Y, office_nj=N, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=N,
                             unit_bj=N, subject_a=N, subject_b=N, public=N),
    # a person linked to a company of 清江浦区 (320812): within the region of the one who links
    "subject.link": dict(admin=Y, office=Y, office_nj=N, dept_a=Y, dept_b=Y, dept_no_region=N, unit=N,
                         unit_bj=N, subject_a=N, subject_b=N, public=N),
    # proposing a listing under 市场监督管理严重违法失信名单 on department A's own record: only department A
    # (competent field, county level and above, its own record — 国办发〔2020〕49号 §（七）（八）)
    "listing.propose": dict(admin=N, office=N, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                            unit_bj=N, subject_a=N, subject_b=N, public=N),
    # reading department A's listing case
    "listing.read": dict(admin=Y, office=Y, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                         unit_bj=N, subject_a=N, subject_b=N, public=N),
    # an objection against department A's record: read by the subject, its department, oversight in territory
    "objection.read": dict(admin=Y, office=Y, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                           unit_bj=N, subject_a=Y, subject_b=N, public=N),
    # 谁认定、谁答复: only department A answers
    "objection.answer": dict(admin=N, office=N, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                             unit_bj=N, subject_a=N, subject_b=N, public=N),
    # screening is national: a Beijing unit screens a Huai'an bidder
    "screen.code": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=Y, unit_bj=Y,
                        subject_a=N, subject_b=N, public=N),
    # a subject reaches only its own record
    "self.record": dict(admin=N, office=N, office_nj=N, dept_a=N, dept_b=N, dept_no_region=N, unit=N,
                        unit_bj=N, subject_a=Y, subject_b=Y, public=N),
    # deciding a repair of department A's record: department A only (谁认定、谁修复)
    "repair.decide": dict(admin=N, office=N, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                          unit_bj=N, subject_a=N, subject_b=N, public=N),
    # entering 淮安市's implementing unit in the registry (实施单位名录): the platform, the credit office whose
    # territory holds the unit
    "unit.register": dict(admin=Y, office=Y, office_nj=N, dept_a=N, dept_b=N, dept_no_region=N, unit=N,
                          unit_bj=N, subject_a=N, subject_b=N, public=N),
    # the registry an initiator picks a recipient from: every party to joint punishment
    "unit.list": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=Y, unit_bj=Y,
                      subject_a=N, subject_b=N, public=N),
    # the delivery state of targeted push per receiver: the platform and credit offices
    "push.receivers": dict(admin=Y, office=Y, office_nj=Y, dept_a=N, dept_b=N, dept_no_region=N, unit=N,
                           unit_bj=N, subject_a=N, subject_b=N, public=N),
    # the 双公示 export in the national columns: the platform, credit offices (their territory's rows) and
    # determining departments (their own rows); never implementing units, subjects or the public
    "export.shuanggongshi": dict(admin=Y, office=Y, office_nj=Y, dept_a=Y, dept_b=Y, dept_no_region=Y, unit=N,
                                 unit_bj=N, subject_a=N, subject_b=N, public=N),
    # the receipts of what was reported upward: the platform and credit offices
    "upstream.receipts": dict(admin=Y, office=Y, office_nj=Y, dept_a=N, dept_b=N, dept_no_region=N, unit=N,
                              unit_bj=N, subject_a=N, subject_b=N, public=N),
    # withdrawing department A's record: department A only (run last: it changes the record)
    "record.withdraw": dict(admin=N, office=N, office_nj=N, dept_a=Y, dept_b=N, dept_no_region=N, unit=N,
                            unit_bj=N, subject_a=N, subject_b=N, public=N),
}


@dataclass
class World:
    client: Any
    headers: dict[str, dict[str, str]]
    principal_ids: dict[str, int | None]
    code: str
    subject_key: str
    record_id: int
    other_code: str
    other_record_id: int
    case_id: int
    objection_id: int
    person_seq: int = 0
    repair_part: int | None = None
    agency_id: int | None = None


def _pid(headers: dict[str, str]) -> int | None:
    token = headers.get("X-API-Key")
    if not token:
        return None
    with unit_of_work() as s:
        return authenticate(s, token).id


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


@pytest.fixture
def world(client: Any) -> World:
    rng = random.Random(9009)
    code = uscc(rng, region="320812")
    other_code = uscc(rng, region="320812")
    admin = {"X-API-Key": make_api_key("admin")}
    dept_a = {"X-API-Key": make_api_key("determining_department", department=A_DEPT)}
    record = _ok(client.post("/api/v1/records", headers=dept_a, json=record_json(
        subject_code=code, subject_name="淮安市矩阵示例商贸有限公司", issuing_authority=A_DEPT,
        document_number="淮市监罚〔2026〕901号", severity="serious")), 201)
    other = _ok(client.post("/api/v1/records", headers=dept_a, json=record_json(
        subject_code=other_code, subject_name="淮安市矩阵另一商贸有限公司", issuing_authority=A_DEPT,
        document_number="淮市监罚〔2026〕902号", severity="serious")), 201)
    with unit_of_work() as s:
        from xinyong.subjects import service as subjects

        key = subjects.require(s, code).subject_key
        other_key = subjects.require(s, other_code).subject_key
    headers = {
        "admin": admin,
        "office": {"X-API-Key": make_api_key("credit_office", department="淮安市发展和改革委员会")},
        "office_nj": {"X-API-Key": make_api_key("credit_office", department="南京市发展和改革委员会",
                                                region="320100")},
        "dept_a": dept_a,
        "dept_b": {"X-API-Key": make_api_key("determining_department", department=B_DEPT)},
        "dept_no_region": {"X-API-Key": make_api_key("determining_department", department=A_DEPT,
                                                     name="无区划的市场监管部门", region="none")},
        "unit": {"X-API-Key": make_api_key("implementing_unit", department=UNIT, name=UNIT)},
        "unit_bj": {"X-API-Key": make_api_key("implementing_unit", department="北京市公共资源交易中心",
                                              region="110000")},
        "subject_a": {"X-API-Key": make_api_key("subject", subject_key=key)},
        "subject_b": {"X-API-Key": make_api_key("subject", subject_key=other_key)},
        "public": {},
    }
    case = _ok(client.post("/api/v1/listing/cases", headers=dept_a, json={
        "subject_code": code, "list_type_id": "samr-serious-illegal", "record_ids": [record["id"]],
        "reason": "销售不符合食品安全标准的食品，情节严重"}), 201)
    objection = _ok(client.post("/api/v1/self/objections", headers=headers["subject_a"], data={
        "record_id": str(record["id"]), "reason": "处罚金额记载有误，请予更正"}), 201)
    return World(client=client, headers=headers, principal_ids={a: _pid(h) for a, h in headers.items()},
                 code=code, subject_key=key, record_id=record["id"], other_code=other_code,
                 other_record_id=other["id"], case_id=case["id"],
                 objection_id=objection["id"])


def _call(w: World, use_case: str, actor: str) -> Any:
    c, h = w.client, w.headers[actor]
    if use_case == "record.write_as_a":
        w.person_seq += 1
        return c.post("/api/v1/records", headers=h, json=record_json(
            subject_code=w.code, subject_name="淮安市矩阵示例商贸有限公司", issuing_authority=A_DEPT,
            document_number=f"淮市监罚〔2026〕{950 + w.person_seq}号"))
    if use_case == "record.read":
        return c.get(f"/api/v1/records/{w.record_id}", headers=h)
    if use_case == "credit_file.read":
        return c.get(f"/api/v1/subjects/{w.code}", headers=h, params={"purpose": "administration"})
    if use_case == "subject.link":
        w.person_seq += 1
        person = resident_id(random.Random(500 + w.person_seq), region="320812")
        return c.post(f"/api/v1/subjects/{w.code}/links", headers=h, json={
            "person_code": person, "person_name": "张三", "role": "responsible_person", "start_date": "2024-01-01"})
    if use_case == "listing.propose":
        return c.post("/api/v1/listing/cases", headers=h, json={
            "subject_code": w.other_code, "list_type_id": "samr-serious-illegal",
            "record_ids": [w.other_record_id], "reason": "销售不符合食品安全标准的食品，情节严重"})
    if use_case == "listing.read":
        return c.get(f"/api/v1/listing/cases/{w.case_id}", headers=h)
    if use_case == "statistics.read":
        return c.get("/api/v1/statistics", headers=h)
    if use_case == "statistics.rows":
        return c.get("/api/v1/statistics/rows/records.total", headers=h)
    if use_case == "objection.read":
        return c.get(f"/api/v1/disclosure/objections/{w.objection_id}", headers=h)
    if use_case == "objection.answer":
        return c.post(f"/api/v1/disclosure/objections/{w.objection_id}/answer", headers=h,
                      json={"outcome": "rejected", "answer": "经核实，处罚决定内容无误，维持原记录"})
    if use_case == "screen.code":
        return c.get(f"/api/v1/screen/code/{w.code}", headers=h, params={"matter": "procurement_bidding"})
    if use_case == "self.record":
        return c.get("/api/v1/self/record", headers=h)
    if use_case == "repair.decide":
        if w.repair_part is None:  # subject B applies to repair department A's record about it
            me = w.headers["subject_b"]
            _ok(c.post("/api/v1/repair/commitments", headers=me, json={
                "text": "本企业承诺所提交材料真实有效，依法诚信经营，自愿接受社会监督，违背承诺自愿接受联合惩戒。",
                "signer": "李四"}), 201)
            app = _ok(c.post("/api/v1/repair/applications", headers=me, json={
                "applicant_name": "李四", "statement": "已缴清罚款并整改完毕", "parts": [{
                    "kind": "record", "id": w.other_record_id,
                    "declared": ["act_corrected", "effects_removed", "obligations_performed"]}]}), 201)
            part = app["parts"][0]
            assert part["status"] == "pending", part
            w.repair_part = int(part["id"])
        return c.post(f"/api/v1/repair/parts/{w.repair_part}/decision", headers=h, json={"grant": True})
    if use_case == "unit.register":
        from tests.integration.measures.units import authority_uscc

        unit_id = w.principal_ids["unit"]
        assert unit_id is not None
        return c.put(f"/api/v1/units/{unit_id}", headers=h, json={"authority_uscc": authority_uscc(unit_id)})
    if use_case == "unit.list":
        return c.get("/api/v1/units", headers=h)
    if use_case == "push.receivers":
        return c.get("/api/v1/push/receivers", headers=h)
    if use_case == "export.shuanggongshi":
        return c.get("/api/v1/export/shuanggongshi", headers=h, params={
            "kind": "penalty", "from": "2026-01-01", "to": "2026-12-31", "format": "csv"})
    if use_case == "upstream.receipts":
        return c.get("/api/v1/upstream/receipts", headers=h)
    if use_case == "record.withdraw":
        return c.post(f"/api/v1/records/{w.record_id}/withdrawal", headers=h,
                      json={"kind": "revoked", "reason": "经复核，该记录所载事实有误"})
    if use_case == "agency.file.read":
        if w.agency_id is None:
            w.agency_id = int(_ok(c.post("/api/v1/agencies", headers=w.headers["office"], json={
                "name": "江苏矩阵信用管理有限公司", "uscc": uscc(random.Random(31), region="320812"),
                "filing_number": "苏信备2026-031"}), 201)["id"])
        return c.get(f"/api/v1/agencies/{w.agency_id}/file", headers=h)
    raise AssertionError(use_case)


def _denials(principal_id: int | None) -> int:
    with unit_of_work() as s:
        q = select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.allowed.is_(False))
        q = q.where(AccessLogEntry.principal_id == principal_id) if principal_id is not None else \
            q.where(AccessLogEntry.principal_id.is_(None))
        return int(s.scalar(q) or 0)


def _order(actors: dict[str, str]) -> list[str]:
    """Denials first, then allows (an allowed answer or withdrawal changes the state for the next cell)."""
    return sorted(actors, key=lambda a: (actors[a] == Y, ACTORS.index(a)))


def test_the_table_covers_every_actor() -> None:
    for use_case, row in EXPECTED.items():
        assert sorted(row) == sorted(ACTORS), use_case


@pytest.mark.parametrize("use_case", list(EXPECTED))
def test_matrix(world: World, use_case: str) -> None:
    wrong: list[str] = []
    for actor in _order(EXPECTED[use_case]):
        expected = EXPECTED[use_case][actor]
        before = _denials(world.principal_ids[actor])
        r = _call(world, use_case, actor)
        if expected == Y:
            if not 200 <= r.status_code < 300:
                wrong.append(f"{actor}: expected allow, got {r.status_code} {r.text[:160]}")
        else:
            if r.status_code not in (401, 403):
                wrong.append(f"{actor}: expected deny, got {r.status_code} {r.text[:160]}")
            elif _denials(world.principal_ids[actor]) != before + 1:
                wrong.append(f"{actor}: denied but the denial is not in the access log")
    assert not wrong, f"{use_case}:\n" + "\n".join(wrong)


