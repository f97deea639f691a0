"""Tried as a new user would: a real-looking .docx with a 文号 line and five measures uploaded through the
console gives five ledger rows under one document; the 文号 is found, edited on the page, through the API
and supplied on the command line; a measure without a basis cannot be kept; the roll-up counts the
score-based punishment of persons."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.integration.security.helpers import console_login, form_token
from xinyong.cli import app

HTML = {"accept": "text/html"}
UNIT = "XX市交通运输局"
HEAD = ["XX市交通运输局文件", "X交发〔2021〕5号"]
TITLE = "关于加强交通运输领域信用管理的通知"
BODY = [
    "各有关单位：",
    "一、将行人闯红灯受到行政处罚的行为信息记入个人信用记录，在“信用XX”网站公示。",
    "二、对列入拖欠农民工工资失信联合惩戒对象名单的运输企业，在政府采购、招投标、融资贷款等方面依法依规予以限制。",
    "三、家长个人信用积分低于600分的，其子女不得报名就读市区优质公办学校。",
    "四、对拖欠运输费用的企业，其法定代表人不得乘坐飞机、高铁。",
    "五、出租汽车企业一年内被投诉三次以上的，列入出租汽车失信企业名单。",
    "六、本通知自印发之日起施行。",
    "XX市交通运输局",
    "2021年3月1日",
]


def official_docx() -> bytes:
    """A notice laid out as offices print them: organ, 文号 on its own line, title, body, signature."""
    import docx

    d = docx.Document()
    for line in HEAD:
        d.add_paragraph(line)
    d.add_heading(TITLE, level=1)
    for line in BODY:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_new_user_uploads_a_docx_with_five_measures(client: Any) -> None:
    console_login(client, "implementing_unit", name="王五", department=UNIT, region="320802")
    token = form_token(client, "/console/ledger")
    r = client.post("/console/ledger/documents", headers=HTML, follow_redirects=False,
                    data={"csrf_token": token},
                    files={"file": ("关于加强交通运输领域信用管理的通知.docx", official_docx(), "application/octet-stream")})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"], headers=HTML)
    assert "发现5处涉及失信约束措施的条款" in page.text
    assert f"《{TITLE}》(X交发〔2021〕5号)" in page.text  # the 文号 was found on the second line
    assert "台账行（每项措施一行，共5行）" in page.text

    x = client.get("/console/ledger/export.xlsx", headers=HTML)
    ws = load_workbook(io.BytesIO(x.content)).active
    names = [ws.cell(row=r, column=2).value for r in range(3, 8)]
    assert names[0] == f"《{TITLE}》(X交发〔2021〕5号)" and names[1:] == [None] * 4  # merged cells
    assert "B3:B7" in {str(m) for m in ws.merged_cells.ranges}
    summaries = [ws.cell(row=r, column=6).value for r in range(3, 8)]
    assert all(s and s.startswith(n) for s, n in zip(summaries, "一二三四五", strict=True))
    assert ws.cell(row=8, column=2).value is None  # nothing after the five measures but the notes
    dispositions = [ws.cell(row=r, column=10).value for r in range(3, 8)]
    assert dispositions[1] == "保留" and dispositions[2] == "相关内容删除" and dispositions[3] == "相关内容删除"
    national = [ws.cell(row=r, column=7).value for r in range(3, 8)]
    bases = [ws.cell(row=r, column=9).value for r in range(3, 8)]
    for yes, basis, disposition in zip(national, bases, dispositions, strict=True):
        if yes == "是":
            assert basis != "无"
        if basis == "无":
            assert yes == "否" and disposition != "保留"
    assert [ws.cell(row=r, column=5).value for r in range(3, 8)][2] == "是"  # the score clause is a punishment

    # the 文号 is editable on the page
    doc_path = r.headers["location"].split("?")[0]
    r = client.post(doc_path, headers=HTML, follow_redirects=True, data={
        "csrf_token": token, "title": TITLE, "doc_number": "X交发〔2021〕6号"})
    assert "台账栏目已保存" in r.text and "(X交发〔2021〕6号)" in r.text


def test_doc_number_through_the_api_and_keep_needs_a_basis(client: Any, api_key: Any) -> None:
    officer = api_key("implementing_unit", department=UNIT)
    text = "\n".join([*HEAD, TITLE, *BODY])
    r = client.post("/api/v1/ledger/documents", json={"text": text}, headers=officer)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["doc_number"] == "X交发〔2021〕5号" and len(doc["rows"]) == 5
    r = client.patch(f"/api/v1/ledger/documents/{doc['id']}", json={"doc_number": "X交发〔2021〕7号"}, headers=officer)
    assert r.status_code == 200 and r.json()["name_with_number"].endswith("(X交发〔2021〕7号)")

    # the restriction on the legal representative has no basis: it may not be kept, in Chinese, nothing written
    rep = next(c for c in doc["clauses"] if "法定代表人" in c["text"])
    assert rep["proposal"]["disposition"] == "相关内容删除" and rep["proposal"]["national_basis"] is None
    r = client.put(f"/api/v1/ledger/clauses/{rep['id']}/decision",
                   json={"disposition": "保留", "note": "本局认为可以保留"}, headers=officer)
    assert r.status_code == 422 and "没有国家层面依据或地方性法规依据的措施不能保留" in r.json()["error"]["message"]
    again = client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=officer).json()
    assert next(c for c in again["clauses"] if c["id"] == rep["id"])["decision"] is None
    # claiming a basis needs its provision written down
    r = client.put(f"/api/v1/ledger/clauses/{rep['id']}/decision",
                   json={"disposition": "保留", "national_basis": True, "note": "有依据"}, headers=officer)
    assert r.status_code == 422 and "依据的具体内容" in r.json()["error"]["message"]
    # the whole document cannot be kept either
    r = client.patch(f"/api/v1/ledger/documents/{doc['id']}",
                     json={"decided_disposition": "保留", "decision_note": "全部保留"}, headers=officer)
    assert r.status_code == 422 and "不能保留" in r.json()["error"]["message"]

    # the credit office's roll-up counts the score-based punishment of persons
    office = api_key("credit_office", department="淮安市信用办", region="320800")
    roll = client.get("/api/v1/ledger/rollup", headers=office).json()
    unit = next(u for u in roll["units"] if u["unit_name"] == UNIT)
    assert unit["conflicts"] == 1 and roll["totals"]["conflicts"] >= 1 and unit["measures"] == 5
    assert "不得以低信用分为由，对个人实施惩戒" in roll["totals"]["low_score_rule"]


def test_cli_analyze_takes_the_doc_number(tmp_path: Path) -> None:
    path = tmp_path / "notice.docx"
    path.write_bytes(official_docx())
    xlsx = tmp_path / "ledger.xlsx"
    runner = CliRunner()
    result = runner.invoke(app, ["ledger", "analyze", str(path), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "文号：X交发〔2021〕5号" in result.stdout and "5行，每项措施一行" in result.stdout
    ws = load_workbook(xlsx).active
    assert ws.cell(row=3, column=2).value == f"《{TITLE}》(X交发〔2021〕5号)"
    result = runner.invoke(app, ["ledger", "analyze", str(path), "--xlsx", str(xlsx), "--doc-number", "X交发〔2021〕9号"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(xlsx).active
    assert ws.cell(row=3, column=2).value == f"《{TITLE}》(X交发〔2021〕9号)"
    assert re.search(r"\d+行", result.stdout)
