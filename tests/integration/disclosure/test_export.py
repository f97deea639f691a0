"""Reporting upward: any period's 双公示 information in the national columns, as XLSX or CSV (UTF-8 with BOM
or GBK), personal identifiers masked or withheld, every cell safe (国办发〔2020〕49号 §（五））."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from typer.testing import CliRunner

from tests.factories import department_headers, make_api_key, resident_id, uscc
from tests.integration.disclosure.shuanggongshi_seed import licence, penalty
from xinyong.core.access import PUBLIC, SYSTEM
from xinyong.core.db import unit_of_work
from xinyong.core.masking import RESIDENT_ID_RE
from xinyong.disclosure.export import Encoding, FileFormat, export_shuanggongshi, read_back
from xinyong.disclosure.national import LICENSING_COLUMNS, PENALTY_COLUMNS
from xinyong.records import service as records

COMPANY = "淮安市清江浦区导出示例有限公司"
DAY = dt.date(2026, 11, 2)


def _seed() -> dict[str, Any]:
    org = uscc(random.Random(51))
    person = resident_id(random.Random(52), "320812", dt.date(1980, 1, 2))
    ids = {
        "org": penalty(org, COMPANY, "淮市监罚〔2026〕511号", decided=DAY,
                       violation_facts="=HYPERLINK(\"http://x\")当事人销售过期食品"),
        "person": penalty(person, "欧阳娜娜", "淮市监罚〔2026〕512号", decided=DAY + dt.timedelta(days=1)),
        "shielded": penalty(org, COMPANY, "淮市监罚〔2026〕513号", decided=DAY),
        "earlier": penalty(org, COMPANY, "淮市监罚〔2026〕514号", decided=dt.date(2026, 9, 1)),
        "licence": licence(org, COMPANY, "清审批许〔2026〕515号", decided=DAY),
    }
    with unit_of_work() as s:
        records.set_status(s, ids["shielded"], "repaired_shielded", "信用修复（屏蔽）")
    return {**ids, "org_code": org, "person_code": person}


def test_penalty_export_in_national_columns_masked_and_safe(db_url: str) -> None:
    seeded = _seed()
    done = export_shuanggongshi(SYSTEM, "penalty", DAY, DAY + dt.timedelta(days=10), fmt="csv")
    assert done.data.startswith(b"\xef\xbb\xbf") and done.filename.endswith(".csv") and done.rows == 2
    rows = read_back(done.data, FileFormat.csv)
    header = done.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == list(PENALTY_COLUMNS)
    by_number = {r["行政处罚决定书文号"]: r for r in rows}
    # the shielded one and the one before the period are not there
    assert set(by_number) == {"淮市监罚〔2026〕511号", "淮市监罚〔2026〕512号"}
    org = by_number["淮市监罚〔2026〕511号"]
    assert org["行政相对人名称"] == COMPANY and org["行政相对人代码_1（统一社会信用代码）"] == seeded["org_code"]
    assert org["违法事实"].startswith("'=HYPERLINK")  # written as text, never run as a formula
    assert (org["处罚依据"], org["处罚类别"], org["罚款金额（万元）"]) == (
        "《中华人民共和国食品安全法》第一百二十四条第一款", "警告；罚款", "5")
    assert org["处罚决定日期"] == DAY.isoformat() and org["公示截止期"] > DAY.isoformat()
    assert org["数据来源单位"] == "淮安市市场监督管理局" and org["法定代表人"] == "王**"
    assert org["法定代表人身份证号"] == "" and org["行政相对人类别"] == "法人及非法人组织"
    person = by_number["淮市监罚〔2026〕512号"]
    assert person["行政相对人名称"] == "欧阳**" and person["行政相对人类别"] == "自然人"
    assert person["证件号码"].count("*") == 10 and person["行政相对人代码_1（统一社会信用代码）"] == ""
    assert seeded["person_code"] not in done.data.decode("utf-8-sig")
    assert not RESIDENT_ID_RE.search(done.data.decode("utf-8-sig"))

    gbk = export_shuanggongshi(SYSTEM, "penalty", DAY, DAY + dt.timedelta(days=10), fmt="csv", encoding="gbk")
    assert read_back(gbk.data, FileFormat.csv, Encoding.gbk) == rows and gbk.filename.endswith("-gbk.csv")
    xlsx = export_shuanggongshi(SYSTEM, "penalty", DAY, DAY + dt.timedelta(days=10), fmt="xlsx")
    assert xlsx.data[:2] == b"PK" and read_back(xlsx.data, FileFormat.xlsx) == rows


def test_licensing_export(db_url: str) -> None:
    seeded = _seed()
    done = export_shuanggongshi(SYSTEM, "licensing", DAY, DAY, fmt="xlsx")
    [row] = read_back(done.data, FileFormat.xlsx)
    assert list(row) == list(LICENSING_COLUMNS)
    assert row["行政许可决定文书号"] == "清审批许〔2026〕515号" and row["许可类别"] == "核准"
    assert row["当前状态"] == "有效" and row["有效期至"] == DAY.replace(year=DAY.year + 5).isoformat()
    assert row["行政相对人代码_1（统一社会信用代码）"] == seeded["org_code"] and row["法定代表人"] == "王**"


def test_export_refusals_and_api(client: Any) -> None:
    _seed()
    assert client.get("/api/v1/export/shuanggongshi", params={"kind": "penalty", "from": "2026-11-01",
                                                              "to": "2026-11-30"}).status_code in (401, 403)
    admin = {"X-API-Key": make_api_key("admin")}
    ok = client.get("/api/v1/export/shuanggongshi", headers=admin, params={
        "kind": "penalty", "from": "2026-11-01", "to": "2026-11-30", "format": "csv"})
    assert ok.status_code == 200 and "attachment" in ok.headers["content-disposition"]
    assert len(read_back(ok.content, FileFormat.csv)) == 2
    bad = client.get("/api/v1/export/shuanggongshi", headers=admin, params={
        "kind": "fines", "from": "2026-11-01", "to": "2026-11-30"})
    assert bad.status_code == 422 and "行政处罚" in bad.json()["error"]["message"]
    backwards = client.get("/api/v1/export/shuanggongshi", headers=admin, params={
        "kind": "penalty", "from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 422 and "截止日期" in backwards.json()["error"]["message"]
    # a determining department exports its own department's records only (谁认定、谁负责)
    other = client.get("/api/v1/export/shuanggongshi", headers=department_headers("淮安市生态环境局"), params={
        "kind": "penalty", "from": "2026-11-01", "to": "2026-11-30", "format": "csv"})
    assert other.status_code == 200 and read_back(other.content, FileFormat.csv) == []
    assert client.get("/api/v1/export/shuanggongshi", headers={"X-API-Key": make_api_key("implementing_unit")},
                      params={"kind": "penalty", "from": "2026-11-01", "to": "2026-11-30"}).status_code == 403


def test_export_cli_and_console_download(client: Any, tmp_path: Any) -> None:
    _seed()
    from xinyong.cli import app

    out = tmp_path / "penalties.csv"
    result = CliRunner().invoke(app, ["export", "shuanggongshi", "--kind", "penalty", "--from", "2026-11-01",
                                      "--to", "2026-11-30", "--format", "csv", "--encoding", "gbk",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出2条" in result.output
    assert len(read_back(out.read_bytes(), FileFormat.csv, Encoding.gbk)) == 2
    refused = CliRunner().invoke(app, ["export", "shuanggongshi", "--kind", "x", "--from", "2026-11-01",
                                       "--to", "2026-11-30"])
    assert refused.exit_code == 2

    from tests.integration.security.helpers import console_login

    console_login(client, "admin")
    form = client.get("/console/disclosure/export", headers={"accept": "text/html"})
    assert form.status_code == 200 and "双公示信息导出" in form.text
    got = client.get("/console/disclosure/export/file", params={
        "kind": "licensing", "from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"})
    assert got.status_code == 200 and got.content[:2] == b"PK"
    bad = client.get("/console/disclosure/export/file", params={"kind": "penalty", "from": "x", "to": "y"},
                     headers={"accept": "text/html"})
    assert bad.status_code == 422 and "有效的起止日期" in bad.text


def test_the_public_cannot_export(db_url: str) -> None:
    import pytest

    from xinyong.core.errors import Forbidden

    with pytest.raises(Forbidden):
        export_shuanggongshi(PUBLIC, "penalty", DAY, DAY)
