"""List-standard evaluation (国办发〔2020〕49号 §（七）), typical cases, the evaluator role and the
exports, on SQLite and PostgreSQL, over the known data of test_figures."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import make_api_key
from tests.integration.security.helpers import console_login, form_token
from tests.integration.statistics import factories as f
from tests.integration.statistics.test_figures import HUAIAN, build
from xinyong.core.db import unit_of_work


@pytest.fixture
def data(db_url: str) -> dict[str, Any]:
    return build()


def test_list_standards_per_list_type(client: Any, data: dict[str, Any]) -> None:
    h = {"X-API-Key": make_api_key("credit_office")}
    r = client.get("/api/v1/statistics/list-standards", params=HUAIAN, headers=h)
    assert r.status_code == 200, r.text
    rows = {x["list_type"]: x for x in r.json()["rows"]}
    gov = rows["gov-procurement"]
    # decided in 2026 in 淮安市: listed 2026-02-20 (still listed: 278 days to 2026-11-25), 2026-03-09 → repaired
    # 2026-06-09 (92 days), 2026-07-01 → removed 2026-07-11 (10 days): median 92
    assert (gov["decided"], gov["overturned_objection"], gov["overturned_review"], gov["repaired"],
            gov["removed_early"], gov["removed"], gov["median_days"]) == (3, 0, 0, 1, 2, 2, 92.0)
    assert [(d["label"], d["count"]) for d in gov["distribution"]] == [
        ("不满6个月", 2), ("6个月至1年", 1), ("1年至3年", 0), ("3年以上", 0)]
    wage = rows["migrant-wage-arrears"]
    # an objection upheld before any decision overturns the proposal; the 2025 determination is outside
    assert (wage["decided"], wage["overturned_objection"], wage["median_days"]) == (0, 1, None)
    assert (gov["overturned_rate"], wage["overturned_rate"]) == (0.0, 100.0)
    assert gov["name"] not in ("gov-procurement", "已停用的名单类型")
    # an even number of times on the list: the mean of the middle two
    whole = client.get("/api/v1/statistics/list-standards", params={"from": "2026-01-01", "to": "2026-11-25"},
                       headers=h).json()
    gov_all = {x["list_type"]: x for x in whole["rows"]}["gov-procurement"]
    # adds 北京 2026-05-01 (208 days, still listed): times 10, 92, 208, 278 → (92 + 208) / 2
    assert (gov_all["decided"], gov_all["median_days"]) == (4, 150.0)
    x = client.get("/api/v1/statistics/list-standards/export", params={**HUAIAN, "fmt": "xlsx"}, headers=h)
    ws = load_workbook(io.BytesIO(x.content))["名单认定标准评估"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:2] == ["名单类型", "认定"] and any(v[1] == 3 and v[7] == 92 for v in values[1:])


def test_exports_carry_the_same_figures_as_safe_cells(client: Any, data: dict[str, Any]) -> None:
    h = {"X-API-Key": make_api_key("credit_office")}
    with unit_of_work() as s:  # one more penalty, published a month late
        key = f.subject(s, "320812")
        f.record(s, key, decided=f.dt.date(2026, 6, 1), published=f.beijing(2026, 6, 30))
    x = client.get("/api/v1/statistics/export", params={**HUAIAN, "fmt": "xlsx"}, headers=h)
    assert x.status_code == 200 and "attachment" in x.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(x.content))
    figures = {row[0].value: row[2].value for row in wb["指标"].iter_rows(min_row=2)}
    assert figures["失信行为记录"] == 5 and figures["7个工作日内公开"] == 2 and figures["超过7个工作日公开"] == 2
    c = client.get("/api/v1/statistics/export", params={**HUAIAN, "fmt": "csv"}, headers=h)
    text = c.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["失信行为记录", "records", "5", "件"] in rows
    assert ["行政处罚7个工作日内公开率", "2", "4", "50.0",
            "行政处罚决定日起7个工作日内在平台公开的比例（发改办财金〔2018〕893号 四）"] in rows
    # a department typed as a formula is written as text
    c = client.get("/api/v1/statistics/export", params={**HUAIAN, "fmt": "csv", "department": "=1+1"}, headers=h)
    rows = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert ["部门", "'=1+1"] in rows and all(not cell.startswith("=") for row in rows for cell in row)


def test_typical_case_marked_published_and_anonymised(client: Any, db_url: str) -> None:
    with unit_of_work() as s:
        key = f.subject(s, "320812", name="淮安市清江浦区示例商贸有限公司", code="91320812MA1XXXXX7K")
        rid = f.record(s, key, decided=f.dt.date(2026, 9, 29))
    officer = {"X-API-Key": make_api_key("determining_department", department="淮安市市场监督管理局")}
    office = {"X-API-Key": make_api_key("credit_office")}
    summary = ("淮安市清江浦区示例商贸有限公司（统一社会信用代码91320812MA1XXXXX7K）销售不合格食品，"
               "法定代表人身份证号320812198506150012，电话13912345678，依法罚款五万元并公开。")
    r = client.post("/api/v1/statistics/typical-cases", json={"kind": "record", "source_id": rid,
                                                              "title": "淮安市清江浦区示例商贸有限公司食品案",
                                                              "summary": summary}, headers=officer)
    assert r.status_code == 201, r.text
    marked = r.json()
    for secret in ("示例商贸", "91320812MA1XXXXX7K", "320812198506150012", "13912345678"):
        assert secret not in marked["title"] + marked["summary"], secret
    assert marked["title"] == "某单位食品案" and marked["status"] == "marked"
    assert client.get("/api/v1/statistics/typical-cases/published").json() == []
    # a department cannot publish; the credit office does, once
    assert client.post(f"/api/v1/statistics/typical-cases/{marked['id']}/publish", headers=officer).status_code == 403
    assert client.post(f"/api/v1/statistics/typical-cases/{marked['id']}/publish", headers=office).status_code == 200
    again = client.post(f"/api/v1/statistics/typical-cases/{marked['id']}/publish", headers=office)
    assert again.status_code == 409 and "已公布" in again.json()["error"]["message"]
    public = client.get("/api/v1/statistics/typical-cases/published").json()
    assert [p["title"] for p in public] == ["某单位食品案"] and "source_id" not in public[0]
    page = client.get("/typical-cases", headers={"accept": "text/html"})
    assert "某单位食品案" in page.text and "示例商贸" not in page.text
    figures = {x["key"]: x["value"] for x in client.get("/api/v1/statistics", headers=office).json()["figures"]}
    assert figures["typical.published"] == 1
    dup = client.post("/api/v1/statistics/typical-cases", json={"kind": "record", "source_id": rid,
                                                                "title": "重复标记", "summary": "再次标记同一条记录的说明"},
                      headers=officer)
    assert dup.status_code == 409


def test_evaluator_sees_statistics_and_anonymised_rows_only(client: Any, data: dict[str, Any]) -> None:
    ev = {"X-API-Key": make_api_key("evaluator", region="none")}
    body = client.get("/api/v1/statistics", params=HUAIAN, headers=ev)
    assert body.status_code == 200
    rows = client.get("/api/v1/statistics/rows/records.total", params=HUAIAN, headers=ev).json()
    text = repr(rows)
    assert rows["total"] == 4 and "统计测试" not in text and "91320812" not in text and "淮统罚" not in text
    assert client.get("/api/v1/statistics/list-standards", headers=ev).status_code == 200
    # nothing else: records, subjects, cases, screening, the access log, marking typical cases
    for path in ("/api/v1/share/subjects/91320812MA1XXXXX7K", "/api/v1/punishment-cases",
                 "/api/v1/screen/code/91320812MA1XXXXX7K", "/api/v1/disclosure/objections",
                 "/api/v1/public/search?q=统计测试", "/api/v1/units"):
        assert client.get(path, headers=ev).status_code == 403, path
    assert client.post("/api/v1/statistics/typical-cases", json={"kind": "record", "source_id": data["r1"],
                                                                 "title": "评估人员标记", "summary": "评估人员不能标记典型案例"},
                       headers=ev).status_code == 403


def test_other_roles_are_refused(client: Any, db_url: str) -> None:
    for role in ("implementing_unit", "subject", "public"):
        headers = {} if role == "public" else {"X-API-Key": make_api_key(role)}
        assert client.get("/api/v1/statistics", headers=headers).status_code in (401, 403), role


def test_console_dashboard_pages(client: Any, data: dict[str, Any]) -> None:
    console_login(client, "evaluator")
    page = client.get("/console/statistics", params=HUAIAN, headers={"accept": "text/html"})
    assert page.status_code == 200, page.text
    assert "信用监管统计" in page.text and "<svg" in page.text and "江苏省淮安市" in page.text
    assert "行政处罚7个工作日内公开率" in page.text and "66.7%" in page.text and "<script" not in page.text
    assert 'href="/console/statistics/rows/penalties.late?' in page.text
    rows = client.get("/console/statistics/rows/penalties.late", params=HUAIAN, headers={"accept": "text/html"})
    assert rows.status_code == 200 and "超过7个工作日公开：1 件" in rows.text
    std = client.get("/console/statistics/list-standards", params=HUAIAN, headers={"accept": "text/html"})
    assert std.status_code == 200 and "在列时间分布" in std.text
    assert client.get("/console/subjects", headers={"accept": "text/html"}).status_code == 403


def test_dashboard_empty_state(client: Any, db_url: str) -> None:
    console_login(client, "credit_office")
    page = client.get("/console/statistics", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'id="empty-state"' in page.text and "本期间暂无失信行为记录" in page.text and "无数据" in page.text


def test_console_marks_and_publishes_a_typical_case(client: Any, data: dict[str, Any]) -> None:
    console_login(client, "credit_office")
    token = form_token(client, "/console/statistics/typical-cases")
    r = client.post("/console/statistics/typical-cases", data={
        "csrf_token": token, "kind": "punishment_case", "source_id": str(data["j1"]), "title": "联合惩戒典型案例",
        "summary": "住房和城乡建设部门按期响应并反馈联合惩戒，限制参与政府采购。"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    listed = client.get("/api/v1/statistics/typical-cases/published").json()
    assert listed == []
    page = client.get("/console/statistics/typical-cases", headers={"accept": "text/html"})
    assert "联合惩戒典型案例" in page.text and "已标记，待公布" in page.text


def test_evaluator_account_from_the_command_line(client: Any, db_url: str) -> None:
    from typer.testing import CliRunner

    from tests.integration.security.helpers import PASSWORD, sign_in
    from xinyong.cli import app

    out = CliRunner().invoke(app, ["principal", "account", "第三方评估组", "--role", "evaluator", "--username",
                                   "pinggu", "--password", PASSWORD])
    assert out.exit_code == 0 and '"role": "evaluator"' in out.output, out.output
    assert sign_in(client, "pinggu").status_code == 303
    page = client.get("/console/statistics", headers={"accept": "text/html"})
    assert page.status_code == 200 and "统计评估" in page.text and "信用档案" not in page.text
