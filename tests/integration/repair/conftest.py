"""Fixtures of the repair tests: a demo company with records, its departments and the credit office."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import department_headers, record_json, uscc
from xinyong.core.db import unit_of_work
from xinyong.subjects import service as subjects

SAMR = "淮安市市场监督管理局"
TAX = "国家税务总局淮安市税务局"


@dataclass
class World:
    client: Any
    admin: dict[str, str]
    code: str
    key: str
    subject: dict[str, str]
    samr: dict[str, str]
    tax: dict[str, str]
    office: dict[str, str]

    def record(self, **overrides: Any) -> int:
        body = record_json(subject_code=self.code, subject_name="淮安市示例商贸有限公司", **overrides)
        r = self.client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def commit(self) -> None:
        r = self.client.post("/api/v1/repair/commitments", headers=self.subject, json={
            "text": "本企业承诺所提交材料真实有效，依法诚信经营，自愿接受社会监督，违背承诺自愿接受联合惩戒。",
            "signer": "张伟"})
        assert r.status_code == 201, r.text

    def train(self, hours: float) -> None:
        r = self.client.post("/api/v1/repair/trainings", headers=self.office, json={
            "subject_code": self.code, "provider": "淮安市发展和改革委员会", "course": "信用修复专题培训",
            "hours": hours, "attended_on": "2026-11-02", "attendee": "张伟"})
        assert r.status_code == 201, r.text

    def report(self) -> int:
        a = self.client.post("/api/v1/repair/agencies", headers=self.office, json={
            "name": "江苏示例信用管理有限公司", "uscc": uscc(random.Random(77)), "filing_number": "苏信备2021-001"})
        assert a.status_code == 201, a.text
        r = self.client.post("/api/v1/repair/credit-reports", headers=self.subject, json={
            "agency_id": a.json()["id"], "report_number": "XYBG-2026-0001", "issued_on": "2026-11-10",
            "summary": "信用修复专用信用报告"})
        assert r.status_code == 201, r.text
        return int(a.json()["id"])

    def apply(self, parts: list[dict[str, Any]], **extra: Any) -> Any:
        body = {"applicant_name": "张伟", "statement": "已缴清罚款并整改完毕", "parts": parts, **extra}
        return self.client.post("/api/v1/repair/applications", json=body, headers=self.subject)


ALL_DECLARED = ["act_corrected", "effects_removed", "obligations_performed"]


def part(kind: str, target_id: int, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "id": target_id, "declared": ALL_DECLARED, **extra}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def world(client: Any, api_key: Callable[..., dict[str, str]]) -> World:
    admin = api_key("admin")
    code = uscc(random.Random(2026))
    r = client.post("/api/v1/subjects", json={"code": code, "name": "淮安市示例商贸有限公司"}, headers=admin)
    assert r.status_code == 201, r.text
    with unit_of_work() as s:
        key = subjects.require(s, code).subject_key
    return World(
        client=client, admin=admin, code=code, key=key,
        subject=api_key("subject", subject_key=key, department=None, name="淮安市示例商贸有限公司"),
        samr=api_key("determining_department", department=SAMR),
        tax=api_key("determining_department", department=TAX),
        office=api_key("credit_office", department="淮安市信用办"),
    )


def set_today(day: dt.date) -> None:
    """Move the test's clock (tests/conftest.py installs a SetClock for every test) to ``day``."""
    from xinyong.core import clock

    installed = clock.installed()
    assert isinstance(installed, clock.SetClock)
    installed.set_today(day)
