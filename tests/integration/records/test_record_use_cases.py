"""Recording and withdrawing dishonesty records as the determining department's own acts."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, make_api_key, record_json, uscc
from xinyong.core.db import unit_of_work
from xinyong.core.events import on
from xinyong.core.models import AccessLogEntry
from xinyong.records.events import RecordWithdrawn
from xinyong.records.models import Record

SAMR = "淮安市市场监督管理局"
COURT = "淮安市中级人民法院"


def _denials(action: str, department: str | None = None) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        q = select(AccessLogEntry).where(AccessLogEntry.action == action, AccessLogEntry.allowed.is_(False))
        if department is not None:
            q = q.where(AccessLogEntry.department == department)
        return list(s.scalars(q))


def test_department_records_in_its_own_name(client: Any) -> None:
    dept = department_headers(SAMR)
    body = record_json()
    del body["issuing_authority"]  # omitted: the acting department's own document
    r = client.post("/api/v1/records", json=body, headers=dept)
    assert r.status_code == 201, r.text
    assert r.json()["issuing_authority"] == SAMR and r.json()["department"] == SAMR
    with unit_of_work() as s:
        stored = s.get(Record, r.json()["id"])
        assert stored is not None and stored.department == SAMR and stored.determined_by is not None
        entry = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "record.write",
                                                       AccessLogEntry.allowed.is_(True))).one()
    assert entry.principal_id == stored.determined_by and entry.purpose == "determination"
    # the same document again is the same record (natural key)
    again = client.post("/api/v1/records", json={**body, "issuing_authority": SAMR}, headers=dept)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]


def test_another_authoritys_document_is_refused_and_logged(client: Any) -> None:
    r = client.post("/api/v1/records", headers=department_headers(SAMR), json=record_json(
        catalog_item="judicial-judgment", document_type="judicial_judgment", issuing_authority=COURT,
        document_number="（2025）苏08民终1号"))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "not_own_document"
    assert COURT in r.json()["error"]["message"]
    [denied] = _denials("record.write", SAMR)
    assert COURT in (denied.reason or "") and denied.subject_key
    with unit_of_work() as s:
        assert s.scalars(select(Record)).first() is None


def test_judgment_needs_the_court_field(client: Any) -> None:
    # a department named like a court but registered without the field court
    dept = department_headers(COURT, fields=["market_regulation"])
    body = record_json(catalog_item="admin-penalty", document_type="judicial_judgment", issuing_authority=COURT,
                       document_number="（2025）苏08民终2号")
    r = client.post("/api/v1/records", json=body, headers=dept)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "not_competent" and "人民法院" in r.json()["error"]["message"]
    assert len(_denials("record.write", COURT)) == 1
    # a catalog item reserved to courts is refused too, whatever the document type
    item = client.post("/api/v1/records", headers=department_headers(SAMR), json=record_json(
        catalog_item="judicial-dishonest-debtor", document_type="administrative_decision",
        document_number="淮市监决〔2025〕3号"))
    assert item.status_code == 403 and "失信被执行人" in item.json()["error"]["message"]
    # the court itself records it
    court = client.post("/api/v1/records", json=body, headers=department_headers(COURT))
    assert court.status_code == 201, court.text
    assert court.json()["department"] == COURT


def test_admin_and_others_do_not_record(client: Any) -> None:
    for role in ("admin", "credit_office", "implementing_unit"):
        r = client.post("/api/v1/records", json=record_json(), headers={"X-API-Key": make_api_key(role)})
        assert r.status_code == 403, (role, r.text)
    assert {e.role for e in _denials("record.write")} == {"admin", "credit_office", "implementing_unit"}


_withdrawn: list[RecordWithdrawn] = []


def _collect(_session: Any, event: RecordWithdrawn) -> None:
    _withdrawn.append(event)


def test_withdrawal_by_the_owner_only_and_once(client: Any) -> None:
    on(RecordWithdrawn, _collect)
    _withdrawn.clear()
    owner = department_headers(SAMR)
    rec = client.post("/api/v1/records", json=record_json(subject_code=uscc(random.Random(31))), headers=owner)
    assert rec.status_code == 201, rec.text
    rid = rec.json()["id"]
    body = {"kind": "revoked", "reason": "经复核，处罚决定所载事实有误，予以撤销"}
    other = client.post(f"/api/v1/records/{rid}/withdrawal", json=body,
                        headers=department_headers("国家税务总局淮安市税务局"))
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_owner"
    assert len(_denials("record.withdraw", "国家税务总局淮安市税务局")) == 1
    admin = client.post(f"/api/v1/records/{rid}/withdrawal", json=body, headers={"X-API-Key": make_api_key()})
    assert admin.status_code == 403
    assert _withdrawn == []
    ok = client.post(f"/api/v1/records/{rid}/withdrawal", json=body, headers=owner)
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "revoked"
    [event] = _withdrawn
    assert (event.record_id, event.kind, event.department) == (rid, "revoked", SAMR)
    assert event.reason == body["reason"]
    twice = client.post(f"/api/v1/records/{rid}/withdrawal", json={**body, "kind": "annulled"}, headers=owner)
    assert twice.status_code == 409 and "已撤回" in twice.json()["error"]["message"]
    assert len(_withdrawn) == 1
    with unit_of_work() as s:
        stored = s.get(Record, rid)
        assert stored is not None and stored.status == "revoked"
    missing = client.post("/api/v1/records/999999/withdrawal", json=body, headers=owner)
    assert missing.status_code == 404


def test_annulled_document(client: Any) -> None:
    owner = department_headers(SAMR)
    rid = client.post("/api/v1/records", json=record_json(subject_code=uscc(random.Random(32))),
                      headers=owner).json()["id"]
    r = client.post(f"/api/v1/records/{rid}/withdrawal", headers=owner,
                    json={"kind": "annulled", "reason": "行政复议决定撤销该行政处罚决定"})
    assert r.status_code == 200 and r.json()["status"] == "annulled"
    bad = client.post(f"/api/v1/records/{rid}/withdrawal", headers=owner, json={"kind": "forgotten", "reason": "x"})
    assert bad.status_code == 422


def test_public_views(client: Any) -> None:
    from xinyong.records import public

    owner = department_headers(SAMR)
    code = uscc(random.Random(33))
    rid = client.post("/api/v1/records", json=record_json(subject_code=code), headers=owner).json()["id"]
    with unit_of_work() as s:
        view = public.record_view(s, rid)
        assert view is not None and view.department == SAMR and public.owner_department(view) == SAMR
        assert public.record_views(s, [rid, 424242]) == {rid: view}
        assert public.records_of_subject(s, view.subject_key, only_active=True) == [view]
        assert public.record_view(s, 424242) is None
