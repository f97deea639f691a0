"""The cleanup ledger through the API: upload, review, confirm/override, export, milestones, roll-up."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from xinyong.ledger.rules import LEDGER_COLUMNS

UNIT = "XX区交通运输局"
DALIAN_UNIT_REGION = "210211"  # a unit in 大连市 follows 大高信办字〔2021〕1号's three steps
DALIAN = "210200"
TRAFFIC = (
    "XX区交通运输局关于加强交通信用管理的通知\n\n"
    "各有关单位：\n"
    "一、将行人闯红灯受到行政处罚的行为信息记入个人信用记录，其中严重的列入“黑名单”，禁止驾驶营运车辆。\n"
    "二、对列入拖欠农民工工资失信联合惩戒对象名单的运输企业，在政府采购、招投标、融资贷款等方面依法依规予以限制。\n"
    "三、本通知自印发之日起施行。\n"
)
SCORES = (
    "XX区个人信用积分管理办法\n"
    "第十条 在行政审批过程中，可通过市公共信用信息平台查询行政相对人的个人信用积分和信用等级，实施守信激励和失信惩戒。\n"
)


def upload(client: Any, headers: dict[str, str], text: str, name: str = "notice.txt", **form: str) -> Any:
    return client.post(
        "/api/v1/ledger/documents/upload", headers=headers,
        files={"file": (name, text.encode("utf-8"), "text/plain")}, data=form,
    )


def test_upload_review_decide_export_and_progress(client: Any, api_key: Any) -> None:
    officer = api_key("implementing_unit", department=UNIT, region=DALIAN_UNIT_REGION)
    r = upload(client, officer, TRAFFIC, doc_number="X交运〔2021〕3号", issued_on="2021-01-05")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["unit_name"] == UNIT and doc["doc_number"] == "X交运〔2021〕3号"
    clauses = doc["clauses"]
    assert len(clauses) == 2
    jay, wage = clauses
    assert jay["proposal"]["includes_credit_information"] and jay["proposal"]["creates_blacklist"]
    assert jay["proposal"]["imposes_punishment"] and jay["proposal"]["disposition"] == "相关内容删除"
    assert wage["proposal"]["disposition"] == "保留"
    assert "保障农民工工资支付条例" in wage["proposal"]["national_basis"]
    # offsets point into the stored text
    full = client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=officer).json()
    assert full["text"][jay["start"]:jay["end"]] == jay["text"]

    # the same text again is refused, in Chinese, without a second row
    again = upload(client, officer, TRAFFIC)
    assert again.status_code == 409 and "已登记" in again.json()["error"]["message"]

    # another unit cannot see it
    other = api_key("implementing_unit", department="XX区生态环境局")
    assert client.get(f"/api/v1/ledger/documents/{doc['id']}", headers=other).status_code == 403
    assert client.get("/api/v1/ledger/ledger", params={"unit": UNIT}, headers=other).status_code == 403

    # the milestone "整改方案" needs every proposal decided and a completion date
    assert client.post("/api/v1/ledger/milestones/self_review/submissions", json={},
                       headers=officer).status_code == 201
    blocked = client.post("/api/v1/ledger/milestones/rectification_plan/submissions", json={}, headers=officer)
    assert blocked.status_code == 422 and "未经确认" in blocked.json()["error"]["message"]

    # override without a reason is refused; with a reason both proposal and decision are kept
    r = client.put(f"/api/v1/ledger/clauses/{jay['id']}/decision", json={"disposition": "修订"}, headers=officer)
    assert r.status_code == 422 and "理由" in r.json()["error"]["message"]
    r = client.put(f"/api/v1/ledger/clauses/{jay['id']}/decision",
                   json={"disposition": "废止", "note": "整份通知仅为此事项而制定"}, headers=officer)
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["proposal"]["disposition"] == "相关内容删除"
    assert decided["decision"]["disposition"] == "废止" and decided["decision"]["confirmed"] is False
    r = client.put(f"/api/v1/ledger/clauses/{wage['id']}/decision", json={"confirm": True}, headers=officer)
    assert r.json()["decision"]["confirmed"] is True

    r = client.patch(f"/api/v1/ledger/documents/{doc['id']}", json={
        "completion_due": "2021-03-31", "responsible_person": "张三，区交通运输局科长", "phone": "0411-84799216",
    }, headers=officer)
    assert r.status_code == 200, r.text
    rows = [x["values"] for x in r.json()["rows"]]
    assert [x["clause_id"] for x in r.json()["rows"]] == [jay["id"], wage["id"]]  # one row per measure
    row, wage_row = rows
    assert row["处置方式"] == "废止" and row["完成时间"] == "2021年3月31日"
    assert row["是否涉及信用信息纳入共享公开"] == "是"
    assert row["是否有国家层面依据"] == ("是" if "国办发" in row["依据的具体内容"] else "否")
    assert wage_row["处置方式"] == "保留" and wage_row["是否有国家层面依据"] == "是"
    assert "保障农民工工资支付条例" in wage_row["依据的具体内容"]
    for x in rows:
        assert x["规章、规范性文件或其他文件名称(含文号)"] == "《XX区交通运输局关于加强交通信用管理的通知》(X交运〔2021〕3号)"
        assert x["完成时间"] == "2021年3月31日"

    assert client.post("/api/v1/ledger/milestones/rectification_plan/submissions", json={},
                       headers=officer).status_code == 201
    done = client.post("/api/v1/ledger/milestones/completion/submissions", json={}, headers=officer)
    assert done.status_code == 422 and "尚未完成" in done.json()["error"]["message"]

    ledger = client.get("/api/v1/ledger/ledger", headers=officer).json()
    assert ledger["columns"] == list(LEDGER_COLUMNS)
    assert ledger["title"] == f"{UNIT}失信约束措施台账"
    assert [m["name"] for m in ledger["milestones"]] == ["梳理自查", "整改方案", "全面完成"]
    assert ledger["milestones"][0]["due_date"] == "2021-01-29"

    x = client.get("/api/v1/ledger/ledger.xlsx", headers=officer)
    assert x.status_code == 200 and x.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A1"].value == f"{UNIT}失信约束措施台账"
    assert [ws.cell(row=2, column=c).value for c in range(1, 15)] == list(LEDGER_COLUMNS)
    assert ws.cell(row=3, column=10).value == "废止" and ws.cell(row=4, column=10).value == "保留"
    assert ws.cell(row=3, column=6).alignment.wrap_text
    assert "B3:B4" in {str(m) for m in ws.merged_cells.ranges}  # the document's cells span its measures

    # the credit office's roll-up; a unit may not read it
    assert client.get("/api/v1/ledger/rollup", headers=officer).status_code == 403
    office = api_key("credit_office", department="区信用办", region=DALIAN)
    roll = client.get("/api/v1/ledger/rollup", headers=office).json()
    unit = next(u for u in roll["units"] if u["unit_name"] == UNIT)
    assert unit["documents"] == 1 and unit["dispositions"]["废止"] == 1
    assert unit["measures"] == 2 and unit["measure_dispositions"]["废止"] == 1
    assert unit["measure_dispositions"]["保留"] == 1
    assert [m["status"] for m in unit["milestones"]][:2] == ["逾期完成", "逾期完成"]


def test_score_punishment_cannot_be_kept(client: Any, api_key: Any) -> None:
    officer = api_key("implementing_unit", department="XX区经发局")
    r = client.post("/api/v1/ledger/documents", json={"text": SCORES, "title": "XX区个人信用积分管理办法"},
                    headers=officer)
    assert r.status_code == 201, r.text
    clause = r.json()["clauses"][0]
    assert clause["proposal"]["conflicts"] == ["不得以低信用分为由，对个人实施惩戒"]
    assert clause["proposal"]["disposition"] != "保留"
    refused = client.put(f"/api/v1/ledger/clauses/{clause['id']}/decision",
                         json={"disposition": "保留", "note": "样表填写保留"}, headers=officer)
    assert refused.status_code == 422 and "不得以低信用分为由" in refused.json()["error"]["message"]
    refused = client.patch(f"/api/v1/ledger/documents/{r.json()['id']}",
                           json={"decided_disposition": "保留", "decision_note": "x"}, headers=officer)
    assert refused.status_code == 422


def test_bad_input_is_refused_in_chinese(client: Any, api_key: Any) -> None:
    officer = api_key("implementing_unit", department=UNIT)
    r = upload(client, officer, "正文", name="notice.xls")
    assert r.status_code == 422 and "不支持的文件格式" in r.json()["error"]["message"]
    r = client.post("/api/v1/ledger/documents/upload", headers=officer,
                    files={"file": ("broken.docx", b"not a zip", "application/octet-stream")})
    assert r.status_code == 422 and "Word" in r.json()["error"]["message"]
    r = client.post("/api/v1/ledger/documents/upload", headers=officer,
                    files={"file": ("broken.pdf", b"%PDF-1.4 nonsense", "application/pdf")})
    assert r.status_code == 422 and "PDF" in r.json()["error"]["message"]
    r = upload(client, officer, TRAFFIC, issued_on="2021/01/05")
    assert r.status_code == 422 and "印发日期" in r.json()["error"]["message"]
    r = client.put("/api/v1/ledger/clauses/999999/decision", json={"confirm": True}, headers=officer)
    assert r.status_code == 404
    r = client.post("/api/v1/ledger/milestones/nonsense/submissions", json={}, headers=officer)
    assert r.status_code == 422
    assert client.get("/api/v1/ledger/documents", headers=officer).json()["documents"] == []
    # the public has no access at all
    assert client.get("/api/v1/ledger/documents").status_code in (401, 403)


def test_credit_office_moves_milestones(client: Any, api_key: Any) -> None:
    office = api_key("credit_office", department="区信用办", region=DALIAN)
    r = client.put("/api/v1/ledger/milestones/completion", json={"due_date": "2021-11-30"}, headers=office)
    assert r.status_code == 200 and r.json()["due_date"] == "2021-11-30"
    r = client.put("/api/v1/ledger/milestones/self_review", json={"due_date": "2022-01-01"}, headers=office)
    assert r.status_code == 422  # would come after 整改方案
    got = client.get("/api/v1/ledger/milestones", headers=office).json()
    assert [m["due_date"] for m in got] == ["2021-01-29", "2021-03-18", "2021-11-30"]
    officer = api_key("implementing_unit", department=UNIT)
    assert client.put("/api/v1/ledger/milestones/completion", json={"due_date": "2021-12-01"},
                      headers=officer).status_code == 403
    # another region's office cannot move 大连's dates; its own plan is untouched by the move above
    huaian = api_key("credit_office", department="淮安市信用办", region="320800")
    r = client.put("/api/v1/ledger/milestones/completion", params={"region": DALIAN},
                   json={"due_date": "2021-12-02"}, headers=huaian)
    assert r.status_code == 403
    assert [m["due_date"] for m in client.get("/api/v1/ledger/milestones", headers=huaian).json()] == ["2021-12-31"]


def test_milestones_follow_the_units_region(client: Any, api_key: Any) -> None:
    """淮政办发〔2021〕13号 一（二）1 sets one date (2021年底前) for 淮安; 大连's dates never show there."""
    huaian_unit = api_key("implementing_unit", department="淮安市清江浦区交通运输局", region="320812")
    ledger = client.get("/api/v1/ledger/ledger", headers=huaian_unit).json()
    assert [(m["code"], m["name"], m["due_date"]) for m in ledger["milestones"]] == [
        ("completion", "全面完成清理规范", "2021-12-31")]
    assert ledger["plan"]["source"] == "淮政办发〔2021〕13号"
    listed = client.get("/api/v1/ledger/milestones", headers=huaian_unit).json()
    assert {m["due_date"] for m in listed} == {"2021-12-31"}
    assert not {"2021-01-29", "2021-03-18", "2021-10-18"} & {m["due_date"] for m in listed}
    r = client.post("/api/v1/ledger/milestones/self_review/submissions", json={}, headers=huaian_unit)
    assert r.status_code == 422 and "completion（全面完成清理规范）" in r.json()["error"]["message"]
    # a unit in a region without a plan has no milestones (not another region's)
    elsewhere = api_key("implementing_unit", department="南京市某局", region="320102")
    assert client.get("/api/v1/ledger/ledger", headers=elsewhere).json()["milestones"] == []
    r = client.post("/api/v1/ledger/milestones/completion/submissions", json={}, headers=elsewhere)
    assert r.status_code == 422 and "未设定" in r.json()["error"]["message"]
