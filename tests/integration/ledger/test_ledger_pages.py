"""Tried as a new user would: sign in, upload a document in the console, review the proposals,
confirm and override, fill in the row, export the ledger and open it; the credit office's roll-up."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from tests.factories import make_api_key
from tests.integration.ledger.test_ledger_api import TRAFFIC, UNIT
from tests.integration.security.helpers import console_login, form_token
from tests.unit.ledger.test_extract import make_docx
from xinyong.ledger.rules import LEDGER_COLUMNS

HTML = {"accept": "text/html"}


def test_upload_review_export_in_the_console(client: Any) -> None:
    console_login(client, "implementing_unit", name="李四", department=UNIT, region="210211")
    home = client.get("/console/ledger", headers=HTML)
    assert home.status_code == 200 and f"{UNIT}失信约束措施台账" in home.text
    token = form_token(client, "/console/ledger")

    # nothing chosen: a clear Chinese message, nothing registered
    r = client.post("/console/ledger/documents", headers=HTML, data={"csrf_token": token}, follow_redirects=True)
    assert "请选择要上传的文件" in r.text and "尚未登记文件" in r.text

    docx = make_docx("XX区交通运输局关于加强交通信用管理的通知", TRAFFIC.splitlines()[3:5])
    r = client.post("/console/ledger/documents", headers=HTML, follow_redirects=False,
                    data={"csrf_token": token, "doc_number": "X交运〔2021〕3号", "issued_on": "2021-01-05"},
                    files={"file": ("通知.docx", docx, "application/octet-stream")})
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"], headers=HTML)
    assert page.status_code == 200
    assert "发现2处涉及失信约束措施的条款" in page.text
    assert "禁止驾驶营运车辆" in page.text and "相关内容删除" in page.text
    assert "保障农民工工资支付条例" in page.text
    doc_path = r.headers["location"].split("?")[0]
    clause_ids = re.findall(r'/console/ledger/clauses/(\d+)/decision', page.text)
    jay, wage = sorted(set(clause_ids), key=int)
    doc_id = doc_path.rsplit("/", 1)[1]

    # a form without the CSRF token is refused
    r = client.post(f"/console/ledger/clauses/{wage}/decision", headers=HTML,
                    data={"document_id": doc_id, "action": "confirm"})
    assert r.status_code == 403

    r = client.post(f"/console/ledger/clauses/{wage}/decision", headers=HTML, follow_redirects=True,
                    data={"csrf_token": token, "document_id": doc_id, "action": "confirm"})
    assert "已确认建议" in r.text
    r = client.post(f"/console/ledger/clauses/{jay}/decision", headers=HTML, follow_redirects=True,
                    data={"csrf_token": token, "document_id": doc_id, "action": "override", "disposition": "修订",
                          "basis": "", "note": ""})
    assert "请填写理由" in r.text
    r = client.post(f"/console/ledger/clauses/{jay}/decision", headers=HTML, follow_redirects=True,
                    data={"csrf_token": token, "document_id": doc_id, "action": "override", "disposition": "废止",
                          "basis": "none", "note": "通知仅为此事项制定"})
    assert "已改定" in r.text

    r = client.post(doc_path, headers=HTML, follow_redirects=True, data={
        "csrf_token": token, "completion_due": "2021-03-31", "responsible_unit": UNIT,
        "responsible_person": "李四，科长", "phone": "84799216"})
    assert "台账栏目已保存" in r.text and "2021年3月31日" in r.text

    # report the first milestone, then export and open the ledger
    r = client.post("/console/ledger/submissions/self_review", headers=HTML, follow_redirects=True,
                    data={"csrf_token": token})
    assert "已报送信用办" in r.text
    x = client.get("/console/ledger/export.xlsx", headers=HTML)
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A1"].value == f"{UNIT}失信约束措施台账"
    assert tuple(ws.cell(row=2, column=c).value for c in range(1, 15)) == LEDGER_COLUMNS
    row = [ws.cell(row=3, column=c).value for c in range(1, 15)]
    assert row[1] == "《XX区交通运输局关于加强交通信用管理的通知》(X交运〔2021〕3号)"
    assert row[2:5] == ["是", "是", "是"] and row[9] == "废止" and row[12] == "李四，科长"

    # a unit officer does not see the roll-up
    assert client.get("/console/ledger/rollup", headers=HTML).status_code == 403


def test_credit_office_rollup(client: Any) -> None:
    make_api_key("implementing_unit", department="XX区经发局")  # a registered unit of 淮安市
    console_login(client, "credit_office", department="区信用办", region="320800")
    token = form_token(client, "/console/ledger")
    r = client.post("/console/ledger/documents", headers=HTML, follow_redirects=True, data={
        "csrf_token": token, "unit": "XX区经发局", "title": "XX区个人信用积分管理办法",
        "text": "第十条 在行政审批过程中，可通过市公共信用信息平台查询行政相对人的个人信用积分和信用等级，实施守信激励和失信惩戒。"})
    assert "不得以低信用分为由" in r.text
    roll = client.get("/console/ledger/rollup", headers=HTML)
    assert roll.status_code == 200 and "XX区经发局" in roll.text and "全面完成清理规范" in roll.text
    assert "梳理自查" not in roll.text and "2021-10-18" not in roll.text  # 大连's plan is not 淮安's
    assert "与“不得以低信用分为由，对个人实施惩戒（大高信办字〔2021〕1号 一（三））”相抵触的条款：1 处" in roll.text
