"""The public page of a company like 信用中国's, in headless Chromium: 行政许可, 行政处罚 with its national
detail, 严重失信主体名单 and 信用承诺, each row with its data source and publication end. The screenshot is
kept as docs/images/public-page.png (shown in the README)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import chromium, seeded_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "public-page.png"


def _seed() -> dict[str, Any]:
    from tests.integration.disclosure.shuanggongshi_seed import licence, penalty
    from tests.integration.listing.helpers import listed_case
    from xinyong.core import clock
    from xinyong.core import db as core_db
    from xinyong.repair.evidence import add_commitment

    today = clock.today()
    _case, setup = listed_case(81, start=today - dt.timedelta(days=40))
    name = "淮安示例建筑劳务有限公司81"
    penalty(setup.code, name, "淮市监罚〔2026〕811号", decided=today - dt.timedelta(days=20))
    licence(setup.code, name, "清审批许〔2026〕812号", decided=today - dt.timedelta(days=60))
    with core_db.unit_of_work() as s:
        add_commitment(s, setup.subject_key, text="本单位承诺依法诚信经营，按时足额支付农民工工资，"
                       "主动接受社会监督，违背承诺自愿接受惩戒。", signer="张三")
    return {"key": setup.subject_key, "name": name, "person": setup.person_code}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "public-page", _seed) as site:
        yield {**site.seeded, "base": site.base}


def test_public_page_of_a_company_with_a_licence_a_penalty_and_a_listing(server: dict[str, Any],
                                                                         tmp_path: Path) -> None:
    with chromium(tmp_path / "profile", viewport={"width": 1200, "height": 900}) as context:
        page = context.new_page()
        page.goto(server["base"] + f"/public/subjects/{server['key']}")
        assert page.get_by_role("heading", level=1).inner_text() == server["name"]
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        assert headings[:3] == ["行政许可", "行政处罚", "严重失信主体名单"] and "信用承诺" in headings
        licences = page.inner_text("#licences")
        assert "清审批许〔2026〕812号" in licences and "食品经营许可证" in licences and "核准" in licences
        assert "数据来源" in licences and "公示截止期" in licences
        penalties = page.inner_text("#penalties")
        for shown in ("淮市监罚〔2026〕811号", "违法事实", "当事人销售超过保质期的食品", "处罚依据",
                      "《中华人民共和国食品安全法》第一百二十四条第一款", "处罚类别", "警告；罚款", "罚款金额",
                      "5 万元", "处罚机关", "淮安市市场监督管理局", "决定日期", "公示截止期", "数据来源"):
            assert shown in penalties, shown
        lists = page.inner_text("#lists")
        assert "认定依据" in lists and "移出条件" in lists and "数据来源" in lists
        assert "张*" in page.inner_text("#commitments")
        main = page.inner_text("main")
        assert "张三" not in main and server["person"] not in main
        # the section links lead to their sections
        page.get_by_role("link", name="行政处罚（").first.click()
        assert page.evaluate("location.hash") == "#penalties-h"
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 20_000
        phone = context.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(server["base"] + f"/public/subjects/{server['key']}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
