"""End to end with the listing capability: a listing starts → the screening index and targeted push
follow in the same transaction; the legal representative is reached (893 §八); removal ends it all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.factories import mark_index_stale
from tests.integration.listing.helpers import DEPT, REGION, approve_api, make_subject
from xinyong.core.db import unit_of_work
from xinyong.core.outbox import OutboxMessage

MT = "migrant-wage-arrears"


def _post(client: Any, url: str, headers: dict[str, str], body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    r = client.post(url, json=body, headers=headers)
    assert r.status_code == status, r.text
    return dict(r.json())


def _list(client: Any, dd: dict[str, str]) -> tuple[Any, dict[str, Any]]:
    setup = make_subject(21)
    case = _post(client, "/api/v1/listing/cases", dd, {
        "subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id],
        "reason": "拖欠农民工工资，经责令限期支付后逾期未支付", "on": "2026-09-01"}, 201)
    cid = case["id"]
    case = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
                 {"version": 1, "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    case = approve_api(client, cid, on="2026-09-16")
    case = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": case["version"], "on": "2026-09-16"})
    case = _post(client, f"/api/v1/listing/cases/{cid}/listing", dd, {"version": case["version"], "on": "2026-09-17"})
    assert case["state"] == "listed"
    return setup, case


def test_listing_reaches_screening_push_and_representative(client: Any, api_key: Any) -> None:
    admin = api_key("admin")
    made = client.post("/api/v1/push/receivers", json={
        "name": "huaian-finance", "unit": "淮安市财政局", "url": "http://127.0.0.1:9/hook",
        "measures": ["migrant-wage-restrictions"], "regions": ["320800"]}, headers=admin)
    assert made.status_code == 201
    dd = api_key("determining_department", department=DEPT, region=REGION)
    setup, case = _list(client, dd)
    unit = api_key("implementing_unit", department="淮安市财政局")
    org = client.get(f"/api/v1/screen/code/{setup.code}", params={"matter": "fiscal_subsidy"}, headers=unit).json()
    hit = org["hits"][0]
    assert hit["measures"] == ["migrant-wage-restrictions"]
    assert [x["list_type"] for x in hit["lists"]] == [MT]
    assert "保障农民工工资支付条例》第四十八条第一款" in hit["obligations"][0]["basis"]
    person = client.get(f"/api/v1/screen/code/{setup.person_code}", params={"matter": "fiscal_subsidy"},
                        headers=unit).json()["hits"][0]
    assert person["measures"] == ["migrant-wage-restrictions"]
    assert person["obligations"][0]["trigger"]["via_role"] == "legal_representative"
    # the representative listed in person is 被依法列为失信联合惩戒对象 (公务员法 第二十六条)
    jobs = client.get(f"/api/v1/screen/code/{setup.person_code}", params={"matter": "public_employment"},
                      headers=unit).json()["hits"][0]
    assert jobs["measures"] == ["civil-service-bar", "supervisor-bar"]
    batch = client.post("/api/v1/screen/batch", json={"items": [{"code": setup.code}, {"code": setup.person_code}],
                                                      "matter": "fiscal_subsidy"}, headers=unit).json()
    assert [r["measures"] for r in batch["results"]] == [["migrant-wage-restrictions"]] * 2
    with unit_of_work() as s:
        topics = [m.topic for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert topics == ["push.listing.started", "push.listing.started"]  # the company and its representative
    _post(client, f"/api/v1/listing/cases/{case['id']}/removal", dd, {
        "version": case["version"], "on": "2026-11-02", "reason": "revoked",
        "explanation": "行政复议决定撤销责令支付决定"})
    after = client.get(f"/api/v1/screen/code/{setup.code}", params={"matter": "fiscal_subsidy"}, headers=unit).json()
    assert after["hits"][0]["measures"] == [] and after["hits"][0]["lists"] == []
    with unit_of_work() as s:
        topics = [m.topic for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert topics.count("push.listing.ended") == 2


def test_a_person_whose_organisation_is_marked_is_answered_after_the_recomputation(client: Any, api_key: Any) -> None:
    """Screening a person reads the organisations it represents; when one of them is marked for
    recomputation, the answer waits for it (one transaction) instead of reading the stale rows."""
    from xinyong.core.models import AccessLogEntry
    from xinyong.measures.models import ScreeningFact

    dd = api_key("determining_department", department=DEPT, region=REGION)
    setup, _case = _list(client, dd)
    org_key = mark_index_stale(setup.code)
    with unit_of_work() as s:
        before = len(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")).all())
    unit = api_key("implementing_unit", department="淮安市财政局")
    person = client.get(f"/api/v1/screen/code/{setup.person_code}", params={"matter": "fiscal_subsidy"},
                        headers=unit)
    assert person.status_code == 200, person.text
    assert person.json()["hits"][0]["measures"] == ["migrant-wage-restrictions"]
    with unit_of_work() as s:
        assert s.scalars(select(ScreeningFact).where(ScreeningFact.subject_key == org_key)).all() != []
        after = len(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen")).all())
    assert after == before + 1
