"""Agency supervision in the console, from /my and from the command line; the migration carries the
suspensions made before the suspension history existed."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.factories import uscc
from tests.integration.agencies.conftest import COMPANY, Agencies
from tests.integration.repair.conftest import set_today
from tests.integration.security.helpers import csrf_from, make_account, sign_in
from xinyong.app import create_app
from xinyong.cli import app
from xinyong.core.db import dispose_engines
from xinyong.core.migrate import alembic_config

HTML = {"accept": "text/html"}


def _browser(role: str, **kwargs: Any) -> TestClient:
    c = TestClient(create_app())
    username, _ = make_account(role, **kwargs)
    assert sign_in(c, username).status_code == 303
    return c


def test_office_registers_qualifies_suspends_and_supervises_in_the_console(world: Agencies) -> None:
    office = _browser("credit_office", department="淮安市信用办", region="320800")
    page = office.get("/console/agencies", headers=HTML)
    assert page.status_code == 200 and "暂无逾期事项" in page.text
    r = office.post("/console/agencies", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "name": "江苏诚信评估有限公司", "uscc": uscc(random.Random(5)),
        "filing_number": "苏信备2022-009", "region_code": ""})
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    file = office.get(url, headers=HTML)
    assert "江苏诚信评估有限公司" in file.text and "未登记资质" in file.text
    token = csrf_from(file.text)
    bad = office.post(url + "/qualifications", headers=HTML, data={
        "csrf_token": token, "name": "信用评级", "certificate_number": "1", "issued_by": "人民银行",
        "valid_from": "2026-13-01"})
    assert bad.status_code == 422 and "有效期起格式错误" in bad.text
    assert office.post(url + "/qualifications", headers=HTML, follow_redirects=False, data={
        "csrf_token": token, "name": "信用评级", "certificate_number": "1", "issued_by": "人民银行",
        "valid_from": "2021-01-01", "valid_until": "2027-12-31"}).status_code == 303
    assert office.post(url + "/status", headers=HTML, follow_redirects=False, data={
        "csrf_token": token, "action": "suspend", "reason": "拒不整改"}).status_code == 303
    after = office.get(url, headers=HTML).text
    assert "已被暂停，其出具的信用报告在信用修复中不予采用" in after and "暂停：拒不整改" in after
    assert "2021-01-01 至 2027-12-31" in after
    # a subject may not open the office's pages
    company = _browser("subject", subject_code=world.code, name=COMPANY)
    assert company.get("/console/agencies", headers=HTML).status_code == 403


def test_subject_files_a_request_from_my_and_the_office_sees_it_overdue(world: Agencies) -> None:
    agency = world.register()
    company = _browser("subject", subject_code=world.code, name=COMPANY)
    form = company.get("/my/agency-requests", headers=HTML)
    assert form.status_code == 200 and "江苏示例信用管理有限公司" in form.text and "暂定" in form.text
    empty = company.post("/my/agency-requests", headers=HTML, data={
        "csrf_token": csrf_from(form.text), "agency_id": str(agency), "kind": "deletion", "ground": "privacy",
        "information": "", "requested_change": "删除"})
    assert empty.status_code == 422 and "请填写机构所掌握的相关信息" in empty.text
    r = company.post("/my/agency-requests", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(form.text), "agency_id": str(agency), "kind": "deletion", "ground": "privacy",
        "information": "机构报告载有法定代表人的家庭住址", "requested_change": "删除家庭住址"})
    assert r.status_code == 303 and r.headers["location"] == "/my/agency-requests?filed=1"
    listed = company.get("/my/agency-requests?filed=1", headers=HTML).text
    assert "删除申请（侵犯个人隐私）" in listed and "待机构答复" in listed and "2026-12-09" in listed
    set_today(dt.date(2026, 12, 10))
    office = _browser("credit_office", department="淮安市信用办", region="320800")
    home = office.get("/console/agencies", headers=HTML).text
    assert "机构逾期未答复" in home
    queue = office.get("/console/agencies/supervision", headers=HTML)
    assert "删除家庭住址" in queue.text and "依据待核实" in queue.text
    rid = world.client.get("/api/v1/agencies/requests/mine", headers=world.subject).json()[0]["id"]
    r = office.post(f"/console/agencies/requests/{rid}/answer", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(queue.text), "answer": "deleted", "text": "已删除家庭住址", "answered_on": "2026-12-10"})
    assert r.status_code == 303
    r = office.post(f"/console/agencies/requests/{rid}/supervise", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_from(queue.text), "outcome": "confirmed", "note": "核实已删除"})
    assert r.status_code == 303
    company = _browser("subject", subject_code=world.code, name=COMPANY)  # the first session expired meanwhile
    done = company.get("/my/agency-requests", headers=HTML).text
    assert "已办结" in done and "已删除：已删除家庭住址" in done and "机构处理得当，予以确认" in done


def test_command_line(world: Agencies) -> None:
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["agencies", *args])
        return result.exit_code, result.output

    code, out = run("add", "江苏示例征信服务有限公司", "--uscc", uscc(random.Random(3)), "--filing-number", "苏备1",
                    "--region", "320800")
    assert code == 0, out
    agency = json.loads(out)["id"]
    code, out = run("qualify", str(agency), "--name", "征信业务经营许可", "--certificate", "Z-1", "--issued-by",
                    "中国人民银行", "--from", "2022-01-01", "--until", "2026-10-31")
    assert code == 0 and json.loads(out)["state_name"] == "不在有效期内"
    assert run("suspend", str(agency), "--reason", "超范围经营")[0] == 0
    code, out = run("request", str(agency), "--subject", world.code, "--kind", "correction",
                    "--information", "错误的欠税记录", "--change", "更正")
    assert code == 0 and json.loads(out)["status_name"] == "待机构答复"
    code, out = run("overdue")
    assert code == 0 and json.loads(out) == {"requests": [], "rectifications": []}
    assert run("rectify", str(agency), "--requirement", "整改", "--deadline", "2026-11-25")[0] == 0
    set_today(dt.date(2026, 12, 1))
    code, out = run("overdue")
    assert code == 3 and json.loads(out)["rectifications"][0]["requirement"] == "整改"
    code, out = run("file", str(agency))
    assert code == 0 and json.loads(out)["status_history"][0]["reason"] == "超范围经营"
    assert run("qualify", str(agency), "--name", "x", "--certificate", "1", "--issued-by", "y", "--from", "bad")[0] == 2
    assert run("suspend", "999999", "--reason", "x")[0] == 1


def test_migration_carries_earlier_suspensions_into_the_history(db_url: str) -> None:
    """A registry suspended before agencies_0001 keeps its suspension as the first line of the history."""
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "agencies@-1")
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        assert "agency_status_changes" not in sa.inspect(conn).get_table_names()
        conn.execute(sa.text(
            "INSERT INTO credit_agencies (name, uscc, filing_number, status, status_reason, created_at, updated_at) "
            "VALUES ('旧机构', :u, '备1', 'suspended', '出具虚假报告', :t, :t), "
            "('正常机构', :v, '备2', 'active', NULL, :t, :t)"),
            {"u": uscc(random.Random(11)), "v": uscc(random.Random(12)), "t": "2026-03-01 08:00:00+00:00"})
    command.upgrade(cfg, "heads")
    with engine.begin() as conn:
        rows = conn.execute(sa.text(
            "SELECT a.name, h.action, h.reason, h.decided_on FROM agency_status_changes h "
            "JOIN credit_agencies a ON a.id = h.agency_id")).all()
        region = conn.execute(sa.text("SELECT region_code FROM credit_agencies WHERE name = '旧机构'")).scalar()
    engine.dispose()
    dispose_engines()
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows] == [("旧机构", "suspend", "出具虚假报告", "2026-03-01")]
    assert region is None
