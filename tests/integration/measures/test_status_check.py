"""measures_0003: the database refuses a punishment case status outside CaseStatus (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from typing import Any

from tests.factories import department_headers, record_json, uscc
from tests.integration.measures.units import register_last
from tests.integration.records.vocabulary import assert_vocabulary
from xinyong.measures.models import PunishmentCase
from xinyong.measures.rules import CaseStatus

UNIT = "淮安市公共资源交易中心"


def test_case_status_is_checked_by_the_database(client: Any, api_key: Any) -> None:
    body = record_json(subject_code=uscc(random.Random(809)), subject_name="异常名录示例有限公司",
                       catalog_item="abnormal-operation", document_type="administrative_decision",
                       document_number="淮市监异〔2025〕13号", summary="未按期公示年度报告，列入经营异常名录")
    r = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert r.status_code == 201, r.text
    api_key("implementing_unit", department=UNIT)
    register_last()
    opened = client.post("/api/v1/punishment-cases", json={
        "code": body["subject_code"], "measure": "enterprise-publicity-restrictions", "matter": "procurement_bidding",
        "unit": UNIT, "respond_within_workdays": 5}, headers=api_key("credit_office", department="淮安市信用办"))
    assert opened.status_code == 201, opened.text
    assert_vocabulary(PunishmentCase, opened.json()["id"], "status", CaseStatus, "ck_punishment_cases_status")
