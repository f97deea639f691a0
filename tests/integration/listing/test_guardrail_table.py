"""The guardrail table: each guardrail of the procedure, from the list type's data — the lawful case
passes, the unlawful one is refused with its rule named in Chinese (403 with an access-log denial for
who-may-act refusals, 422 for a case that does not fit the rule)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from tests.factories import department_headers, resident_id
from tests.integration.listing.helpers import make_subject
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry

SAMR_TYPE = "samr-serious-illegal"
SAMR = "淮安市市场监督管理局"
SAMR_JS = "江苏省市场监督管理局"
HR = "淮安市人力资源和社会保障局"


def _denied(action: str, department: str) -> int:
    with unit_of_work() as s:
        return len(list(s.scalars(select(AccessLogEntry).where(
            AccessLogEntry.action == action, AccessLogEntry.allowed.is_(False),
            AccessLogEntry.department == department))))


def _samr_record(seed: int, **overrides: Any) -> Any:
    values: dict[str, Any] = {"issuing_authority": SAMR, "link_person": False, "severity": "serious"}
    values.update(overrides)
    return make_subject(seed, **values)


def _post(client: Any, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers=headers)


def _propose(client: Any, headers: dict[str, str], code: str, record_id: int, list_type: str = SAMR_TYPE) -> Any:
    return _post(client, "/api/v1/listing/cases", headers, {
        "subject_code": code, "list_type_id": list_type, "record_ids": [record_id],
        "reason": "受到较重行政处罚，拟列入严重违法失信名单", "on": "2026-09-01"})


def _error(r: Any) -> str:
    return str(r.json()["error"]["message"])


def test_competent_department_by_field(client: Any) -> None:
    setup = _samr_record(401)
    r = _propose(client, department_headers(HR), setup.code, setup.record_id)
    assert r.status_code == 403 and "谁认定、谁负责" in _error(r)
    assert _denied("listing.propose", HR) == 1
    assert _propose(client, department_headers(SAMR), setup.code, setup.record_id).status_code == 201


def test_county_level_or_above(client: Any) -> None:
    setup = _samr_record(402)
    r = _propose(client, department_headers(SAMR, region="none"), setup.code, setup.record_id)
    assert r.status_code == 403 and "县级以上（含县级）" in _error(r) and "49号§（八）" in _error(r)
    assert _denied("listing.propose", SAMR) == 1
    county = department_headers("淮安市清江浦区市场监督管理局", region="320812")
    other = make_subject(403, issuing_authority="淮安市清江浦区市场监督管理局", link_person=False, severity="serious")
    assert _propose(client, county, other.code, other.record_id).status_code == 201


def test_qualifying_catalog_item_and_minimum_severity(client: Any) -> None:
    general = _samr_record(404, severity="general")
    r = _propose(client, department_headers(SAMR), general.code, general.record_id)
    assert r.status_code == 422 and "令第44号 第二条" in _error(r) and "严重" in _error(r)
    serious = _samr_record(405)
    assert _propose(client, department_headers(SAMR), serious.code, serious.record_id).status_code == 201


def test_minimum_objection_window_and_no_decision_before_it_ends(client: Any) -> None:
    setup = _samr_record(406)
    dd = department_headers(SAMR)
    case = _propose(client, dd, setup.code, setup.record_id).json()
    cid = case["id"]
    short = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
                  {"version": case["version"], "on": "2026-09-01", "objection_window_end": "2026-09-03"})
    assert short.status_code == 422 and "异议期限不得少于5日" in _error(short) and "令第44号" in _error(short)
    case = _post(client, f"/api/v1/listing/cases/{cid}/notice", dd,
                 {"version": case["version"], "on": "2026-09-01", "objection_window_end": "2026-09-15"}).json()
    case = _post(client, f"/api/v1/listing/cases/{cid}/objection", dd,
                 {"version": case["version"], "on": "2026-09-02", "objection": "处罚过重"}).json()
    case = _post(client, f"/api/v1/listing/cases/{cid}/answer", dd,
                 {"version": case["version"], "on": "2026-09-03", "outcome": "rejected", "answer": "不成立"}).json()
    early = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": case["version"], "on": "2026-09-04"})
    assert early.status_code == 422 and "期满前不得作出认定决定" in _error(early)


def _ready_for_decision(client: Any, seed: int) -> tuple[int, dict[str, str]]:
    setup = _samr_record(seed)
    dd = department_headers(SAMR)
    case = _propose(client, dd, setup.code, setup.record_id).json()
    _post(client, f"/api/v1/listing/cases/{case['id']}/notice", dd,
          {"version": case["version"], "on": "2026-09-01", "objection_window_end": "2026-09-15"})
    return case["id"], dd


def _v(client: Any, cid: int, dd: dict[str, str]) -> int:
    return int(client.get(f"/api/v1/listing/cases/{cid}", headers=dd).json()["version"])


def test_four_eyes_approval_by_a_second_officer(client: Any) -> None:
    cid, dd = _ready_for_decision(client, 407)
    none = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": _v(client, cid, dd), "on": "2026-09-16"})
    assert none.status_code == 422 and "四眼原则" in _error(none)
    own = _post(client, f"/api/v1/listing/cases/{cid}/approval", dd, {"opinion": "同意", "on": "2026-09-16"})
    assert own.status_code == 403 and "不能是立案人" in _error(own)
    before = _denied("listing.approve", SAMR)
    assert before >= 1
    second = department_headers(SAMR)
    assert _post(client, f"/api/v1/listing/cases/{cid}/approval", second,
                 {"opinion": "同意", "on": "2026-09-16"}).status_code == 200
    same = _post(client, f"/api/v1/listing/cases/{cid}/decision", second, {"version": _v(client, cid, dd), "on": "2026-09-16"})
    assert same.status_code == 403 and "审核同意人与作出决定人不能是同一人" in _error(same)
    assert _denied("listing.decide", SAMR) >= 1


def test_upper_level_consent_of_article_22(client: Any) -> None:
    cid, dd = _ready_for_decision(client, 408)
    _post(client, f"/api/v1/listing/cases/{cid}/approval", department_headers(SAMR), {"opinion": "同意", "on": "2026-09-16"})
    missing = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": _v(client, cid, dd), "on": "2026-09-16"})
    assert missing.status_code == 422 and "第二十二条" in _error(missing)
    peer = department_headers("淮安市清江浦区市场监督管理局", region="320812")
    r = _post(client, f"/api/v1/listing/cases/{cid}/consent", peer, {"document": "x", "on": "2026-09-16"})
    assert r.status_code == 403 and "第二十二条" in _error(r)
    assert _denied("listing.consent", "淮安市清江浦区市场监督管理局") == 1
    wrong_field = department_headers("江苏省人力资源和社会保障厅", region="320000")
    assert _post(client, f"/api/v1/listing/cases/{cid}/consent", wrong_field,
                 {"document": "x", "on": "2026-09-16"}).status_code == 403
    province = department_headers(SAMR_JS, region="320000")
    ok = _post(client, f"/api/v1/listing/cases/{cid}/consent", province,
               {"document": "苏市监信〔2026〕8号", "on": "2026-09-16"})
    assert ok.status_code == 200, ok.text
    decided = _post(client, f"/api/v1/listing/cases/{cid}/decision", dd, {"version": _v(client, cid, dd), "on": "2026-09-16"})
    assert decided.status_code == 200 and decided.json()["state"] == "decided"


def test_minors_from_the_resident_id_never_from_a_checkbox(client: Any) -> None:
    """A 14-year-old's record is flagged from the ID whatever the checkbox said; an adult's is not."""
    from tests.factories import record_json

    rng = random.Random(409)
    child = resident_id(rng, region="320812", birth=dt.date(2012, 3, 1))
    adult = resident_id(rng, region="320812", birth=dt.date(1990, 3, 1))
    dd = department_headers(HR)
    made = {}
    for code, checkbox in ((child, False), (adult, True)):
        body = record_json(subject_code=code, subject_name="张某", issuing_authority=HR, is_minor=checkbox,
                           decision_date=dt.date(2026, 6, 1), effective_date=dt.date(2026, 6, 1))
        body["act_date"] = "2026-05-01"
        r = client.post("/api/v1/records", json=body, headers=dd)
        assert r.status_code == 201, r.text
        made[code] = r.json()
    assert made[child]["is_minor"] is True and made[adult]["is_minor"] is False
    case = _post(client, "/api/v1/listing/cases", dd, {
        "subject_code": child, "list_type_id": "migrant-wage-arrears", "record_ids": [made[child]["id"]],
        "reason": "拖欠工资", "on": "2026-09-01"})
    assert case.status_code == 201 and [f["flag"] for f in case.json()["leniency_flags"]] == ["is_minor"]


def test_a_department_cannot_type_a_list_membership_record(client: Any) -> None:
    from tests.factories import record_json

    body = record_json(subject_code=make_subject(410, link_person=False).code, subject_name="某公司",
                       issuing_authority=SAMR, catalog_item="serious-dishonest-list", severity="serious")
    r = client.post("/api/v1/records", json=body, headers=department_headers(SAMR))
    assert r.status_code == 422 and "名单认定" in _error(r) and "49号§（八）" in _error(r)
