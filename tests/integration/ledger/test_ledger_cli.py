"""`xinyong ledger analyze|register|export` with real .txt, .docx and .pdf files made in the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.factories import make_api_key
from tests.unit.ledger.test_extract import make_docx, make_pdf
from xinyong.cli import app
from xinyong.ledger.extract import extract_path
from xinyong.ledger.rules import LEDGER_COLUMNS

runner = CliRunner()
CLAUSE_KEYS = {
    "text", "start", "end", "includes_credit_information", "creates_blacklist", "imposes_punishment",
    "scores_individuals", "national_basis", "local_basis", "disposition", "reason",
}
TITLE = "XX区交通运输局关于加强交通信用管理的通知"
LINES = [
    "第一条 将行人闯红灯受到行政处罚的行为信息记入个人信用记录，其中严重的列入“黑名单”，禁止驾驶营运车辆。",
    "第二条 市民个人信用积分低于600分的，在申请公共租赁住房时不予受理。",
    "第三条 本通知自印发之日起施行。",
]


def write(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"notice.{kind}"
    if kind == "txt":
        path.write_text(TITLE + "\n\n" + "\n".join(LINES) + "\n", encoding="utf-8")
    elif kind == "docx":
        path.write_bytes(make_docx(TITLE, LINES))
    else:
        path.write_bytes(make_pdf([TITLE, *LINES]))
    return path


def analyze_json(path: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["ledger", "analyze", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, "exactly one JSON object"
    return json.loads(lines[0])


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
def test_analyze_json_contract(tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, kind)
    out = analyze_json(path)
    assert set(out) == {"document", "clauses"}
    assert out["document"]["format"] == kind
    text = extract_path(path).text
    clauses = out["clauses"]
    assert len(clauses) == 2
    for c in clauses:
        assert set(c) == CLAUSE_KEYS
        assert text[c["start"]:c["end"]] == c["text"]
        assert c["disposition"] in {"保留", "修订", "立法", "废止", "相关内容删除"}
        assert isinstance(c["reason"], str) and c["reason"]
    jay, score = clauses
    assert jay["includes_credit_information"] and jay["creates_blacklist"] and jay["imposes_punishment"]
    assert jay["disposition"] == "相关内容删除" and jay["local_basis"] is None
    assert score["scores_individuals"] and score["imposes_punishment"]
    assert "不得以低信用分为由" in score["reason"]


def test_document_without_measures_gives_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("XX区关于做好春节期间安全生产工作的通知\n各单位要加强值班值守，确保节日期间安全稳定。\n",
                    encoding="utf-8")
    out = analyze_json(path)
    assert out["clauses"] == []
    assert out["document"]["disposition"] == "保留"


def test_analyze_writes_xlsx_and_prints_readable_text(tmp_path: Path) -> None:
    path = write(tmp_path, "txt")
    xlsx = tmp_path / "ledger.xlsx"
    result = runner.invoke(app, ["ledger", "analyze", str(path), "--xlsx", str(xlsx), "--unit", "XX区交通运输局"])
    assert result.exit_code == 0, result.output
    assert "处置建议" in result.stdout and "相关内容删除" in result.stdout
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == "XX区交通运输局失信约束措施台账"
    assert tuple(ws.cell(row=2, column=c).value for c in range(1, 15)) == LEDGER_COLUMNS
    assert ws.cell(row=3, column=2).value == f"《{TITLE}》"
    assert [ws.cell(row=3, column=c).value for c in (3, 4, 5)] == ["是", "是", "是"]


def test_analyze_refuses_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "notice.xls"
    bad.write_bytes(b"x")
    result = runner.invoke(app, ["ledger", "analyze", str(bad), "--json"])
    assert result.exit_code == 2 and "不支持的文件格式" in result.output
    result = runner.invoke(app, ["ledger", "analyze", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "文件不存在" in result.output


def test_register_and_export(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "docx")
    # the CLI acts for a registered unit only
    unknown = runner.invoke(app, ["ledger", "register", str(path), "--unit", "XX区交通运输局"])
    assert unknown.exit_code == 1 and "未找到已登记的单位“XX区交通运输局”" in unknown.output
    make_api_key("implementing_unit", department="XX区交通运输局")
    result = runner.invoke(app, ["ledger", "register", str(path), "--unit", "XX区交通运输局",
                                 "--doc-number", "X交运〔2021〕3号", "--issued-on", "2021-01-05"])
    assert result.exit_code == 0, result.output
    registered = json.loads(result.stdout)
    assert registered["clause_count"] == 2 and registered["source_format"] == "docx"
    again = runner.invoke(app, ["ledger", "register", str(path), "--unit", "XX区交通运输局"])
    assert again.exit_code == 1 and "已登记" in again.output
    out = tmp_path / "export.xlsx"
    result = runner.invoke(app, ["ledger", "export", "XX区交通运输局", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert ws.cell(row=3, column=2).value == f"《{TITLE}》(X交运〔2021〕3号)"
