from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from tests.factories import make_api_key
from tests.integration.disclosure.seed import add_record, company
from tests.integration.security.helpers import console_login
from xinyong.cli import app as cli
from xinyong.core import clock
from xinyong.core.workdays import add_workdays

HTML = {"accept": "text/html"}


def test_late_penalties_listed_per_department(client, api_key) -> None:
    org = company(seed=41, name="淮安市时限示例有限公司")  # penalties decided 20 days ago, stored today: late
    today = clock.today()
    recent = today - dt.timedelta(days=1)
    add_record(org.code, org.name, "admin-penalty", "淮环罚〔2026〕9号", decided=recent, authority="淮安市生态环境局")
    body = client.get("/api/v1/disclosure/late", headers=api_key("credit_office"))
    assert body.status_code == 200, body.text
    data = body.json()
    assert data["workdays"] == 7 and "893" in data["basis"]
    groups = {g["department"]: g for g in data["departments"]}
    assert set(groups) == {"淮安市市场监督管理局"}  # the environment bureau's penalty is on time
    numbers = {i["document_number"]: i for i in groups["淮安市市场监督管理局"]["items"]}
    assert set(numbers) == {"淮市监罚〔2026〕4101号", "淮市监罚〔2024〕4103号"}
    late = numbers["淮市监罚〔2026〕4101号"]
    decided = today - dt.timedelta(days=20)
    assert late["due_on"] == add_workdays(decided, 7).date.isoformat()
    assert late["disclosed_on"] == today.isoformat() and late["state"] == "late" and late["days_late"] > 0
    # a determining department sees only its own
    own = client.get("/api/v1/disclosure/late", headers=api_key("determining_department", department="淮安市生态环境局"))
    assert own.json()["departments"] == []
    assert client.get("/api/v1/disclosure/late").status_code == 403
    # CLI
    result = CliRunner().invoke(cli, ["disclosure", "late", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [g["department"] for g in out["departments"]] == ["淮安市市场监督管理局"]
    text = CliRunner().invoke(cli, ["disclosure", "late"])
    assert "淮市监罚〔2026〕4101号" in text.output and "逾期公开" in text.output
    bad = CliRunner().invoke(cli, ["disclosure", "late", "--on", "2026-13-01"])
    assert bad.exit_code == 2 and "日期格式错误" in bad.output
    # console page
    console_login(client, "credit_office", region="320800")
    page = client.get("/console/disclosure/late", headers=HTML)
    assert page.status_code == 200 and "淮市监罚〔2026〕4101号" in page.text and "逾期公开" in page.text


def test_end_expired_ends_publication_at_the_maximum(client, api_key) -> None:
    org = company(seed=42, name="淮安市届满示例有限公司")
    r = client.post("/api/v1/disclosure/end-expired", headers=api_key("admin"))
    assert r.status_code == 200, r.text
    assert org.record_ids["old"] in r.json()["ended"]
    assert org.record_ids["penalty"] not in r.json()["ended"]
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    statuses = {x["record_id"]: x["status"] for x in client.get("/api/v1/self/record", headers=me).json()["records"]}
    assert statuses[org.record_ids["old"]] == "disclosure_ended"
    again = CliRunner().invoke(cli, ["disclosure", "end-expired"])
    assert again.exit_code == 0 and "停止公示0条" in again.output
    assert client.post("/api/v1/disclosure/end-expired", headers=api_key("credit_office")).status_code == 403


def test_grant_scope_cli(client, api_key) -> None:
    from xinyong.core.access import authenticate
    from xinyong.core.db import unit_of_work

    token = make_api_key("implementing_unit")
    with unit_of_work() as s:
        pid = authenticate(s, token).id
    ok = CliRunner().invoke(cli, ["disclosure", "grant-scope", str(pid), "implementing_units"])
    assert ok.exit_code == 0 and "implementing_units" in ok.output
    bad = CliRunner().invoke(cli, ["disclosure", "grant-scope", str(pid), "martians"])
    assert bad.exit_code == 2 and "共享范围无效" in bad.output


def test_objections_cli_lists_open_and_overdue(client) -> None:
    org = company(seed=43, name="淮安市异议清单示例有限公司")
    me = {"X-API-Key": make_api_key("subject", subject_key=org.key)}
    r = client.post("/api/v1/self/objections", headers=me,
                    data={"record_id": str(org.record_ids["penalty"]), "reason": "处罚金额记载错误"})
    assert r.status_code == 201
    listed = CliRunner().invoke(cli, ["disclosure", "objections", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert row["status"] == "open" and row["overdue"] is False
    overdue = CliRunner().invoke(cli, ["disclosure", "objections", "--overdue"])
    assert overdue.exit_code == 0 and "没有符合条件的异议" in overdue.output
    text = CliRunner().invoke(cli, ["disclosure", "objections", "--department", "淮安市市场监督管理局"])
    assert f"异议{row['id']}" in text.output and "处理中" in text.output
    # ten working days later, unanswered: overdue
    from xinyong.core.db import unit_of_work
    from xinyong.disclosure.models import Objection

    with unit_of_work() as s:
        o = s.get(Objection, row["id"])
        assert o is not None
        o.due_on = clock.today() - dt.timedelta(days=1)
    overdue = CliRunner().invoke(cli, ["disclosure", "objections", "--overdue"])
    assert f"异议{row['id']}" in overdue.output and "已超期" in overdue.output
