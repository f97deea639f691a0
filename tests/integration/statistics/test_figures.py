"""Every statistic over known data, on SQLite and PostgreSQL: the exact figure, the rows behind it, and
the filters (period, region with its sub-regions, department). The period is 2026-01-01 to today
(2026-11-25, the tests' clock); the region 淮安市 (320800) holds 清江浦区 (320812) and 淮安区 (320803);
北京市朝阳区 (110105) and 2025 are outside and must never be counted."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from tests.factories import make_api_key, uscc
from tests.integration.statistics import factories as f
from xinyong.core.db import unit_of_work

D = dt.date
HUAIAN = {"from": "2026-01-01", "to": "2026-11-25", "region": "320800"}


def build() -> dict[str, Any]:
    ids: dict[str, Any] = {}
    with unit_of_work() as s:
        a = f.subject(s, "320812")
        b = f.subject(s, "320803")
        c = f.subject(s, "110105")
        # penalties decided on Tuesday 2026-09-29: the 7th working day after it is 2026-10-14 (国庆节
        # 10-01…10-07 are holidays, Saturday 10-10 a working day; rules/national/holidays 2026)
        ids["r1"] = f.record(s, a, decided=D(2026, 9, 29), published=f.beijing(2026, 10, 13))  # on time
        # 2026-10-15 01:00 Beijing is still 10-14 in UTC: late, counted by its Beijing date
        ids["r2"] = f.record(s, a, decided=D(2026, 9, 29), published=f.beijing(2026, 10, 15, 1))
        ids["r3"] = f.record(s, b, decided=D(2026, 3, 2), published=f.beijing(2026, 3, 3), region="320803")
        ids["r4"] = f.record(s, a, decided=D(2026, 5, 10), item="judicial-dishonest-debtor", severity="serious",
                             department="淮安市中级人民法院")
        ids["r5"] = f.record(s, c, decided=D(2026, 4, 1), region="110105", department="北京市朝阳区市场监督管理局")
        f.record(s, a, decided=D(2025, 12, 30))  # before the period
        # listing cases
        l1 = f.listing_case(s, a, proposed=D(2026, 2, 1), notice_served_on=D(2026, 2, 3),
                            objection_window_end=D(2026, 2, 10), decided_on=D(2026, 2, 20),
                            listing_start=D(2026, 2, 20), listing_end=D(2027, 2, 20), state="listed")
        l2 = f.listing_case(s, a, proposed=D(2026, 3, 1), notice_served_on=D(2026, 3, 2),
                            objection_window_end=D(2026, 3, 9), objection_received_on=D(2026, 3, 5),
                            answer_deadline=D(2026, 3, 19), answered_on=D(2026, 3, 25), answer_outcome="rejected",
                            decided_on=D(2026, 3, 9), listing_start=D(2026, 3, 9), listing_end=D(2027, 3, 9),
                            removed_on=D(2026, 6, 9), removal_reason="repaired", state="removed")
        f.listing_case(s, b, list_type="migrant-wage-arrears", region="320803", proposed=D(2026, 4, 1),
                       objection_received_on=D(2026, 4, 5), answer_deadline=D(2026, 4, 19),
                       answered_on=D(2026, 4, 10), answer_outcome="upheld", state="withdrawn")
        f.listing_case(s, b, list_type="migrant-wage-arrears", region="320803", proposed=D(2025, 6, 1),
                       decided_on=D(2025, 7, 1), listing_start=D(2025, 7, 1), listing_end=D(2028, 7, 1),
                       removed_on=D(2026, 1, 15), removal_reason="revoked", state="removed")
        f.listing_case(s, c, region="110105", department="北京市财政局", proposed=D(2026, 4, 20),
                       decided_on=D(2026, 5, 1), listing_start=D(2026, 5, 1), state="listed")
        f.listing_case(s, a, proposed=D(2026, 6, 20), decided_on=D(2026, 7, 1), listing_start=D(2026, 7, 1),
                       listing_end=D(2027, 7, 1), removed_on=D(2026, 7, 11), removal_reason="conditions_met",
                       state="removed")
        # objections to records
        f.objection(s, a, ids["r1"], filed=D(2026, 5, 1), due=D(2026, 5, 15), answered=D(2026, 5, 10),
                    outcome="rejected")
        f.objection(s, a, ids["r2"], filed=D(2026, 6, 1), due=D(2026, 6, 12), answered=D(2026, 6, 20),
                    outcome="upheld")
        f.objection(s, b, ids["r3"], filed=D(2026, 11, 1), due=D(2026, 11, 13))
        f.objection(s, c, ids["r5"], filed=D(2026, 5, 1), due=D(2026, 5, 15), department="北京市朝阳区市场监督管理局")
        # repair
        f.repair_part(s, a, filed=D(2026, 4, 1), deadline=D(2026, 4, 15), decided=D(2026, 4, 10), status="granted",
                      outcome="mark")
        f.repair_part(s, a, filed=D(2026, 5, 1), deadline=D(2026, 5, 15), decided=D(2026, 5, 20), status="refused")
        f.repair_part(s, b, filed=D(2026, 10, 1), deadline=D(2026, 10, 20))
        f.repair_part(s, c, filed=D(2026, 4, 1), deadline=D(2026, 4, 15), decided=D(2026, 4, 10), status="granted",
                      outcome="delete")
        # commitments, trainings, credit reports
        f.commitment(s, a, D(2026, 3, 1))
        f.commitment(s, b, D(2026, 4, 1))
        f.commitment(s, c, D(2026, 4, 1))
        f.commitment(s, a, D(2025, 12, 1))
        f.training(s, a, D(2026, 5, 5))
        f.training(s, c, D(2026, 5, 5))
        f.credit_report(s, b, D(2026, 6, 6))
        # rectification orders and interviews
        r1 = f.rectification(s, l1, a, ordered=D(2026, 3, 1), due=D(2026, 4, 1), status="completed",
                             confirmed=D(2026, 3, 20))
        r2 = f.rectification(s, l2, a, ordered=D(2026, 3, 10), due=D(2026, 4, 10), status="completed",
                             confirmed=D(2026, 4, 20))
        f.rectification(s, l1, a, ordered=D(2026, 10, 1), due=D(2026, 11, 1))
        r4 = f.rectification(s, l2, a, ordered=D(2026, 5, 1), due=D(2026, 6, 1), status="not_completed")
        f.interview(s, r1, l1, a, held=D(2026, 3, 5))
        f.interview(s, r2, l2, a, held=D(2026, 3, 15), kind="warning", outcome="refused")
        f.interview(s, r4, l2, a, held=D(2025, 12, 1))
        # joint punishment
        ids["j1"] = f.punishment(s, a, initiated=f.beijing(2026, 8, 3), due=D(2026, 8, 10),
                                 responded=f.beijing(2026, 8, 7), feedback=f.beijing(2026, 8, 20),
                                 feedback_due=D(2026, 8, 31), status="feedback")
        # responded 2026-08-12 00:30 Beijing (08-11 in UTC): late by its Beijing date
        ids["j2"] = f.punishment(s, a, initiated=f.beijing(2026, 8, 4), due=D(2026, 8, 11),
                                 responded=f.beijing(2026, 8, 12, 0, 30), status="responded")
        ids["j3"] = f.punishment(s, b, initiated=f.beijing(2026, 11, 1), due=D(2026, 11, 10), region="320803")
        f.punishment(s, c, initiated=f.beijing(2026, 8, 3), due=D(2026, 8, 10), region="110105")
    return ids


def _fig(body: dict[str, Any]) -> dict[str, int]:
    return {x["key"]: x["value"] for x in body["figures"]}


@pytest.fixture
def data(db_url: str) -> dict[str, Any]:
    return build()


def test_every_figure_for_a_region_and_period(client: Any, data: dict[str, Any]) -> None:
    h = {"X-API-Key": make_api_key("credit_office")}
    r = client.get("/api/v1/statistics", params=HUAIAN, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scope"]["from"] == "2026-01-01" and body["scope"]["region_name"] == "江苏省淮安市"
    fig = _fig(body)
    expected = {
        "records.total": 4, "penalties.total": 3, "penalties.on_time": 2, "penalties.late": 1,
        "listings.opened": 4, "listings.noticed": 2, "listings.decided": 3, "listings.decided_after_window": 1,
        "listings.removed": 3, "listings.repaired": 1,
        "listing_objections.received": 2, "listing_objections.answered": 2, "listing_objections.on_time": 1,
        "listing_objections.upheld": 1,
        "objections.filed": 3, "objections.answered": 2, "objections.on_time": 1, "objections.overdue": 1,
        "objections.upheld": 1,
        "repair.applications": 3, "repair.decided": 2, "repair.granted": 1, "repair.refused": 1, "repair.on_time": 1,
        "repair.overdue": 1,
        "commitments.total": 2, "trainings.total": 1, "reports.total": 1,
        "interviews.total": 2, "interviews.prompting": 1, "interviews.warning": 1, "interviews.refused": 1,
        "rectifications.ordered": 4, "rectifications.completed": 2, "rectifications.completed_on_time": 1,
        "rectifications.not_completed": 1, "rectifications.overdue": 1,
        "punishment.initiated": 3, "punishment.responded": 2, "punishment.responded_on_time": 1,
        "punishment.feedback": 1, "punishment.feedback_on_time": 1, "punishment.overdue": 1,
        "screening.queries": 0, "typical.published": 0,
    }
    assert fig == expected
    rates = {x["key"]: x["rate"] for x in body["rates"]}
    assert rates == {"penalties": 66.7, "objections": 50.0, "listing_objections": 50.0, "repair": 50.0,
                     "punishment_response": 50.0, "punishment_feedback": 100.0, "rectification": 25.0}
    assert body["average_days"] == {"objections": 14.0, "repair": 14.0}
    assert [(x["item"], x["severity"], x["count"]) for x in body["records_by_item"]] == [
        ("admin-penalty", "general", 3), ("judicial-dishonest-debtor", "serious", 1)]
    assert {x["list_type"]: (x["opened"], x["decided"], x["removed"], x["repaired"])
            for x in body["listings_by_type"]} == {"gov-procurement": (3, 3, 2, 1), "migrant-wage-arrears": (1, 0, 1, 0)}
    assert [(x["outcome"], x["count"]) for x in body["repair_outcomes"]] == [("mark", 1)]
    # the ranked table: 淮安区 (1 of 1 on time) before 清江浦区 (1 of 2)
    assert [(x["region"], x["records_total"], x["penalties_total"], x["penalty_rate"]) for x in body["regions"]] == [
        ("320803", 1, 1, 100.0), ("320812", 3, 2, 50.0)]
    assert body["monthly"]["records.total"] == {"2026-03": 1, "2026-05": 1, "2026-09": 2}
    assert body["monthly"]["penalties.on_time"] == {"2026-03": 1, "2026-09": 1}
    assert body["monthly"]["punishment.initiated"] == {"2026-08": 2, "2026-11": 1}


def test_whole_country_department_and_period_filters(client: Any, data: dict[str, Any]) -> None:
    h = {"X-API-Key": make_api_key("admin")}
    every = _fig(client.get("/api/v1/statistics", params={"from": "2026-01-01", "to": "2026-11-25"}, headers=h).json())
    assert (every["records.total"], every["penalties.total"], every["objections.filed"], every["commitments.total"],
            every["punishment.initiated"], every["repair.granted"]) == (5, 4, 4, 3, 4, 2)
    dept = _fig(client.get("/api/v1/statistics", params={**HUAIAN, "department": "淮安市市场监督管理局"}, headers=h).json())
    assert (dept["records.total"], dept["penalties.total"], dept["listings.opened"]) == (3, 3, 0)
    county = _fig(client.get("/api/v1/statistics", params={**HUAIAN, "region": "320803"}, headers=h).json())
    assert (county["records.total"], county["penalties.on_time"], county["punishment.overdue"]) == (1, 1, 1)
    q3 = _fig(client.get("/api/v1/statistics", params={**HUAIAN, "from": "2026-09-01", "to": "2026-10-31"},
                         headers=h).json())
    assert (q3["records.total"], q3["penalties.late"], q3["repair.overdue"]) == (2, 1, 1)


def test_each_figure_links_to_the_rows_it_counts(client: Any, data: dict[str, Any]) -> None:
    h = {"X-API-Key": make_api_key("credit_office")}
    body = client.get("/api/v1/statistics", params=HUAIAN, headers=h).json()
    for fig in body["figures"]:
        if fig["rows_url"] is None:
            continue
        rows = client.get(fig["rows_url"], headers=h)
        assert rows.status_code == 200, rows.text
        assert rows.json()["total"] == fig["value"], fig["key"]
        assert len(rows.json()["rows"]) == fig["value"], fig["key"]
    late = client.get("/api/v1/statistics/rows/penalties.late", params=HUAIAN, headers=h).json()
    assert [r[0] for r in late["rows"]] == [data["r2"]]
    assert late["columns"][:2] == ["记录编号", "决定日期"] and late["rows"][0][1] == "2026-09-29"
    overdue = client.get("/api/v1/statistics/rows/punishment.responded_on_time", params=HUAIAN, headers=h).json()
    assert [r[0] for r in overdue["rows"]] == [data["j1"]]
    assert client.get("/api/v1/statistics/rows/nothing", headers=h).status_code == 404


def test_screening_queries_by_unit_and_purpose(client: Any, db_url: str) -> None:
    unit = {"X-API-Key": make_api_key("implementing_unit", department="淮安市住房和城乡建设局")}
    code = uscc(random.Random(15))
    for purpose in ("licensing", "licensing", "procurement"):
        assert client.get(f"/api/v1/screen/code/{code}", params={"purpose": purpose}, headers=unit).status_code == 200
    h = {"X-API-Key": make_api_key("credit_office")}
    body = client.get("/api/v1/statistics", params=HUAIAN, headers=h).json()
    assert _fig(body)["screening.queries"] == 3
    assert [(x["unit"], x["purpose_name"], x["count"]) for x in body["screening"]] == [
        ("淮安市住房和城乡建设局", "行政许可审批", 2), ("淮安市住房和城乡建设局", "政府采购、招标投标", 1)]
    assert body["scope"]["not_filtered"]["screening"] == ["不分地区"]


def test_bad_scope_is_a_clear_error(client: Any, db_url: str) -> None:
    h = {"X-API-Key": make_api_key("credit_office")}
    r = client.get("/api/v1/statistics", params={"from": "2026-05-01", "to": "2026-04-01"}, headers=h)
    assert r.status_code == 422 and "开始日期" in r.json()["error"]["message"]
    r = client.get("/api/v1/statistics", params={"region": "32"}, headers=h)
    assert r.status_code == 422 and "行政区划" in r.json()["error"]["message"]
