"""Who may decide, read and oversee a repair, through the API on both databases.

谁认定、谁修复: only the department that determined the record decides its part — another department, the
credit office and the platform's administrator are refused, and every refusal is registered
(国办发〔2020〕49号 §（十三）). A subject reads only its own applications; a credit office oversees only the
subjects of its territory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from tests.integration.repair.conftest import World, part, set_today
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

NANJING_OFFICE = "南京市信用办"


def _refusals(action: str, department: str | None) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.allowed.is_(False),
            AccessLogEntry.department == department)))


def _refused(r: Any, action: str, department: str | None) -> AccessLogEntry:
    assert r.status_code == 403, r.text
    assert r.json()["error"]["message"]
    [entry] = _refusals(action, department)
    assert entry.reason
    return entry


def _pending_part(world: World) -> tuple[int, int]:
    rec = world.record()
    world.commit()
    app = world.apply([part("record", rec)]).json()
    [p] = app["parts"]
    assert p["status"] == "pending", p
    return int(app["id"]), int(p["id"])


def test_only_the_determining_department_decides(world: World, api_key: Callable[..., dict[str, str]]) -> None:
    app_id, part_id = _pending_part(world)
    url = f"/api/v1/repair/parts/{part_id}/decision"

    # another department (the tax bureau did not determine the market-regulation record)
    other = world.client.post(url, headers=world.tax, json={"grant": True})
    entry = _refused(other, "repair.decide", "国家税务总局淮安市税务局")
    assert "谁认定、谁修复" in (entry.reason or "") and entry.subject_key == world.key

    # the platform's administrator is not the determining department
    admin = api_key("admin", department="平台运维中心")
    _refused(world.client.post(url, headers=admin, json={"grant": True}), "repair.decide", "平台运维中心")

    # nor is the credit office
    _refused(world.client.post(url, headers=world.office, json={"grant": True}), "repair.decide", "淮安市信用办")

    # nothing was written by the refused attempts
    still = world.client.get(f"/api/v1/repair/applications/{app_id}", headers=world.subject).json()
    assert still["parts"][0]["status"] == "pending"

    # the owner decides
    ok = world.client.post(url, headers=world.samr, json={"grant": True, "decision_number": "淮市监信修〔2026〕9号"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["parts"][0]["status"] == "granted"
    assert ok.json()["parts"][0]["decided_by"] == "淮安市市场监督管理局"


def test_admin_and_office_have_no_department_queue(world: World) -> None:
    _pending_part(world)
    r = world.client.get("/api/v1/repair/parts", headers=world.office)
    _refused(r, "repair.decide", "淮安市信用办")


def test_subject_reads_only_its_own_application(world: World, api_key: Callable[..., dict[str, str]]) -> None:
    app_id, _ = _pending_part(world)
    stranger = api_key("subject", subject_key="1" * 40, department="其他主体")
    r = world.client.get(f"/api/v1/repair/applications/{app_id}", headers=stranger)
    entry = _refused(r, "repair.read", "其他主体")
    assert entry.subject_key == world.key
    # nor its attachments
    att = world.client.get(f"/api/v1/repair/applications/{app_id}/attachments/1", headers=stranger)
    assert att.status_code == 403
    # its own list holds none of the other subject's applications
    assert world.client.get("/api/v1/repair/applications", headers=stranger).json() == []
    assert world.client.get(f"/api/v1/repair/applications/{app_id}", headers=world.subject).status_code == 200


def test_credit_office_oversees_its_territory_only(world: World, api_key: Callable[..., dict[str, str]]) -> None:
    set_today(dt.date(2026, 11, 23))
    app_id, part_id = _pending_part(world)  # the subject is registered in 320812 (清江浦区, 淮安市)
    set_today(dt.date(2026, 11, 30))
    nanjing = api_key("credit_office", department=NANJING_OFFICE, region="320100")

    # the overdue list of 南京 does not show 淮安's parts; 淮安's does
    assert world.client.get("/api/v1/repair/overdue", headers=nanjing).json() == []
    assert [p["id"] for p in world.client.get("/api/v1/repair/overdue", headers=world.office).json()] == [part_id]
    # nor its list of applications
    assert world.client.get("/api/v1/repair/applications", headers=nanjing).json() == []
    assert [a["id"] for a in world.client.get("/api/v1/repair/applications", headers=world.office).json()] == [app_id]

    # reading the application of a 320812 subject is refused and registered
    r = world.client.get(f"/api/v1/repair/applications/{app_id}", headers=nanjing)
    entry = _refused(r, "repair.read", NANJING_OFFICE)
    assert "320812" in (entry.reason or "")
    assert world.client.get(f"/api/v1/repair/applications/{app_id}", headers=world.office).status_code == 200

    # nor may it record training for that subject
    t = world.client.post("/api/v1/repair/trainings", headers=nanjing, json={
        "subject_code": world.code, "provider": "南京市信用办", "course": "信用修复专题培训", "hours": 3,
        "attended_on": "2026-11-20", "attendee": "张伟"})
    _refused(t, "repair.training.record", NANJING_OFFICE)


def test_credit_office_without_region_oversees_nothing(world: World,
                                                       api_key: Callable[..., dict[str, str]]) -> None:
    _pending_part(world)
    unplaced = api_key("credit_office", department="未登记区划的信用办", region="none")
    _refused(world.client.get("/api/v1/repair/overdue", headers=unplaced), "repair.oversee", "未登记区划的信用办")
