"""Browser tests of the public portal and of filing an objection, in headless Chromium (Debian's package).

The real server runs with uvicorn in a subprocess on 127.0.0.1 against a migrated SQLite database
with seeded data; Playwright drives /usr/bin/chromium (no browser download).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import chromium, seeded_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "portal-test-42"
SCREENSHOT = Path("/tmp/disclosure_subject_page.png")
SCREENSHOT_PHONE = Path("/tmp/disclosure_subject_page_phone.png")


def _seed() -> dict[str, Any]:
    from tests.factories import record_input, resident_id, uscc
    from xinyong.core import clock
    from xinyong.core import db as core_db
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import Role
    from xinyong.records import service as records
    from xinyong.subjects import service as subjects

    code = uscc(random.Random(2020), "320812")
    name = "淮安市清江浦区示例商贸有限公司"
    today = clock.today()
    with core_db.unit_of_work() as s:
        subject, _ = subjects.register(s, code, name)
        subjects.link_person(s, code, resident_id(random.Random(3)), "王建国", "legal_representative",
                             dt.date(2019, 5, 1))
        penalty = records.ingest(s, record_input(
            subject_code=code, subject_name=name, document_number="淮市监罚〔2026〕318号",
            decision_date=today - dt.timedelta(days=30), effective_date=today - dt.timedelta(days=25),
            summary="销售不符合食品安全标准的食品（过期乳制品），没收违法所得并罚款五万元",
        )).record
        records.ingest(s, record_input(
            subject_code=code, subject_name=name, catalog_item="admin-ruling",
            document_type="administrative_ruling", document_number="淮政裁〔2026〕12号",
            issuing_authority="淮安市人民政府", decision_date=today - dt.timedelta(days=60),
            effective_date=today - dt.timedelta(days=60), summary="合同纠纷行政裁决，责令支付货款",
        ))
        records.ingest(s, record_input(
            subject_code=code, subject_name=name, catalog_item="admin-inspection",
            document_type="administrative_decision", document_number="淮市监检〔2026〕7号",
            decision_date=today - dt.timedelta(days=10), effective_date=today - dt.timedelta(days=10),
            summary="内部检查记录（不予公开）",
        ))
        create_account(s, name=name, role=Role.subject, username="shili", password=PASSWORD,
                       subject_key=subject.subject_key)
        return {"key": subject.subject_key, "code": code, "name": name, "penalty_id": penalty.id}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "portal", _seed) as site:
        yield {**site.seeded, "base": site.base}


@pytest.fixture
def browser_context(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile", viewport={"width": 1200, "height": 900}) as context:
        yield context


def test_search_with_the_keyboard_and_read_a_subject_page(server: dict[str, Any], browser_context: Any) -> None:
    page = browser_context.new_page()
    page.goto(server["base"] + "/public")
    assert page.title().startswith("信用信息公示")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.fill("#portal-q", "示例商贸")
    page.press("#portal-q", "Enter")
    page.wait_for_url("**/public/search?q=*")
    link = page.get_by_role("link", name=server["name"])
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/public/subjects/{server['key']}")
    assert page.get_by_role("heading", level=1).inner_text() == server["name"]
    body = page.inner_text("main")
    assert "淮市监罚〔2026〕318号" in body and "淮安市市场监督管理局" in body
    assert "淮政裁〔2026〕12号" in body
    assert "淮市监检〔2026〕7号" not in body and "内部检查" not in body
    assert "王**" in body and "王建国" not in body
    assert "未列入严重失信主体名单" in body
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    phone = browser_context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(server["base"] + f"/public/subjects/{server['key']}")
    # nothing wider than the phone's screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOT_PHONE), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_subject_signs_in_and_files_an_objection(server: dict[str, Any], browser_context: Any,
                                                 tmp_path: Path) -> None:
    page = browser_context.new_page()
    # an account made by the administrator (not self-registered) signs in at the staff sign-in; /my itself
    # leads to the sign-in of citizens and companies (tests/e2e/test_my_browser.py)
    page.goto(server["base"] + "/console/login?next=%2Fmy")
    page.fill("#username", "shili")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/my")
    assert "淮市监检〔2026〕7号" in page.inner_text("main")  # its own non-public record too
    page.click(f"a[href='/my/objections/new?record_id={server['penalty_id']}']")
    page.wait_for_url("**/my/objections/new**")
    proof = tmp_path / "缴款说明.txt"
    proof.write_text("已于决定当日缴清罚款，金额记载有误。", encoding="utf-8")
    page.fill("#reason", "处罚决定书记载的罚款金额与实际缴纳金额不符，请予更正")
    page.set_input_files("#files", str(proof))
    page.click("button:has-text('提交异议')")
    page.wait_for_url("**/my?filed=*")
    main = page.inner_text("main")
    assert "异议已提交" in main and "异议处理中" in main and "缴款说明.txt" in main
    public = browser_context.new_page()
    public.goto(server["base"] + f"/public/subjects/{server['key']}")
    assert "异议处理中" in public.inner_text("main")
