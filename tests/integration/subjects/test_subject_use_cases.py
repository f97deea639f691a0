"""Linking persons within territory; whole credit files not for implementing units, a credit office's
reads within its territory."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, resident_id, uscc
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry


def _denied(action: str, role: str) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.role == role, AccessLogEntry.allowed.is_(False))))


def _company(client: Any, seed: int, region: str = "320812") -> str:
    code = uscc(random.Random(seed), region=region)
    r = client.post("/api/v1/subjects", json={"code": code, "name": "淮安市区划示例有限公司"},
                    headers={"X-API-Key": make_api_key("admin")})
    assert r.status_code == 201, r.text
    return code


def _link(client: Any, code: str, headers: dict[str, str], seed: int) -> Any:
    return client.post(f"/api/v1/subjects/{code}/links", headers=headers, json={
        "person_code": resident_id(random.Random(seed)), "person_name": "李明", "role": "legal_representative",
        "start_date": "2021-05-01"})


def test_link_only_within_the_region_of_the_one_who_links(client: Any) -> None:
    huaian = _company(client, 41)  # 清江浦区, within 淮安市
    beijing = _company(client, 42, region="110105")
    samr = department_headers("淮安市市场监督管理局")
    assert _link(client, huaian, samr, 1).status_code == 201
    across = _link(client, beijing, samr, 2)
    assert across.status_code == 403, across.text
    assert "110105" in across.json()["error"]["message"]
    [denied] = _denied("subject.link", "determining_department")
    assert denied.subject_key and "110105" in (denied.reason or "")
    office_nj = {"X-API-Key": make_api_key("credit_office", department="南京市发展和改革委员会", region="320100")}
    assert _link(client, huaian, office_nj, 3).status_code == 403
    assert len(_denied("subject.link", "credit_office")) == 1
    # the platform administrator maintains links anywhere
    assert _link(client, beijing, {"X-API-Key": make_api_key("admin")}, 4).status_code == 201


def test_implementing_unit_reads_no_whole_credit_file(client: Any) -> None:
    body = record_json(subject_code=uscc(random.Random(43)))
    assert client.post("/api/v1/records", json=body,
                       headers=department_headers(body["issuing_authority"])).status_code == 201
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    r = client.get(f"/api/v1/subjects/{body['subject_code']}", headers=unit, params={"purpose": "procurement"})
    assert r.status_code == 403, r.text
    assert len(_denied("credit_file.read", "implementing_unit")) == 1


def test_credit_office_reads_files_in_its_territory_only(client: Any) -> None:
    body = record_json(subject_code=uscc(random.Random(44), region="320812"))
    assert client.post("/api/v1/records", json=body,
                       headers=department_headers(body["issuing_authority"])).status_code == 201
    code = body["subject_code"]
    nanjing = {"X-API-Key": make_api_key("credit_office", department="南京市发展和改革委员会", region="320100")}
    r = client.get(f"/api/v1/subjects/{code}", headers=nanjing, params={"purpose": "supervision"})
    assert r.status_code == 403, r.text
    assert "320812" in r.json()["error"]["message"]
    [denied] = _denied("credit_file.read", "credit_office")
    assert denied.purpose == "supervision" and denied.subject_key
    huaian = {"X-API-Key": make_api_key("credit_office", department="淮安市发展和改革委员会")}
    ok = client.get(f"/api/v1/subjects/{code}", headers=huaian, params={"purpose": "supervision"})
    assert ok.status_code == 200 and [x["document_number"] for x in ok.json()["sections"]["records"]] == [
        body["document_number"]]
    # a determining department reads any file (its determinations concern subjects from anywhere)
    tax_sz = department_headers("国家税务总局深圳市税务局", region="440300")
    assert client.get(f"/api/v1/subjects/{code}", headers=tax_sz).status_code == 200
