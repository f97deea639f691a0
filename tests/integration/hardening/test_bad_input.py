"""A corpus of hostile input against the API and pages, on SQLite and PostgreSQL: every answer is a 4xx
with a Chinese reason — never a 500, never a traceback — and nothing unsafe is stored or echoed."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import make_api_key, resident_id
from tests.integration.disclosure.seed import person
from tests.integration.hardening.bombs import docx_bomb, pdf_flate_bomb, pdf_many_pages, xlsx_bomb
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.repair.evidence import COMMITMENT_TEMPLATE, add_commitment

UNIT = "淮安市交通运输局"
TEXT = "XX区交通运输局关于加强交通信用管理的通知\n第一条 将行人闯红灯受到行政处罚的行为信息记入个人信用记录。"


def chinese(r: Any) -> bool:
    body = r.json()
    message = body["error"]["message"]
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def refused(r: Any, *statuses: int) -> None:
    assert r.status_code in (statuses or (400, 404, 413, 422)), (r.status_code, r.text[:300])
    assert "Traceback" not in r.text
    assert chinese(r), r.text[:300]


@pytest.fixture
def officer(db_url: str) -> dict[str, str]:
    return {"X-API-Key": make_api_key("implementing_unit", department=UNIT)}


def test_control_characters_are_refused_everywhere(client: Any, officer: dict[str, str]) -> None:
    for bad in ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f"]:
        refused(client.post("/api/v1/ledger/documents", headers=officer,
                            json={"title": f"标题{bad}", "text": TEXT}), 422)
        refused(client.post("/api/v1/ledger/documents", headers=officer, json={"text": f"正文{bad}" + TEXT}), 422)
        refused(client.get("/api/v1/ledger/documents", headers=officer, params={"unit": f"单位{bad}"}), 422)
        refused(client.post("/api/v1/ledger/documents/upload", headers=officer, files={"file": ("a.txt", TEXT.encode())},
                            data={"title": f"标题{bad}"}), 422)
        refused(client.post("/api/v1/ledger/documents", headers=officer,
                            json={"text": TEXT, "nested": {f"键{bad}": ["x"]}}), 422)
    # tab, line feed and carriage return are text
    ok = client.post("/api/v1/ledger/documents", headers=officer, json={"title": "标题\t一", "text": TEXT})
    assert ok.status_code == 201, ok.text


def test_nul_in_a_ledger_title_is_never_stored_and_the_export_keeps_working(client: Any,
                                                                             officer: dict[str, str]) -> None:
    refused(client.post("/api/v1/ledger/documents", headers=officer, json={"title": "a\x00b", "text": TEXT}), 422)
    made = client.post("/api/v1/ledger/documents", headers=officer, json={"title": "=cmd|' /C calc'!A0", "text": TEXT})
    assert made.status_code == 201
    doc_id = made.json()["id"]
    refused(client.patch(f"/api/v1/ledger/documents/{doc_id}", headers=officer, json={"title": "x\x00"}), 422)
    # a NUL inside an uploaded file's text is dropped with every other control character
    up = client.post("/api/v1/ledger/documents/upload", headers=officer,
                     files={"file": ("b.txt", ("标题\x00二\n" + TEXT.replace("行人", "车辆")).encode())})
    assert up.status_code == 201 and "\x00" not in up.text and "\\u0000" not in up.text
    export = client.get("/api/v1/ledger/ledger.xlsx", headers=officer)
    assert export.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)


def test_hostile_uploads_are_4xx(client: Any, officer: dict[str, str]) -> None:
    for name, data in [("bomb.docx", docx_bomb()), ("bomb.pdf", pdf_flate_bomb()), ("pages.pdf", pdf_many_pages()),
                       ("bomb.xlsx", xlsx_bomb(50)), ("fake.docx", b"PK\x03\x04" + b"\x00" * 100),
                       ("fake.pdf", b"%PDF-1.7\n" + b"\xff" * 1000), ("bin.txt", bytes(range(256)) * 10),
                       ("empty.pdf", b""), ("x.exe", b"MZ")]:
        refused(client.post("/api/v1/ledger/documents/upload", headers=officer, files={"file": (name, data)}))


def test_dates_are_bounded(client: Any, officer: dict[str, str], db_url: str) -> None:
    dd = {"X-API-Key": make_api_key("determining_department", department="淮安市市场监督管理局")}
    for query in ["on=9999-12-31&within_days=3650", "on=0001-01-01", "within_days=100000", "within_days=-1",
                  "on=2026-02-30", "on=%00"]:
        refused(client.get(f"/api/v1/listing/deadlines?{query}", headers=dd), 422)
    assert client.get("/api/v1/listing/deadlines?on=2026-11-25&within_days=365", headers=dd).status_code == 200
    owner = person(seed=71, name="李四光")
    me = {"X-API-Key": make_api_key("subject", subject_key=owner.key)}
    base = {"purpose": "public_disclosure", "method": "online_confirmation", "scope": ["admin-penalty"]}
    for ends in ["9999-12-31", "2099-01-01", (clock.today() + dt.timedelta(days=366 * 5 + 2)).isoformat()]:
        r = client.post("/api/v1/self/consents", headers=me, json={**base, "ends_on": ends})
        refused(r, 422)
        assert "终身" in r.json()["error"]["message"]
    fine = client.post("/api/v1/self/consents", headers=me,
                       json={**base, "ends_on": (clock.today() + dt.timedelta(days=365)).isoformat()})
    assert fine.status_code == 201, fine.text


def test_push_receivers_must_be_public_https(client: Any, db_url: str) -> None:
    admin = {"X-API-Key": make_api_key("admin")}
    for i, url in enumerate(["http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/",
                             "https://10.0.0.8/hook", "https://localhost/hook", "http://example.invalid/hook",
                             "https://[::1]/hook", "file:///etc/passwd"]):
        refused(client.post("/api/v1/push/receivers", headers=admin,
                            json={"name": f"bad-{i}", "unit": "某单位", "url": url}), 422)
    ok = client.post("/api/v1/push/receivers", headers=admin,
                     json={"name": "good", "unit": "某单位", "url": "https://receiver.example.invalid/hook"})
    assert ok.status_code == 201, ok.text


def test_public_commitments_mask_names_and_hide_people_without_one(client: Any, db_url: str) -> None:
    without = person(seed=72, name="欧阳娜娜")
    withone = person(seed=73, name="王建国")
    with unit_of_work() as s:
        add_commitment(s, withone.key, text=COMMITMENT_TEMPLATE, signer="王建国")
    html = {"accept": "text/html"}
    none = client.get(f"/repair/commitments/{without.code}", headers=html)
    assert none.status_code == 404 and "欧阳" not in none.text
    unknown = client.get(f"/repair/commitments/{resident_id(random.Random(999))}", headers=html)
    assert unknown.status_code == 404 and unknown.text.count("未找到") == none.text.count("未找到")
    page = client.get(f"/repair/commitments/{withone.code}", headers=html)
    assert page.status_code == 200 and "王建国" not in page.text and "王**" in page.text


def test_bodies_over_the_limits_are_413(client: Any, officer: dict[str, str], db_url: str) -> None:
    refused(client.post("/api/v1/ledger/documents", headers={**officer, "content-type": "application/json"},
                        content=b"[" + b" " * (31 * 1024 * 1024) + b"]"), 413)
    refused(client.post("/api/v1/ledger/documents", headers={**officer, "content-type": "application/json"},
                        content=b"[" * 100_000), 422)
    refused(client.post("/api/v1/ledger/documents", headers={**officer, "content-type": "application/json"},
                        content=b'{"text": "\xff\xfe"}'), 422)
    owner = person(seed=74, name="赵六")
    me = {"X-API-Key": make_api_key("subject", subject_key=owner.key)}
    big = client.post("/api/v1/self/objections", headers=me,
                      data={"record_id": str(owner.record_ids["penalty"]), "reason": "该处罚决定已被撤销，请核实更正"},
                      files={"files": ("证明.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "application/pdf")})
    refused(big, 413)
    assert "5MB" in big.json()["error"]["message"]


def test_framework_refusals_speak_the_platform_error_in_chinese(client: Any, officer: dict[str, str]) -> None:
    """A multipart body the parser cannot read, an unknown path and a wrong method: 4xx in the
    platform's error shape, in Chinese, never FastAPI's English ``{"detail": …}``."""
    broken = client.post("/api/v1/ledger/documents/upload", headers={
        **officer, "content-type": "multipart/form-data; boundary=xyz"},
        content=b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.docx\"\r\n\r\nabc")
    refused(broken, 400, 422)
    assert "detail" not in broken.json()
    refused(client.get("/api/v1/no-such-thing", headers=officer), 404)
    refused(client.delete("/api/v1/catalog", headers=officer), 404, 405)


def test_a_refused_form_on_a_page_is_shown_as_a_page(client: Any, db_url: str) -> None:
    """A person's browser gets the refusal as a page in Chinese, not a JSON body."""
    r = client.post("/console/login", headers={"accept": "text/html",
                                               "content-type": "application/x-www-form-urlencoded"},
                    content="username=a%00b&password=x")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text.lower() and "控制字符" in r.text and '"error"' not in r.text
