"""Browser test of the statistics dashboard: an evaluator (评估人员) signs in, reads the charts and the
ranked table, follows a figure to the rows behind it, and finds the export links — in headless Chromium
(Debian's package) against the real server, with the CSP of every page (no inline script: the charts are
SVG drawn on the server). ``XINYONG_SAVE_SCREENSHOTS=1`` also writes docs/images/statistics-dashboard.png."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import chromium, seeded_site, sign_in_to_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "statistics-42"
DOCS_IMAGE = Path(__file__).resolve().parents[3] / "docs" / "images" / "statistics-dashboard.png"
COUNTIES = ["320812", "320803", "320804", "320813", "320826", "320830", "320831"]


def _seed() -> None:
    from tests.integration.statistics import factories as f
    from tests.integration.statistics.test_figures import build
    from xinyong.core import db as core_db
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import Role
    from xinyong.core.workdays import add_workdays

    build()
    rng = random.Random(2026)
    with core_db.unit_of_work() as s:
        subjects = {c: [f.subject(s, c) for _ in range(4)] for c in COUNTIES}
        for _ in range(260):
            county = rng.choice(COUNTIES)
            decided = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(320))
            due = add_workdays(decided, 7).date
            late = rng.random() < (0.08 if county == "320812" else 0.25 if county == "320830" else 0.12)
            published = due + dt.timedelta(days=rng.randrange(1, 9)) if late else \
                decided + dt.timedelta(days=rng.randrange(0, (due - decided).days + 1))
            f.record(s, rng.choice(subjects[county]), decided=decided, region=county,
                     published=f.beijing(published.year, published.month, published.day),
                     item="admin-penalty" if rng.random() < 0.8 else "judicial-dishonest-debtor",
                     severity="serious" if rng.random() < 0.2 else "general")
        for _ in range(30):
            county = rng.choice(COUNTIES)
            proposed = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(280))
            decided = proposed + dt.timedelta(days=rng.randrange(15, 40))
            f.listing_case(s, f.subject(s, county), region=county, proposed=proposed,
                           notice_served_on=proposed + dt.timedelta(days=2),
                           objection_window_end=proposed + dt.timedelta(days=12), decided_on=decided,
                           listing_start=decided, listing_end=decided + dt.timedelta(days=365), state="listed",
                           list_type=rng.choice(["gov-procurement", "migrant-wage-arrears"]))
        for _ in range(40):
            county = rng.choice(COUNTIES)
            at = dt.date(2026, 1, 10) + dt.timedelta(days=rng.randrange(300))
            responded = at + dt.timedelta(days=rng.randrange(1, 12))
            f.punishment(s, rng.choice(subjects[county]), region=county, initiated=f.beijing(at.year, at.month, at.day),
                         due=at + dt.timedelta(days=7), responded=f.beijing(responded.year, responded.month,
                                                                           responded.day), status="responded")
        create_account(s, name="第三方评估人员", role=Role.evaluator, username="pinggu", password=PASSWORD,
                       department="淮安市社会信用体系建设第三方评估组", region_code=None)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "statistics", _seed) as site:
        yield {"base": site.base}


def test_evaluator_reads_the_dashboard(server: dict[str, Any], tmp_path: Path) -> None:
    with chromium(tmp_path / "profile", viewport={"width": 1200, "height": 1500}) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in_to_console(page, server["base"] + "/console/statistics?region=320800", "pinggu", PASSWORD,
                           landing="**/console/statistics**")
        assert page.inner_text("h1") == "信用监管统计"
        assert page.locator("svg.chart").count() >= 5
        # the charts are drawn: bars with a size, titles in Chinese
        box = page.locator("svg.chart").first.bounding_box()
        assert box is not None and box["width"] > 300
        assert "每月失信行为记录数" in page.inner_text("main")
        assert page.locator("svg.chart rect.bar").count() > 10
        ranked = page.locator("table").nth(1).inner_text()
        assert "清江浦区" in ranked and "淮阴区" in ranked
        assert page.locator("#empty-state").count() == 0
        shot = tmp_path / "statistics-dashboard.png"
        page.screenshot(path=str(shot), full_page=False)
        if os.environ.get("XINYONG_SAVE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, DOCS_IMAGE)
        # a figure leads to the rows it counts, without any subject's name or code
        page.click("a[href^='/console/statistics/rows/penalties.late']")
        page.wait_for_url("**/console/statistics/rows/penalties.late**")
        heading = page.inner_text("h1")
        assert heading.startswith("超过7个工作日公开：") and "件" in heading
        assert "统计测试" not in page.inner_text("main")
        page.go_back()
        assert page.locator("a:has-text('Excel 表格')").count() == 1
        # the evaluator sees nothing else: no link to credit files, and the page refuses
        assert page.locator("a[href='/console/subjects']").count() == 0
        assert not [e for e in errors if "Content Security Policy" in e]
