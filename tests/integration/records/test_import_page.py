"""The console upload page: a department imports its 双公示 table (GBK CSV or XLSX) in a limited worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.exchange.generate import PENALTY_AUTHORITY
from tests.integration.security.helpers import console_login, form_token
from xinyong.core.db import unit_of_work
from xinyong.records.models import Licence, Record

DATA = Path(__file__).resolve().parents[2] / "data" / "exchange"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
PAGE = "/console/records/import"
HTML = {"accept": "text/html"}


def upload(client: Any, name: str, data: bytes) -> Any:
    return client.post(PAGE, data={"csrf_token": form_token(client, PAGE)}, files={"file": (name, data)},
                       headers=HTML)


def test_department_uploads_gbk_csv_then_the_same_rows_as_xlsx(client: Any) -> None:
    console_login(client, "determining_department", department=PENALTY_AUTHORITY, region="320800")
    page = client.get(PAGE, headers=HTML)
    assert page.status_code == 200 and "行政处罚信息必需的列" in page.text
    spec = EXPECTED["penalties"]
    good = spec["rows"] - len(spec["bad"]) - spec["duplicates"]
    first = upload(client, "处罚信息.csv", (DATA / "penalties-gbk.csv").read_bytes())
    assert first.status_code == 200, first.text
    assert f'<strong id="accepted">{good}</strong>' in first.text
    assert f'<strong id="rejected">{len(spec["bad"])}</strong>' in first.text
    for bad in spec["bad"]:
        assert bad["reason"].replace("“", "&#34;")[:6] in first.text or bad["reason"][:6] in first.text
    again = upload(client, "处罚信息.xlsx", (DATA / "penalties.xlsx").read_bytes())
    assert '<strong id="accepted">0</strong>' in again.text
    assert f'<strong id="duplicates">{good + spec["duplicates"]}</strong>' in again.text
    lic = upload(client, "许可信息.xlsx", (DATA / "licences.xlsx").read_bytes())
    assert "行政许可信息" in lic.text
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == good
        assert s.scalar(select(func.count()).select_from(Licence)) == EXPECTED["licences"]["rows"] - len(EXPECTED["licences"]["bad"])


def test_refusals_are_chinese_and_write_nothing(client: Any) -> None:
    console_login(client, "determining_department", department=PENALTY_AUTHORITY, region="320800")
    not_table = upload(client, "名单.csv", "名称,代码\n甲,1\n".encode())
    assert not_table.status_code == 422 and "未识别为行政处罚信息表或行政许可信息表" in not_table.text
    garbage = upload(client, "乱码.csv", "行政相对人名称,行政处罚决定书文号\n".encode("gbk") + b"\xff\xfe\x80\n")
    assert garbage.status_code == 422 and "既不是 UTF-8 也不是 GBK" in garbage.text
    wrong_kind = upload(client, "a.pdf", b"%PDF-1.4")
    assert wrong_kind.status_code == 422 and ".xlsx 或 .csv" in wrong_kind.text
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0


def test_only_a_determining_department_may_import(client: Any) -> None:
    console_login(client, "credit_office", department="淮安市信用办", region="320800")
    assert client.get(PAGE, headers=HTML).status_code == 403
