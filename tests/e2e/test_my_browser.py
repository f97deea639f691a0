"""Browser test of /my for citizens and companies: the credit office issues a one-time code in the console,
the company searches itself on the home page, registers with the code, signs in, sees its own file and
starts an objection from its public page. Headless Chromium (Debian's package) against a real server."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import chromium, seeded_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFICER_PASSWORD = "officer-pass-42"
COMPANY_PASSWORD = "company-pass-2026"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "my.png"


def _seed() -> dict[str, Any]:
    from tests.factories import record_input, uscc
    from xinyong.core import clock
    from xinyong.core import db as core_db
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import Role
    from xinyong.records import service as records
    from xinyong.subjects import service as subjects

    code = uscc(random.Random(2021), "320812")
    name = "淮安市清江浦区示例商贸有限公司"
    today = clock.today()
    with core_db.unit_of_work() as s:
        subject, _ = subjects.register(s, code, name)
        penalty = records.ingest(s, record_input(
            subject_code=code, subject_name=name, document_number="淮市监罚〔2026〕318号",
            decision_date=today - dt.timedelta(days=30), effective_date=today - dt.timedelta(days=25),
            summary="销售不符合食品安全标准的食品（过期乳制品），没收违法所得并罚款五万元",
        )).record
        records.ingest(s, record_input(
            subject_code=code, subject_name=name, catalog_item="admin-inspection",
            document_type="administrative_decision", document_number="淮市监检〔2026〕7号",
            decision_date=today - dt.timedelta(days=10), effective_date=today - dt.timedelta(days=10),
            summary="内部检查记录（不予公开）",
        ))
        create_account(s, name="淮安市信用办", role=Role.credit_office, username="xinyongban",
                       password=OFFICER_PASSWORD, department="淮安市信用办", region_code="320800")
        return {"key": subject.subject_key, "code": code, "name": name, "penalty_id": penalty.id}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "my", _seed) as site:
        yield {**site.seeded, "base": site.base}


@pytest.fixture
def browser_context(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile", viewport={"width": 1200, "height": 900}) as context:
        yield context


def test_register_with_a_one_time_code_sign_in_see_own_file_and_start_an_objection(
        server: dict[str, Any], browser_context: Any) -> None:
    base = server["base"]
    # the credit office issues a one-time code at the window
    office = browser_context.new_page()
    office.goto(base + "/console/login?next=%2Fconsole%2Fsubject-accounts")
    office.fill("#username", "xinyongban")
    office.fill("#password", OFFICER_PASSWORD)
    office.press("#password", "Enter")
    office.wait_for_url("**/console/subject-accounts")
    office.fill("input[name=code]", server["code"])
    office.click("button:has-text('签发')")
    one_time = office.inner_text("#issued-code")
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", one_time)
    office.click("button:has-text('退出登录')")

    page = browser_context.new_page()
    # the company finds itself on the home page by its code
    page.goto(base + "/")
    page.fill("#q", server["code"])
    page.press("#q", "Enter")
    page.wait_for_url(f"**/public/subjects/{server['key']}")
    assert page.get_by_role("heading", level=1).inner_text() == server["name"]
    # from the public record to the objection: sign-in first
    page.click("a:has-text('对此条提出异议')")
    page.wait_for_url("**/my/login?next=*")
    assert "信用主体登录" in page.inner_text("main")
    page.click("a:has-text('注册或重设密码')")
    page.wait_for_url("**/my/register**")
    page.fill("#code", server["code"])
    page.fill("#one_time_code", one_time)
    page.fill("#password", COMPANY_PASSWORD)
    page.fill("#password2", COMPANY_PASSWORD)
    page.click("button:has-text('注册并登录')")
    # straight on to the objection form, pre-filled with the record it came from
    page.wait_for_url(f"**/my/objections/new?record_id={server['penalty_id']}")
    assert "淮市监罚〔2026〕318号" in page.inner_text("main")
    page.fill("#reason", "处罚决定书记载的罚款金额与实际缴纳金额不符，请予更正")
    page.click("button:has-text('提交异议')")
    page.wait_for_url("**/my?filed=*")
    main = page.inner_text("main")
    assert "异议已提交" in main and "淮市监检〔2026〕7号" in main  # its own file, the unpublished record too
    assert "申请信用修复" in main and "向信用服务机构申请更正、删除" in main
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # signing in again later: the code is spent, the password opens /my
    page.click("button:has-text('退出登录')")
    again = browser_context.new_page()
    again.goto(base + "/my")
    again.wait_for_url("**/my/login**")
    again.fill("#code", server["code"])
    again.fill("#password", COMPANY_PASSWORD)
    again.press("#password", "Enter")
    again.wait_for_url("**/my")
    assert server["name"] in again.inner_text("main")
