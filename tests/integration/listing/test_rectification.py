"""Rectification orders and interviews (发改办财金〔2018〕893号 §二、§三), expiry, linked persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from tests.integration.listing.helpers import DEPT, REGION, listed_case, officer
from xinyong.core.db import unit_of_work
from xinyong.listing import service
from xinyong.listing.models import Listing


def test_rectification_not_completed_leads_to_a_warning_interview_in_the_credit_file(client, api_key) -> None:
    cid, setup = listed_case(51)
    dd = api_key("determining_department", department=DEPT, region=REGION)
    other = api_key("determining_department", department="淮安市市场监督管理局", region=REGION)
    r = client.post(f"/api/v1/listing/cases/{cid}/rectifications", headers=dd, json={
        "requirements": "限期支付拖欠的农民工工资", "due_on": "2026-10-15", "public": False, "on": "2026-09-20"})
    assert r.status_code == 422 and "公示" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/listing/cases/{cid}/rectifications", headers=dd, json={
        "requirements": "限期支付拖欠的农民工工资", "due_on": "2026-10-15", "on": "2026-09-20"})
    assert r.status_code == 201, r.text
    order_id = r.json()["rectification_id"]
    dl = client.get("/api/v1/listing/deadlines?on=2026-10-20&within_days=0", headers=dd).json()
    assert [(d["kind"], d["rectification_id"]) for d in dl["overdue"]] == [("rectification", order_id)]
    # before the period ends no interview
    early = client.post(f"/api/v1/listing/rectifications/{order_id}/interview", headers=dd,
                        json={"outcome": "held", "record": "x", "on": "2026-10-10"})
    assert early.status_code == 422
    # 谁认定、谁约谈: another department may not hold it
    wrong = client.post(f"/api/v1/listing/rectifications/{order_id}/interview", headers=other,
                        json={"outcome": "held", "record": "x", "on": "2026-10-20"})
    assert wrong.status_code == 403
    iv = client.post(f"/api/v1/listing/rectifications/{order_id}/interview", headers=dd, json={
        "outcome": "refused", "record": "通知主要负责人到场约谈，其拒绝到场", "interviewee": "张三", "on": "2026-10-20"})
    assert iv.status_code == 201, iv.text
    body = iv.json()
    assert body["interview_kind"] == "warning"  # blacklist → 警示性约谈
    rect = body["rectifications"][0]
    assert rect["status"] == "not_completed" and rect["interview"]["outcome_name"] == "拒绝约谈"
    again = client.post(f"/api/v1/listing/rectifications/{order_id}/interview", headers=dd,
                        json={"outcome": "held", "record": "x", "on": "2026-10-21"})
    assert again.status_code == 409
    file = client.get(f"/api/v1/subjects/{setup.code}", headers=api_key("admin")).json()
    assert [i["outcome"] for i in file["sections"]["listing_interviews"]] == ["refused"]


def test_rectification_completed_is_confirmed(client, api_key) -> None:
    cid, _ = listed_case(52)
    dd = api_key("determining_department", department=DEPT, region=REGION)
    order_id = client.post(f"/api/v1/listing/cases/{cid}/rectifications", headers=dd, json={
        "requirements": "支付工资", "due_on": "2026-10-15", "on": "2026-09-20"}).json()["rectification_id"]
    ok = client.post(f"/api/v1/listing/rectifications/{order_id}/confirmation", headers=dd,
                     json={"completed": True, "note": "已全额支付", "on": "2026-10-01"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["rectifications"][0]["status"] == "completed"
    iv = client.post(f"/api/v1/listing/rectifications/{order_id}/interview", headers=dd,
                     json={"outcome": "held", "record": "x", "on": "2026-10-20"})
    assert iv.status_code == 422


def test_expire_and_end_listing_and_amend(db_url: str, test_clock: Any) -> None:
    from xinyong.core import events
    from xinyong.core.access import SYSTEM

    seen: list[tuple[str, dict[str, Any]]] = []
    events.subscribe("listing.changed", lambda s, t, p: seen.append((t, p)))
    cid, setup = listed_case(53)
    actor = officer()
    with unit_of_work() as s:
        case = service.get_case(s, cid)
        assert case.listing_end == dt.date(2029, 9, 11)
        service.amend_listing_end(s, actor, cid, new_end=dt.date(2027, 9, 11), explanation="复议决定缩短期限",
                                  version=case.version, on=dt.date(2026, 10, 1))
    assert [p["end"] for t, p in seen] == ["2027-09-11", "2027-09-11"]
    with unit_of_work() as s:
        listings = service.active_listings(s, setup.subject_key, dt.date(2026, 10, 2))
        assert len(listings) == 1 and listings[0]["end"] == dt.date(2027, 9, 11)
        # the legal representative was listed too (第四十八条); end only that listing
        person_listing = s.scalar(select(Listing.id).where(Listing.role == "legal_representative"))
        assert person_listing is not None
        service.end_listing(s, person_listing, "repaired", SYSTEM, dt.date(2026, 10, 5), document="修复决定书")
    with unit_of_work() as s:
        assert service.get_case(s, cid).state == "listed"
    test_clock.set_today(dt.date(2027, 9, 12))
    with unit_of_work() as s:
        assert service.expire_due(s, SYSTEM, dt.date(2027, 9, 12)) == [cid]
    with unit_of_work() as s:
        case = service.get_case(s, cid)
        assert case.state == "removed" and case.removal_reason == "period_expired"
        assert service.active_listings(s, setup.subject_key, dt.date(2027, 9, 12)) == []
        assert service.verify_history(s, cid)
