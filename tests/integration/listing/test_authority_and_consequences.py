"""Who may propose, act on and read a case (国办发〔2020〕49号 §（七）（八）（十三）; 淮政办发〔2021〕13号
§三(一) 谁认定、谁负责), and what a withdrawn record does to the cases resting on it (49号 §（二））."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import department_headers, record_input
from tests.integration.listing.helpers import DEPT, REGION, listed_case, make_subject, officer
from xinyong.core.db import unit_of_work
from xinyong.core.events import publish, subscribe
from xinyong.core.models import AccessLogEntry
from xinyong.records import service as records
from xinyong.records.events import RecordWithdrawn

MT = "migrant-wage-arrears"
SAMR = "淮安市市场监督管理局"


def _denied(action: str, department: str | None) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.allowed.is_(False),
            AccessLogEntry.department == department)))


def _propose(client: Any, headers: dict[str, str], code: str, list_type: str, record_ids: list[int]) -> Any:
    return client.post("/api/v1/listing/cases", headers=headers, json={
        "subject_code": code, "list_type_id": list_type, "record_ids": record_ids, "reason": "依法拟列入",
        "on": "2026-09-01"})


def test_department_outside_the_competent_field_is_refused_and_logged(client) -> None:
    setup = make_subject(201, issuing_authority=SAMR)
    r = _propose(client, department_headers(SAMR), setup.code, MT, [setup.record_id])
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "listing.not_competent"
    assert "人力资源社会保障" in r.json()["error"]["message"]
    assert any("谁认定、谁负责" in (e.reason or "") for e in _denied("listing.propose", SAMR))


def test_department_without_region_is_refused_and_logged(client, api_key) -> None:
    setup = make_subject(202)
    dept = "无区划人力资源和社会保障局"
    r = _propose(client, api_key("determining_department", department=dept, region="none"), setup.code, MT,
                 [setup.record_id])
    assert r.status_code == 403 and r.json()["error"]["code"] == "listing.authority_too_low"
    assert any("行政区划代码" in (e.reason or "") for e in _denied("listing.propose", dept))


@pytest.fixture
def samr_list(monkeypatch: pytest.MonkeyPatch) -> str:
    """samr-serious-illegal ships incomplete (no period, no removal conditions in the reference), so a
    usable stand-in with its competent field is put in its place for these tests only."""
    from xinyong.listing import loader
    from xinyong.listing.rules import ListTypeSet

    real = loader.list_types()
    stand_in = dataclasses.replace(real.get(MT), id="samr-test", name="测试市场监管名单",
                                   competent_fields=("market_regulation",))
    monkeypatch.setattr("xinyong.listing.loader.list_types",
                        lambda: ListTypeSet((*real.types, stand_in), real.incomplete))
    return stand_in.id


def test_own_record_accepted_and_another_departments_penalty_refused(client, samr_list) -> None:
    headers = department_headers(SAMR)
    own = make_subject(203, issuing_authority=SAMR)
    r = _propose(client, headers, own.code, samr_list, [own.record_id])
    assert r.status_code == 201, r.text
    assert r.json()["department"] == SAMR and r.json()["region_code"] == REGION
    other = make_subject(204, issuing_authority="淮安市生态环境局")
    r = _propose(client, headers, other.code, samr_list, [other.record_id])
    assert r.status_code == 403 and r.json()["error"]["code"] == "listing.record_not_own"
    assert "淮安市生态环境局" in r.json()["error"]["message"]
    assert any("淮安市生态环境局" in (e.reason or "") for e in _denied("listing.propose", SAMR))


def test_effective_judgment_is_a_basis_for_any_department(client, samr_list) -> None:
    judged = make_subject(205, issuing_authority="淮安市中级人民法院", document_type="judicial_judgment",
                          document_number="（2025）苏08民终101号")
    r = _propose(client, department_headers(SAMR), judged.code, samr_list, [judged.record_id])
    assert r.status_code == 201, r.text


def test_county_below_a_prefecture_minimum_is_refused_and_logged(client, monkeypatch) -> None:
    from xinyong.listing import loader
    from xinyong.listing.rules import AuthorityLevel, ListTypeSet

    real = loader.list_types()
    stricter = tuple(dataclasses.replace(t, min_authority_level=AuthorityLevel.prefecture) for t in real.types)
    monkeypatch.setattr("xinyong.listing.loader.list_types", lambda: ListTypeSet(stricter, real.incomplete))
    county = "淮安市清江浦区人力资源和社会保障局"
    setup = make_subject(206, issuing_authority=county)
    r = _propose(client, department_headers(county, region="320812"), setup.code, MT, [setup.record_id])
    assert r.status_code == 403 and r.json()["error"]["code"] == "listing.authority_too_low"
    assert any("设区的市级" in (e.reason or "") for e in _denied("listing.propose", county))


def test_other_department_cannot_read_or_act_and_every_refusal_is_logged(client, api_key) -> None:
    case_id, _ = listed_case(207)
    owner = department_headers(DEPT)
    case = client.get(f"/api/v1/listing/cases/{case_id}", headers=owner).json()
    decision = next(d for d in case["documents"] if d["kind"] == "decision")
    other = department_headers(SAMR)
    for url in (f"/api/v1/listing/cases/{case_id}", f"/api/v1/listing/cases/{case_id}/history",
                f"/api/v1/listing/documents/{decision['id']}/pdf", f"/api/v1/listing/documents/{decision['id']}"):
        r = client.get(url, headers=other)
        assert r.status_code == 403, url
    assert len(_denied("listing.read", SAMR)) >= 2 and len(_denied("listing.document", SAMR)) >= 2
    # a refused transition: before, _own raised inside the request's transaction and the entry was lost
    r = client.post(f"/api/v1/listing/cases/{case_id}/removal", headers=other, json={
        "version": case["version"], "reason": "conditions_met", "explanation": "x"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "listing.not_your_case"
    assert [e.detail.get("case_id") for e in _denied("listing.remove", SAMR)] == [case_id]
    # lists show only the department's own cases; a credit office those of its territory
    assert client.get("/api/v1/listing/cases", headers=other).json()["cases"] == []
    assert case_id in [c["id"] for c in client.get("/api/v1/listing/cases", headers=owner).json()["cases"]]
    office = api_key("credit_office", department="淮安市信用办", region="320800")
    assert client.get(f"/api/v1/listing/cases/{case_id}", headers=office).status_code == 200
    far = api_key("credit_office", department="南京市信用办", region="320100")
    assert client.get(f"/api/v1/listing/cases/{case_id}", headers=far).status_code == 403
    assert case_id not in [c["id"] for c in client.get("/api/v1/listing/cases", headers=far).json()["cases"]]
    assert _denied("listing.read", "南京市信用办")


def _withdraw(record_id: int, subject_key: str) -> None:
    with unit_of_work() as s:
        records.set_status(s, record_id, "revoked", "异议成立，记录撤销")
        publish(s, RecordWithdrawn(subject_key=subject_key, record_id=record_id, catalog_item="admin-penalty",
                                   kind="revoked", reason="异议成立，记录撤销", department=DEPT))


def test_withdrawn_sole_record_ends_the_listing(client) -> None:
    seen: list[dict[str, Any]] = []
    subscribe("listing.ended", lambda s, t, p: seen.append(p))
    case_id, setup = listed_case(208)
    _withdraw(setup.record_id, setup.subject_key)
    case = client.get(f"/api/v1/listing/cases/{case_id}", headers=department_headers(DEPT)).json()
    assert case["state"] == "removed" and case["removal_reason"] == "basis_withdrawn"
    assert case["history"][-1]["action"] == "remove" and case["history_intact"] is True
    ended = [p for p in seen if p["case_id"] == case_id]
    assert {p["reason"] for p in ended} == {"basis_withdrawn"} and len(ended) == len({p["listing_id"] for p in ended})
    assert {"kind", "region_code", "department", "role", "start", "end", "list_type"} <= set(ended[0])


def test_withdrawn_record_of_a_case_not_yet_listed_withdraws_it(client) -> None:
    from xinyong.listing import service

    setup = make_subject(209)
    with unit_of_work() as s:
        case_id = service.propose(s, officer(), subject_code=setup.code, list_type_id=MT,
                                  record_ids=[setup.record_id], reason="拖欠农民工工资", on=dt.date(2026, 9, 1)).id
    _withdraw(setup.record_id, setup.subject_key)
    case = client.get(f"/api/v1/listing/cases/{case_id}", headers=department_headers(DEPT)).json()
    assert case["state"] == "withdrawn" and case["history"][-1]["data"]["reason"] == "basis_withdrawn"


def test_withdrawing_one_of_two_records_opens_a_review_task(client) -> None:
    from xinyong.listing import service

    setup = make_subject(210)
    with unit_of_work() as s:
        second = records.ingest(s, record_input(subject_code=setup.code, subject_name="淮安示例建筑劳务有限公司210",
                                                issuing_authority=DEPT, document_number="淮人社罚〔2025〕9号",
                                                summary="再次拖欠农民工工资")).record.id
        case_id = service.propose(s, officer(), subject_code=setup.code, list_type_id=MT,
                                  record_ids=[setup.record_id, second], reason="拖欠农民工工资",
                                  on=dt.date(2026, 9, 1)).id
    _withdraw(setup.record_id, setup.subject_key)
    owner = department_headers(DEPT)
    case = client.get(f"/api/v1/listing/cases/{case_id}", headers=owner).json()
    assert case["state"] == "proposed"
    [task] = case["review_tasks"]
    # 10 working days from Wednesday 2026-11-25 (the suite's clock): platform default, not a legal period
    assert task["record_id"] == setup.record_id and task["due_on"] == "2026-12-09" and task["done_on"] is None
    rows = client.get("/api/v1/listing/deadlines", headers=owner).json()
    assert [r["review_task_id"] for r in rows["due"] if r["kind"] == "review"] == [task["id"]]
    assert client.get("/api/v1/listing/deadlines", headers=department_headers(SAMR)).json()["due"] == []
    r = client.post(f"/api/v1/listing/review-tasks/{task['id']}/done", headers=department_headers(SAMR),
                    json={"note": "x"})
    assert r.status_code == 403 and _denied("listing.review", SAMR)
    r = client.post(f"/api/v1/listing/review-tasks/{task['id']}/done", headers=owner,
                    json={"note": "经复核，其余记录仍足以认定"})
    assert r.status_code == 200 and r.json()["done_on"] == "2026-11-25"
    rows = client.get("/api/v1/listing/deadlines", headers=owner).json()
    assert not [r for r in rows["due"] + rows["overdue"] if r["kind"] == "review"]
