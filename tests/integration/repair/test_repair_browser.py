"""A new user's walk in headless Chromium: a demo company signs its commitment and applies for repair
with a file attached; the market regulator grants it in the console; the company sees 修复完成 and the
portal no longer shows the penalty. Real server (uvicorn subprocess) on a migrated SQLite database."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, seeded_site, sign_in_to_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "repair-walk-42"
SAMR = "淮安市市场监督管理局"


def _seed() -> dict[str, Any]:
    from tests.factories import record_input, uscc
    from xinyong.core import db as core_db
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import Role
    from xinyong.records import service as records
    from xinyong.subjects import service as subjects

    code = uscc(random.Random(36), "320812")
    name = "淮安市清江浦区修复示例商贸有限公司"
    with core_db.unit_of_work() as s:
        subject, _ = subjects.register(s, code, name)
        rec = records.ingest(s, record_input(
            subject_code=code, subject_name=name, document_number="淮市监罚〔2025〕777号",
            decision_date=dt.date(2025, 5, 6), effective_date=dt.date(2025, 5, 20))).record
        create_account(s, name=name, role=Role.subject, username="xiufu", password=PASSWORD,
                       subject_key=subject.subject_key)
        create_account(s, name="市场监管局信用科", role=Role.determining_department, username="shijian",
                       password=PASSWORD, department=SAMR, region_code="320800")
        return {"code": code, "key": subject.subject_key, "record_id": rec.id}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "repair", _seed) as site:
        yield {**site.seeded, "base": site.base}


def test_demo_company_applies_in_the_browser_and_follows_to_completion(server: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base = server["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            company = browser.new_context(locale="zh-CN").new_page()
            sign_in_to_console(company, base + "/console/repair", "xiufu", PASSWORD)
            company.click("text=作出信用承诺")
            company.fill("input[name=signer]", "李明")
            company.click("button:has-text('签署并公开')")
            company.wait_for_url("**/console/repair/apply")
            assert "已于" in company.inner_text("main")  # the commitment is on record
            company.check(f"input[value='record:{server['record_id']}']")
            for value in ("act_corrected", "effects_removed", "obligations_performed"):
                company.check(f"input[name=declared][value={value}]")
            company.fill("input[name=applicant_name]", "李明")
            company.fill("textarea[name=statement]", "罚款已于2025年6月缴清，问题商品已全部下架销毁。")
            proof = tmp_path / "缴款凭证.pdf"
            proof.write_bytes(b"%PDF-1.4\n% receipt\n")
            company.set_input_files("input[name=files]", str(proof))
            company.click("button:has-text('提交申请')")
            company.wait_for_url("**/console/repair/applications/*")
            assert company.inner_text("#overall-status") == "办理中"
            application_url = company.url

            officer = browser.new_context(locale="zh-CN").new_page()
            sign_in_to_console(officer, base + "/console/repair", "shijian", PASSWORD)
            assert "待办（1）" in officer.inner_text("main")
            officer.click("a[href^='/console/repair/applications/']")
            officer.check("input[name=decision][value=grant]")
            officer.fill("input[name=decision_number]", "淮市监信修〔2026〕21号")
            officer.click("button:has-text('作出决定')")
            officer.wait_for_url("**/console/repair/applications/*")
            assert "准予修复" in officer.inner_text("main")

            company.goto(application_url)
            assert company.inner_text("#overall-status") == "修复完成"
            assert "终止公示、停止共享和使用" in company.inner_text("main")
            portal = browser.new_context(locale="zh-CN").new_page()
            portal.goto(base + f"/public/subjects/{server['key']}")
            assert "淮市监罚〔2025〕777号" not in portal.inner_text("main")
            portal.goto(base + f"/repair/commitments/{server['code']}")
            assert "李*" in portal.inner_text("main") and "李明" not in portal.inner_text("main")
        finally:
            browser.close()
