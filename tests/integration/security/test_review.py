"""Tried as a new user would: sign in to the console as an officer, read a credit file, then find
that read on the review page; and the CLI's list and anomalies."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.factories import uscc
from tests.integration.security.helpers import console_login
from xinyong.cli import app

HTML = {"accept": "text/html"}
runner = CliRunner()


def test_officer_read_shows_up_on_the_review_page(client, api_key) -> None:
    code = uscc()
    created = client.post("/api/v1/subjects", json={"code": code, "name": "淮安市审查示例有限公司"},
                          headers=api_key("admin"))
    assert created.status_code == 201, created.text
    # a department's officer reads a whole credit file (implementing units receive only what is shared)
    console_login(client, "determining_department", name="淮安市公共资源交易监督管理办公室",
                  department="淮安市公共资源交易监督管理办公室", region="320800")
    page = client.get("/console/subjects", params={"code": code, "purpose": "procurement"}, headers=HTML)
    assert page.status_code == 200, page.text
    client.cookies.clear()

    console_login(client, "credit_office", name="淮安市信用办审查员", region="320800")
    review = client.get("/console/access-log", params={"action": "credit_file.read"}, headers=HTML)
    assert review.status_code == 200, review.text
    assert "淮安市公共资源交易监督管理办公室" in review.text
    assert "政府采购、招标投标" in review.text
    assert code not in review.text  # the subject appears only as its keyed hash
    assert "无案由查询" in review.text  # the read named no case
    flagged = client.get("/console/access-log", params={"flagged": "1"}, headers=HTML)
    assert "淮安市公共资源交易监督管理办公室" in flagged.text
    denied = client.get("/console/access-log", params={"result": "denied"}, headers=HTML)
    assert "<td>淮安市公共资源交易监督管理办公室" not in denied.text  # (the flags panel still names it)


def test_review_page_is_for_reviewers_only(client) -> None:
    console_login(client, "implementing_unit")
    r = client.get("/console/access-log", headers=HTML)
    assert r.status_code == 403
    assert "无权" in r.text


def test_bad_date_filter_is_explained(client) -> None:
    console_login(client, "credit_office", region="320800")
    r = client.get("/console/access-log", params={"since": "2026-13-45"}, headers=HTML)
    assert r.status_code == 200
    assert "不是有效日期" in r.text


def test_cli_list_and_anomalies(client, api_key) -> None:
    headers = api_key("determining_department", name="淮安市某监管局", department="淮安市某监管局")
    for i in range(3):
        code = uscc()
        client.post("/api/v1/subjects", json={"code": code, "name": f"示例{i}有限公司"}, headers=api_key("admin"))
        assert client.get(f"/api/v1/subjects/{code}", headers=headers).status_code == 200
    client.get("/api/v1/subjects/91320812MA1W8XYZ2X", headers={})  # the public: denied
    listed = runner.invoke(app, ["access-log", "list", "--principal", "淮安市某监管局"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 3 and all(r["action"] == "credit_file.read" for r in rows)
    denied = runner.invoke(app, ["access-log", "list", "--denied"])
    assert any(json.loads(line)["role"] == "public" for line in denied.stdout.splitlines() if line.startswith("{"))
    flags = runner.invoke(app, ["access-log", "anomalies", "--threshold", "3", "--window-minutes", "5"])
    assert flags.exit_code == 0
    kinds = {json.loads(line)["kind"] for line in flags.stdout.splitlines() if line.startswith("{")}
    assert {"many_subjects", "no_case"} <= kinds
    bad = runner.invoke(app, ["access-log", "list", "--since", "yesterday"])
    assert bad.exit_code == 2 and "不是有效日期" in bad.output
