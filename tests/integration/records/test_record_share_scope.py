"""`GET /api/v1/records/{id}`: an implementing unit reads a record only when the record's catalog item is
shared with implementing units (共享范围, 国办发〔2020〕49号 §（三））; a refusal is 403 and logged. Both
databases, through the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

SAMR = "淮安市市场监督管理局"


def _record(client: Any, **overrides: Any) -> int:
    r = client.post("/api/v1/records", json=record_json(**overrides), headers=department_headers(SAMR))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _reads(allowed: bool) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == "record.read", AccessLogEntry.allowed.is_(allowed))))


def test_implementing_unit_reads_a_record_shared_with_implementing_units(client: Any) -> None:
    record_id = _record(client)  # admin-penalty: shared with implementing units
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    r = client.get(f"/api/v1/records/{record_id}", headers=unit)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == record_id and r.json()["catalog_item"] == "admin-penalty"
    [entry] = _reads(True)
    assert entry.role == "implementing_unit" and entry.result_count == 1 and entry.purpose == "administration"
    assert entry.detail.get("record_id") == record_id
    assert _reads(False) == []


def test_implementing_unit_is_refused_a_record_not_shared_with_it_and_the_refusal_is_logged(client: Any) -> None:
    # admin-inspection (行政监督检查信息) is shared with government bodies and the national platform only
    record_id = _record(client, catalog_item="admin-inspection", document_type="administrative_decision",
                        document_number="淮市监检〔2025〕7号")
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市公共资源交易中心")}
    r = client.get(f"/api/v1/records/{record_id}", headers=unit)
    assert r.status_code == 403, r.text
    assert "共享范围" in r.json()["error"]["message"] and "实施单位" in r.json()["error"]["message"]
    assert "document_number" not in r.text
    [denied] = _reads(False)
    assert denied.role == "implementing_unit" and denied.detail.get("record_id") == record_id
    assert denied.reason and "共享范围" in denied.reason
    assert _reads(True) == []
    # a government body still reads it (share scope government)
    dept = department_headers(SAMR)
    assert client.get(f"/api/v1/records/{record_id}", headers=dept).status_code == 200


def test_a_subject_reads_its_records_through_the_self_api_not_this_route(client: Any) -> None:
    record_id = _record(client)
    from xinyong.core.crypto import subject_key

    key = subject_key(record_json()["subject_code"])
    own = {"X-API-Key": make_api_key("subject", subject_key=key)}
    r = client.get(f"/api/v1/records/{record_id}", headers=own)
    assert r.status_code == 403
    [denied] = _reads(False)
    assert denied.role == "subject"
