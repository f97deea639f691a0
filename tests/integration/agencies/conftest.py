"""Fixtures of the agency tests: a company with a record, the credit office of 淮安市, an agency."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import uscc
from xinyong.core.db import unit_of_work
from xinyong.subjects import service as subjects

COMPANY = "淮安市示例商贸有限公司"


@dataclass
class Agencies:
    client: Any
    code: str
    key: str
    subject: dict[str, str]
    office: dict[str, str]
    other_office: dict[str, str]

    def register(self, *, seed: int = 77, qualified_until: str | None = "2027-12-31", **extra: Any) -> int:
        r = self.client.post("/api/v1/agencies", headers=self.office, json={
            "name": "江苏示例信用管理有限公司", "uscc": uscc(random.Random(seed)), "filing_number": "苏信备2021-001",
            **extra})
        assert r.status_code == 201, r.text
        agency = int(r.json()["id"])
        if qualified_until is not None:
            q = self.client.post(f"/api/v1/agencies/{agency}/qualifications", headers=self.office, json={
                "name": "信用评级业务备案", "certificate_number": "JS-2021-017", "issued_by": "中国人民银行南京分行",
                "valid_from": "2021-01-01", "valid_until": qualified_until})
            assert q.status_code == 201, q.text
        return agency

    def report(self, agency: int, issued_on: str = "2026-11-10", number: str = "XYBG-2026-0001") -> Any:
        return self.client.post("/api/v1/repair/credit-reports", headers=self.subject, json={
            "agency_id": agency, "report_number": number, "issued_on": issued_on, "summary": "信用修复专用信用报告"})

    def request(self, agency: int, **extra: Any) -> Any:
        body = {"agency_id": agency, "kind": "correction", "ground": "error",
                "information": "机构报告载明本企业2025年存在欠税记录", "requested_change": "该欠税已于2025年3月缴清，请更正",
                **extra}
        return self.client.post("/api/v1/agencies/requests", headers=self.subject, json=body)


@pytest.fixture
def world(client: Any, api_key: Callable[..., dict[str, str]]) -> Agencies:
    admin = api_key("admin")
    code = uscc(random.Random(2026))
    r = client.post("/api/v1/subjects", json={"code": code, "name": COMPANY}, headers=admin)
    assert r.status_code == 201, r.text
    with unit_of_work() as s:
        key = subjects.require(s, code).subject_key
    return Agencies(
        client=client, code=code, key=key,
        subject=api_key("subject", subject_key=key, department=None, name=COMPANY),
        office=api_key("credit_office", department="淮安市信用办"),
        other_office=api_key("credit_office", department="南京市信用办", region="320100"),
    )
