"""Screening by name never misses a same-name subject; batch files (CSV UTF-8 / BOM / GBK, XLSX) with a
status per row; the console upload with progress and download, one access-log entry per file."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from tests.factories import department_headers, record_json, uscc
from tests.integration.security.helpers import form_token, make_account, sign_in
from xinyong.core.access import Actor
from xinyong.core.crypto import subject_key
from xinyong.core.db import unit_of_work
from xinyong.core.models import AccessLogEntry
from xinyong.core.policy import Role
from xinyong.measures import batch_files, batch_jobs
from xinyong.subjects import public as subjects_public
from xinyong.subjects import service as subjects

NAME = "淮安市正阳物业管理有限公司"
DECOY = "淮安市涟水物业管理有限公司"
HTML = {"accept": "text/html"}
UNIT = Actor(id=None, name="淮安市财政局", role=Role.implementing_unit, department="淮安市财政局", region_code="320800")


@pytest.fixture
def same_names(client: Any) -> dict[str, Any]:
    """Three organisations named 淮安市正阳物业管理有限公司 — one with a serious penalty — and a decoy
    with another 字号 that had a former name."""
    rng = random.Random(1414)
    body = record_json(subject_code=uscc(rng), subject_name=NAME, severity="serious")
    r = client.post("/api/v1/records", json=body, headers=department_headers(body["issuing_authority"]))
    assert r.status_code == 201, r.text
    codes = [body["subject_code"], uscc(rng), uscc(rng)]
    decoy = uscc(rng)
    with unit_of_work() as s:
        for code in codes[1:]:
            subjects.register(s, code, NAME)
        subjects.register(s, decoy, DECOY)
    with unit_of_work() as s:
        subjects_public.add_former_names(s, [{"subject_key": subject_key(decoy), "name": "淮安市旧城物业管理有限公司"}])
    return {"codes": codes, "penalised": codes[0], "decoy": decoy}


def test_name_screening_returns_every_same_name_subject_whatever_the_limit(client: Any, api_key: Any,
                                                                          same_names: dict[str, Any]) -> None:
    headers = api_key("implementing_unit")
    for query in (NAME, "淮安市正陽物業管理有限公司", " 淮安市正阳物业管理有限公司（ ） "):
        r = client.get("/api/v1/screen/name", params={"q": query, "limit": 1, "matter": "procurement_bidding"},
                       headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        exact = [h for h in body["hits"] if h["exact"]]
        assert sorted(h["subject"]["code"] for h in exact) == sorted(same_names["codes"]), query
        assert body["ambiguous"] is True and body["exact_count"] == 3
        assert "统一社会信用代码" in body["notice"]
        assert {h["subject"]["region_name"] for h in exact} and all("lists" in h for h in exact)
        listed = [h for h in exact if h["measures"]]
        assert [h["subject"]["code"] for h in listed] == [same_names["penalised"]]
    # another 字号 in the same region and industry is no near-certain match
    wide = client.get("/api/v1/screen/name", params={"q": NAME, "limit": 10}, headers=headers).json()
    assert all(h["match_score"] < 0.5 for h in wide["hits"] if h["subject"]["code"] == same_names["decoy"])
    former = client.get("/api/v1/screen/name", params={"q": "淮安市旧城物业管理有限公司"}, headers=headers).json()
    assert former["hits"][0]["subject"]["code"] == same_names["decoy"] and former["hits"][0]["matched_former_name"]
    assert former["ambiguous"] is False


def _csv_bytes(rows: list[list[str]], encoding: str, bom: bool = False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding)


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _read_back(data: bytes, fmt: str) -> list[list[str]]:
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        return [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows reads UTF-8 only with a BOM
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


@pytest.mark.parametrize(("fmt", "encoding", "bom"), [("csv", "gbk", False), ("csv", "utf-8", True),
                                                      ("csv", "utf-8", False), ("xlsx", "", False)])
def test_batch_file_reports_a_status_for_every_row(client: Any, same_names: dict[str, Any], fmt: str,
                                                   encoding: str, bom: bool) -> None:
    good = same_names["penalised"]
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [["序号", "统一社会信用代码", "名称"],
            ["1", good, ""],
            ["2", uscc(random.Random(77)), ""],
            ["3", "ABC", ""],
            ["4", wrong_check, ""],
            ["5", "", NAME],
            ["6", "", "完全不存在的某某有限公司"],
            ["+7", "", "=HYPERLINK(\"x\")" if fmt == "csv" else "@危险单元格"]]
    data = _xlsx_bytes(rows) if fmt == "xlsx" else _csv_bytes(rows, encoding, bom)
    out, counts = batch_files.screen_file(UNIT, data, f"名单.{fmt}", matter="procurement_bidding")
    back = _read_back(out, fmt)
    header = back[0]
    assert header[:3] == rows[0] and header[3:] == list(batch_files.OUT_HEADERS)
    col = {h: i for i, h in enumerate(header)}
    by_no = {r[0]: r for r in back[1:]}
    assert by_no["1"][col["筛查状态"]] == "匹配" and by_no["1"][col["匹配代码"]] == good
    assert "procurement-major-violation（" in by_no["1"][col["措施"]]
    assert "第二十二条" in by_no["1"][col["依据"]] and "procurement-major-violation：2028-03-10" in by_no["1"][col["截止日期"]]
    assert by_no["2"][col["筛查状态"]] == "未找到"
    assert by_no["3"][col["筛查状态"]] == "代码无效" and "长度错误" in by_no["3"][col["说明"]]
    assert by_no["4"][col["筛查状态"]] == "代码无效" and "校验码错误" in by_no["4"][col["说明"]]
    ambiguous = by_no["5"]
    assert ambiguous[col["筛查状态"]] == "名称有歧义" and "统一社会信用代码" in ambiguous[col["说明"]]
    assert sorted(ambiguous[col["匹配代码"]].split("；")) == sorted(same_names["codes"])
    assert "procurement-major-violation" in ambiguous[col["措施"]]  # the listed one is not dropped
    assert by_no["6"][col["筛查状态"]] == "未找到"
    # written as text, never a formula
    assert by_no["'+7"][2] == ("'=HYPERLINK(\"x\")" if fmt == "csv" else "'@危险单元格")
    assert counts == {"匹配": 1, "未找到": 3, "代码无效": 2, "名称有歧义": 1}
    with unit_of_work() as s:
        entries = [e for e in s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen"))
                   if (e.detail or {}).get("by") == "file"]
    assert len(entries) == 1 and entries[0].detail["rows"] == 7 and entries[0].purpose == "procurement"
    assert entries[0].result_count == 3  # the penalised subject, and the two others of the ambiguous name


def test_a_file_without_the_columns_or_in_an_unknown_encoding_is_refused(db_url: str) -> None:
    from xinyong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="表头须有"):
        batch_files.read_table("序号,备注\n1,x\n".encode(), "a.csv")
    with pytest.raises(ValidationFailed, match="编码无法识别"):
        batch_files.read_table(b"code\n\xff\xfe\xfa\x80\x81\n", "a.csv")
    with pytest.raises(ValidationFailed, match="只有表头"):
        batch_files.read_table(b"code,name\n", "a.csv")


def test_console_upload_of_a_thousand_names_then_download(client: Any, same_names: dict[str, Any]) -> None:
    user, _ = make_account("implementing_unit", department="淮安市财政局", region="320800")
    other, _ = make_account("implementing_unit", department="淮安市住建局", region="320800")
    assert sign_in(client, user).status_code == 303
    token = form_token(client, "/console/screen/batch")
    rows = [["名称"]] + [[NAME if i % 100 == 0 else f"淮安市某{i:04d}号商贸有限公司"] for i in range(1000)]
    up = client.post("/console/screen/batch", data={"csrf_token": token, "matter": "procurement_bidding"},
                     files={"file": ("投标人名单.csv", _csv_bytes(rows, "gbk"), "text/csv")}, headers=HTML,
                     follow_redirects=False)
    assert up.status_code == 303, up.text
    url = up.headers["location"]
    page = client.get(url, headers=HTML)
    assert page.status_code == 200 and 'src="/static/screen-batch.js"' in page.text and "<script>" not in page.text
    batch_id = int(url.rsplit("/", 1)[1])
    assert batch_jobs.wait(batch_id, 120)
    status = client.get(f"{url}/status").json()
    assert status["state"] == "done" and status["done"] == status["total"] == 1000
    assert status["counts"] == {"名称有歧义": 10, "未找到": 990}
    got = client.get(f"{url}/download")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    back = _read_back(got.content, "csv")
    assert len(back) == 1001 and back[1][1] == "名称有歧义"
    assert "投标人名单" in client.get("/console/screen/batch", headers=HTML).text
    # another unit can neither follow nor download it; the refusal is registered
    assert sign_in(client, other).status_code == 303
    assert client.get(f"{url}/download").status_code == 403
    with unit_of_work() as s:
        denied = list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "measures.screen",
                                                             AccessLogEntry.allowed.is_(False))))
    assert denied and "上传该批量筛查文件的单位" in (denied[-1].reason or "")
    bad = client.post("/console/screen/batch", data={"csrf_token": form_token(client, "/console/screen/batch")},
                      files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}, headers=HTML)
    assert bad.status_code == 422 and "表头须有" in bad.text


def test_cli_screens_a_gbk_file_in_the_units_format(same_names: dict[str, Any], tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from xinyong.cli import app

    src = tmp_path / "名单.csv"
    src.write_bytes(_csv_bytes([["统一社会信用代码", "名称"], [same_names["penalised"], ""], ["", NAME], ["ABC", ""]], "gbk"))
    out = tmp_path / "结果.csv"
    result = CliRunner().invoke(app, ["screen", str(src), "--out", str(out), "--matter", "procurement_bidding"])
    assert result.exit_code == 0, result.output
    back = _read_back(out.read_bytes(), "csv")
    assert [r[2] for r in back[1:]] == ["匹配", "名称有歧义", "代码无效"]


def test_console_name_screening_says_a_code_is_needed(client: Any, same_names: dict[str, Any]) -> None:
    user, _ = make_account("implementing_unit", department="淮安市财政局", region="320800")
    assert sign_in(client, user).status_code == 303
    page = client.get("/console/screen", params={"name": "淮安市正陽物業管理有限公司"}, headers=HTML).text
    assert "有3个信用主体的名称与查询名称相同" in page and "统一社会信用代码确认" in page
    assert all(code in page for code in same_names["codes"])
