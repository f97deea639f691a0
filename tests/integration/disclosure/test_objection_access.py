"""谁认定、谁答复 (淮政办发〔2021〕13号 §四(一)) through the API on both databases.

An objection against 淮安市市场监督管理局's record is answered by that department alone: another
department, the credit office and the platform's administrator are refused (403) and each refusal is
registered (allowed=False, 国办发〔2020〕49号 §（十三）). A credit office oversees, read-only, the objections
of subjects in its territory. An upheld objection revokes the record (RecordWithdrawn): its publication
ends and neither the public page nor the share API shows it any more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_input
from tests.integration.disclosure.seed import company
from xinyong.core import clock
from xinyong.core.access import authenticate
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.disclosure.models import Objection, Publication
from xinyong.records import service as records

OWNER = "淮安市市场监督管理局"
OTHER = "国家税务总局淮安市税务局"


def _pid(headers: dict[str, str]) -> int:
    with unit_of_work() as s:
        actor = authenticate(s, headers["X-API-Key"])
        assert actor.id is not None
        return actor.id


def _entries(headers: dict[str, str], action: str) -> list[AccessLogEntry]:
    pid = _pid(headers)
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.principal_id == pid, AccessLogEntry.action == action).order_by(AccessLogEntry.id)))


def _refused_and_logged(r: Any, headers: dict[str, str], action: str) -> None:
    assert r.status_code == 403, r.text
    assert r.json()["error"]["message"]
    entries = _entries(headers, action)
    assert entries and entries[-1].allowed is False and entries[-1].reason, [e.reason for e in entries]


def _object(client: Any, key: str, record_id: int, reason: str = "处罚对象错误，并非本公司所为") -> dict[str, Any]:
    me = {"X-API-Key": make_api_key("subject", subject_key=key)}
    r = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(record_id), "reason": reason},
                    files=[("files", ("证明.txt", "银行流水：已缴清".encode(), "text/plain"))])
    assert r.status_code == 201, r.text
    return dict(r.json())


UPHELD = {"outcome": "upheld", "answer": "经核实主体认定错误，撤销该记录"}


def test_only_the_determining_department_answers_and_upheld_revokes(client: Any, api_key: Any) -> None:
    org = company(seed=61, name="淮安市异议路由示例有限公司")
    rid = org.record_ids["penalty"]
    number = "淮市监罚〔2026〕6101号"
    assert any(r["document_number"] == number
               for r in client.get(f"/api/v1/public/subjects/{org.key}").json()["records"])
    objection = _object(client, org.key, rid)
    oid = objection["id"]
    assert objection["department"] == OWNER
    url = f"/api/v1/disclosure/objections/{oid}/answer"

    # another department, the credit office and the admin: 403, and the refusal registered
    other = department_headers(OTHER)
    _refused_and_logged(client.post(url, headers=other, json=UPHELD), other, "disclosure.objection.answer")
    office = api_key("credit_office", department="淮安市发展和改革委员会")
    _refused_and_logged(client.post(url, headers=office, json=UPHELD), office, "disclosure.objection.answer")
    admin = api_key("admin")
    _refused_and_logged(client.post(url, headers=admin, json=UPHELD), admin, "disclosure.objection.answer")
    # the refused attempts changed nothing
    with unit_of_work() as s:
        row = s.get(Objection, oid)
        assert row is not None and row.status == "open" and row.answer is None

    # oversight: the credit office of 淮安市 reads it (and its file); the one of 南京市 is refused
    seen = client.get(f"/api/v1/disclosure/objections/{oid}", headers=office)
    assert seen.status_code == 200, seen.text
    assert seen.json()["reason"].startswith("处罚对象错误") and seen.json()["can_answer"] is False
    att = seen.json()["attachments"][0]["id"]
    assert client.get(f"/api/v1/disclosure/attachments/{att}", headers=office).status_code == 200
    assert [o["id"] for o in client.get("/api/v1/disclosure/objections", headers=office).json()["objections"]
            if o["id"] == oid] == [oid]
    nanjing = api_key("credit_office", department="南京市发展和改革委员会", region="320100")
    _refused_and_logged(client.get(f"/api/v1/disclosure/objections/{oid}", headers=nanjing), nanjing,
                        "disclosure.objection.read")
    _refused_and_logged(client.get(f"/api/v1/disclosure/attachments/{att}", headers=nanjing), nanjing,
                        "disclosure.objection.read")
    assert all(o["id"] != oid for o in
               client.get("/api/v1/disclosure/objections", headers=nanjing).json()["objections"])
    # the other department neither reads nor lists it
    _refused_and_logged(client.get(f"/api/v1/disclosure/objections/{oid}", headers=other), other,
                        "disclosure.objection.read")
    assert client.get("/api/v1/disclosure/objections", headers=other).json()["objections"] == []

    # the owner answers: upheld
    owner = department_headers(OWNER)
    assert client.get(f"/api/v1/disclosure/objections/{oid}", headers=owner).json()["can_answer"] is True
    done = client.post(url, headers=owner, json=UPHELD)
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "upheld" and done.json()["status"] == "answered"
    allowed = _entries(owner, "disclosure.objection.answer")
    assert allowed[-1].allowed is True and allowed[-1].detail["outcome"] == "upheld"

    # the record is revoked, through records (RecordWithdrawn)
    record = client.get(f"/api/v1/records/{rid}", headers=owner)
    assert record.status_code == 200 and record.json()["status"] == "revoked"
    # no longer public, no longer shared (the office shares in its role's scope, government)
    public = client.get(f"/api/v1/public/subjects/{org.key}").json()
    assert all(r["document_number"] != number for r in public["records"])
    shared = client.get(f"/api/v1/share/subjects/{org.code}", params={"purpose": "supervision"}, headers=office)
    assert shared.status_code == 200, shared.text
    assert all(r["document_number"] != number for r in shared.json()["records"])
    # publication ended with the reason
    with unit_of_work() as s:
        pub = s.get(Publication, rid)
        assert pub is not None and pub.ended_at is not None
        assert pub.detail["ended_because"] == "revoked" and f"异议编号{oid}" in pub.detail["ended_reason"]
    # the subject still sees it, marked 已撤销
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    mine = {r["record_id"]: r for r in client.get("/api/v1/self/record", headers=me).json()["records"]}
    assert mine[rid]["status"] == "revoked" and "已撤销" in mine[rid]["marks"]
    assert mine[rid]["public_now"] is False


def test_annulled_record_ends_publication_and_sharing(client: Any, api_key: Any) -> None:
    org = company(seed=62, name="淮安市文书无效示例有限公司")
    rid = org.record_ids["penalty"]
    number = "淮市监罚〔2026〕6201号"
    unit = api_key("implementing_unit", department="淮安市公共资源交易中心")
    before = client.get(f"/api/v1/share/subjects/{org.code}", params={"purpose": "procurement"}, headers=unit)
    assert before.status_code == 200, before.text
    # without a registered scope, an implementing unit receives its role's scope and no more
    assert before.json()["share_scopes"] == ["implementing_units"]
    assert any(r["document_number"] == number for r in before.json()["records"])
    with unit_of_work() as s:
        records.withdraw_in(s, rid, kind="annulled", reason="行政复议决定撤销该行政处罚决定", by="测试")
    assert all(r["document_number"] != number
               for r in client.get(f"/api/v1/public/subjects/{org.key}").json()["records"])
    after = client.get(f"/api/v1/share/subjects/{org.code}", params={"purpose": "procurement"}, headers=unit)
    assert all(r["document_number"] != number for r in after.json()["records"])
    with unit_of_work() as s:
        pub = s.get(Publication, rid)
        assert pub is not None and pub.ended_at is not None and pub.detail["ended_because"] == "annulled"
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    mine = {r["record_id"]: r for r in client.get("/api/v1/self/record", headers=me).json()["records"]}
    assert mine[rid]["status"] == "annulled" and mine[rid]["marks"][0].startswith("已撤销")
    # a withdrawn record can no longer be contested
    r = client.post("/api/v1/self/objections", headers=me, data={"record_id": str(rid), "reason": "文书已被撤销的记录"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "objection_record_revoked"


def test_objection_goes_to_the_determining_department_not_the_issuing_text(client: Any) -> None:
    org = company(seed=63, name="淮安市认定部门示例有限公司")
    with unit_of_work() as s:
        rid = records.ingest(s, record_input(
            subject_code=org.code, subject_name=org.name, document_number="淮市监罚〔2026〕6309号",
            issuing_authority="淮安市市场监督管理局执法支队", decision_date=clock.today() - dt.timedelta(days=5),
            effective_date=clock.today() - dt.timedelta(days=5)), department=OWNER).record.id
    objection = _object(client, org.key, rid, "罚款金额记载有误，应为五千元")
    assert objection["department"] == OWNER
    # the free-text issuing authority, had it an account, answers nothing
    text_dept = department_headers("淮安市市场监督管理局执法支队")
    _refused_and_logged(client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", headers=text_dept,
                                    json={"outcome": "rejected", "answer": "经核实，金额无误，维持原记录"}),
                        text_dept, "disclosure.objection.answer")
    owner = department_headers(OWNER)
    done = client.post(f"/api/v1/disclosure/objections/{objection['id']}/answer", headers=owner,
                       json={"outcome": "rejected", "answer": "经核实，金额无误，维持原记录"})
    assert done.status_code == 200, done.text
    assert client.get(f"/api/v1/records/{rid}", headers=owner).json()["status"] == "active"
