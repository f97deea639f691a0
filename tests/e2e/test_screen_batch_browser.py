"""Browser test of batch screening on the console: an implementing unit uploads a CSV of names, watches
the progress (polled by /static/screen-batch.js — no inline script) and downloads the answer. Headless
Chromium (Debian's package), the real server in a subprocess, as in test_portal_browser."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import chromium, seeded_site, sign_in_to_console

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "screen-batch-42"
NAME = "淮安市正阳物业管理有限公司"


def _seed() -> list[str]:
    from tests.factories import uscc
    from xinyong.core import db as core_db
    from xinyong.core.accounts import create_account
    from xinyong.core.policy import Role
    from xinyong.subjects import service as subjects

    rng = random.Random(1415)
    codes = [uscc(rng), uscc(rng)]
    with core_db.unit_of_work() as s:
        for code in codes:
            subjects.register(s, code, NAME)
        create_account(s, name="淮安市财政局采购办", role=Role.implementing_unit, username="caigou",
                       password=PASSWORD, department="淮安市财政局", region_code="320800")
    return codes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with seeded_site(tmp_path_factory, "screen_batch", _seed) as site:
        yield {"base": site.base, "codes": site.seeded}


def test_unit_uploads_names_sees_progress_and_downloads(server: dict[str, Any], tmp_path: Path) -> None:
    src = tmp_path / "投标人.csv"
    rows = [["名称"]] + [[NAME if i % 50 == 0 else f"淮安市某{i:04d}号商贸有限公司"] for i in range(1000)]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    src.write_bytes(buf.getvalue().encode("gbk"))
    with chromium(tmp_path / "profile", accept_downloads=True) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in_to_console(page, server["base"] + "/console/screen/batch", "caigou", PASSWORD)
        page.set_input_files("input[name=file]", str(src))
        page.select_option("select[name=matter]", "procurement_bidding")
        page.click("button:has-text('上传并筛查')")
        page.wait_for_url("**/console/screen/batch/*")
        # the script polls the status until the download link shows
        page.wait_for_selector("#batch-download:not([hidden])", timeout=120_000)
        assert "已完成：已筛查 1000 / 1000 行" in page.inner_text("#batch-state")
        assert "名称有歧义 20 行" in page.inner_text("#batch-counts")
        with page.expect_download() as info:
            page.click("#batch-download")
        data = Path(info.value.path()).read_bytes()
        assert info.value.suggested_filename == "投标人_筛查结果.csv"
        assert not [e for e in errors if "Content Security Policy" in e]
    assert data.startswith(b"\xef\xbb\xbf")
    back = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert len(back) == 1001 and back[0][:2] == ["名称", "筛查状态"]
    assert sorted(back[1][3].split("；")) == sorted(server["codes"])
