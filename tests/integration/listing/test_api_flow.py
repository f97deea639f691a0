"""A case walked through the REST API: proposal → notice → objection → answer → decision → listing → removal."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.integration.listing.helpers import DEPT, REGION, approve_api, make_subject

MT = "migrant-wage-arrears"


def _post(client: Any, url: str, headers: dict[str, str], body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    r = client.post(url, json=body, headers=headers)
    assert r.status_code == status, r.text
    return r.json()


def test_full_walk_with_documents_history_and_events(client, api_key) -> None:
    from xinyong.core import events

    seen: list[tuple[str, dict[str, Any]]] = []
    events.subscribe("listing.started", lambda s, t, p: seen.append((t, p)))
    events.subscribe("listing.ended", lambda s, t, p: seen.append((t, p)))
    setup = make_subject()
    dd = api_key("determining_department", department=DEPT, region=REGION)
    case = _post(client, "/api/v1/listing/cases", dd, {
        "subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id],
        "reason": "拖欠农民工工资，经责令限期支付后逾期未支付", "on": "2026-09-01"}, 201)
    cid = case["id"]
    assert case["state"] == "proposed" and case["version"] == 1
    case = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
                 {"version": 1, "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    assert case["state"] == "notice_served"
    notice = case["documents"][0]
    assert notice["kind"] == "notice" and len(notice["sha256"]) == 64
    html = client.get(f"/api/v1/listing/documents/{notice['id']}", headers=dd).text
    for needle in ("事由", "依据", "依法享有的权利", "失信惩戒措施提示", "拖欠农民工工资失信联合惩戒对象名单管理暂行办法"):
        assert needle in html
    case = _post(client, f"/api/v1/listing/cases/{cid}/objection", dd,
                 {"version": case["version"], "on": "2026-09-10", "objection": "已支付部分工资"})
    # 10 working days after 2026-09-10: Sunday 2026-09-20 is an adjusted working day
    assert case["answer_deadline"] == "2026-09-23"
    case = _post(client, f"/api/v1/listing/cases/{cid}/answer", dd,
                 {"version": case["version"], "on": "2026-09-23", "outcome": "rejected", "answer": "经核实，仍有欠薪未支付"})
    assert case["answer_timely"] is True
    case = approve_api(client, cid, on="2026-09-24")
    case = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": case["version"], "on": "2026-09-24"})
    assert case["state"] == "decided"
    assert (case["listing_start"], case["listing_end"]) == ("2026-09-24", "2029-09-23")
    decision = next(d for d in case["documents"] if d["kind"] == "decision")
    pdf = client.get(f"/api/v1/listing/documents/{decision['id']}/pdf", headers=dd)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join("".join(p.extract_text() for p in reader.pages).replace("\x00", "").split())
    for needle in ("认定严重失信主体名单决定书", "事由", "依据", "失信惩戒措施提示", "移出条件和程序", "救济措施"):
        assert needle in text, needle
    again = client.get(f"/api/v1/listing/documents/{decision['id']}/pdf", headers=dd)
    assert again.content == pdf.content  # kept once rendered
    case = _post(client, f"/api/v1/listing/cases/{cid}/listing", dd, {"version": case["version"], "on": "2026-09-25"})
    assert case["state"] == "listed"
    # the legal representative is linked (and listed, because 第四十八条 lists 法定代表人)
    assert [(a["role"], a["listed"]) for a in case["accountability"]] == [("legal_representative", True)]
    active = client.get(f"/api/v1/listing/subjects/{setup.code}/active?on=2026-10-01", headers=dd).json()["listings"]
    assert [(a["list_type_id"], a["kind"], a["decision_no"]) for a in active] == [(MT, "blacklist", case["decision_no"])]
    started = [p for t, p in seen if t == "listing.started"]
    assert {p["role"] for p in started} == {"subject", "legal_representative"}
    assert all(p["list_type"] == MT and p["start"] == "2026-09-24" for p in started)
    case = _post(client, f"/api/v1/listing/cases/{cid}/removal", dd, {
        "version": case["version"], "on": "2026-11-02", "reason": "revoked",
        "explanation": "行政复议决定撤销责令支付决定"})
    assert case["state"] == "removed"
    assert [p["reason"] for t, p in seen if t == "listing.ended"] == ["revoked", "revoked"]
    assert client.get(f"/api/v1/listing/subjects/{setup.code}/active?on=2026-11-03",
                      headers=dd).json()["listings"] == []
    actions = [h["action"] for h in case["history"]]
    assert actions == ["propose", "serve_notice", "receive_objection", "answer_objection", "approve", "decide", "list", "remove"]
    assert case["history_intact"] is True
    from xinyong.core.audit.history import history_of
    from xinyong.core.db import unit_of_work

    with unit_of_work() as s:  # mirrored into the platform's sealed decision history
        assert [h.event for h in history_of(s, f"listing_case:{cid}")] == actions
    file = client.get(f"/api/v1/subjects/{setup.code}", headers=api_key("admin")).json()
    assert file["sections"]["listings"][0]["end_reason"] == "revoked"


def _proposed(client: Any, dd: dict[str, str], seed: int = 11, **over: Any) -> tuple[int, Any]:
    setup = make_subject(seed, **over)
    case = _post(client, "/api/v1/listing/cases", dd, {
        "subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id],
        "reason": "拖欠农民工工资", "on": "2026-09-01"}, 201)
    return case["id"], setup


def test_illegal_transition_and_stale_version_are_refused(client, api_key) -> None:
    dd = api_key("determining_department", department=DEPT, region=REGION)
    cid, _ = _proposed(client, dd)
    r = client.post(f"/api/v1/listing/cases/{cid}/listing", json={"version": 1, "on": "2026-09-02"}, headers=dd)
    assert r.status_code == 409
    assert "不能列入名单" in r.json()["error"]["message"]
    r = client.post(f"/api/v1/listing/cases/{cid}/decision", json={"version": 1, "on": "2026-09-02"}, headers=dd)
    assert r.status_code == 409
    ok = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
               {"version": 1, "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    stale = client.post(f"/api/v1/listing/cases/{cid}/withdrawal", json={"version": 1, "explanation": "x"}, headers=dd)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "listing.version_conflict"
    # deciding while the objection window is open is refused
    r = client.post(f"/api/v1/listing/cases/{cid}/decision", json={"version": ok["version"], "on": "2026-09-15"},
                    headers=dd)
    assert r.status_code == 422 and "异议期限" in r.json()["error"]["message"]
    history = client.get(f"/api/v1/listing/cases/{cid}", headers=dd).json()["history"]
    assert [h["action"] for h in history] == ["propose", "serve_notice"]


def test_late_answer_is_recorded_as_late_and_upheld_objection_blocks_decision(client, api_key) -> None:
    dd = api_key("determining_department", department=DEPT, region=REGION)
    cid, _ = _proposed(client, dd, seed=12)
    c = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
              {"version": 1, "on": "2026-09-25", "objection_window_end": "2026-10-20"})
    c = _post(client, f"/api/v1/listing/cases/{cid}/objection", dd,
              {"version": c["version"], "on": "2026-09-28", "objection": "工资已付清"})
    # 10 working days from 2026-09-28 across National Day: 9/29, 9/30, 10/8, 10/9, 10/10 (Sat), 10/12..10/16
    assert c["answer_deadline"] == "2026-10-16"
    c = _post(client, f"/api/v1/listing/cases/{cid}/answer", dd,
              {"version": c["version"], "on": "2026-10-19", "outcome": "upheld", "answer": "经核实，工资已付清"})
    assert c["answer_timely"] is False
    r = client.post(f"/api/v1/listing/cases/{cid}/decision", json={"version": c["version"], "on": "2026-10-21"},
                    headers=dd)
    assert r.status_code == 422 and r.json()["error"]["code"] == "listing.objection_upheld"
    c = _post(client, f"/api/v1/listing/cases/{cid}/withdrawal", dd,
              {"version": c["version"], "on": "2026-10-21", "explanation": "异议成立"})
    assert c["state"] == "withdrawn"


def test_guardrails_authority_level_leniency_and_department(client, api_key) -> None:
    setup = make_subject(13, is_minor=False, non_intentional=True)
    body = {"subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id], "reason": "x",
            "on": "2026-09-01"}
    township = api_key("determining_department", department="某镇人民政府", region="320812")
    # 320812 is a county-level district: allowed (county or above)
    dd = api_key("determining_department", department=DEPT, region=REGION)
    r = client.post("/api/v1/listing/cases", json={**body, "list_type_id": "court-dishonest-debtor"}, headers=dd)
    # a court list is received and shared, never determined by an administrative department here
    assert r.status_code == 422 and r.json()["error"]["code"] == "listing.list_type_received"
    case = _post(client, "/api/v1/listing/cases", dd, body, 201)
    assert [f["flag"] for f in case["leniency_flags"]] == ["non_intentional"]
    r = client.post(f"/api/v1/listing/cases/{case['id']}/notice", headers=dd,
                    json={"version": 1, "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "listing.leniency_justification_required"
    other = client.post(f"/api/v1/listing/cases/{case['id']}/leniency", headers=township,
                        json={"version": 1, "justification": "x", "on": "2026-09-01"})
    assert other.status_code == 403
    c = _post(client, f"/api/v1/listing/cases/{case['id']}/leniency", dd,
              {"version": 1, "on": "2026-09-01", "justification": "虽非主观故意，但经责令仍拒不支付，情节严重"})
    c = _post(client, f"/api/v1/listing/cases/{case['id']}/notice", dd,
              {"version": c["version"], "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    assert c["state"] == "notice_served"
    public = client.get(f"/api/v1/listing/cases/{case['id']}")
    assert public.status_code == 403
    implementing = client.post("/api/v1/listing/cases", json=body, headers=api_key("implementing_unit"))
    assert implementing.status_code == 403


def test_authority_below_allowed_level_is_refused(client, api_key, monkeypatch) -> None:
    import dataclasses

    from xinyong.listing import loader
    from xinyong.listing.rules import AuthorityLevel, ListTypeSet

    real = loader.list_types()
    stricter = tuple(dataclasses.replace(t, min_authority_level=AuthorityLevel.prefecture) for t in real.types)
    monkeypatch.setattr("xinyong.listing.loader.list_types", lambda: ListTypeSet(stricter, real.incomplete))
    setup = make_subject(14)
    county = api_key("determining_department", department="淮安市清江浦区人力资源和社会保障局", region="320812")
    r = client.post("/api/v1/listing/cases", headers=county, json={
        "subject_code": setup.code, "list_type_id": MT, "record_ids": [setup.record_id], "reason": "x",
        "on": "2026-09-01"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "listing.authority_too_low"


def test_types_endpoint_lists_usable_and_incomplete(client) -> None:
    body = client.get("/api/v1/listing/types").json()
    usable = {t["id"] for t in body["types"]}
    assert usable == {"migrant-wage-arrears", "gov-procurement", "samr-serious-illegal", "tax-major-violation"}
    incomplete = {t["id"]: t["missing"] for t in body["incomplete"]}
    assert "court-dishonest-debtor" in incomplete and incomplete["work-safety"]
    assert client.get("/api/v1/listing/workdays?start=2026-09-30&n=3").json()["date"] == "2026-10-10"
