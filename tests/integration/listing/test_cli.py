"""`xinyong deadlines` and `xinyong listing ...` against a real database."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from tests.integration.listing.helpers import make_subject, officer
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.listing import service

runner = CliRunner()


def _case_with_objection(seed: int) -> int:
    setup = make_subject(seed)
    actor = officer()
    with unit_of_work() as s:
        case = service.propose(s, actor, subject_code=setup.code, list_type_id="migrant-wage-arrears",
                               record_ids=[setup.record_id], reason="拖欠农民工工资", on=dt.date(2026, 9, 1))
        service.serve_notice(s, actor, case.id, objection_window_end=dt.date(2026, 9, 15), version=1,
                             on=dt.date(2026, 9, 1))
        service.receive_objection(s, actor, case.id, objection="已付清", version=case.version, on=dt.date(2026, 9, 10))
        return case.id


def test_deadlines_lists_overdue_objection_answer(db_url: str) -> None:
    cid = _case_with_objection(41)
    result = runner.invoke(app, ["deadlines", "--on", "2026-09-24", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["deadlines"]
    assert [(r["case_id"], r["kind"], r["due"], r["status"]) for r in rows] == [
        (cid, "objection_answer", "2026-09-23", "overdue")]
    text = runner.invoke(app, ["deadlines", "--on", "2026-09-22"])
    assert text.exit_code == 0 and "即将到期" in text.stdout and "异议答复期限" in text.stdout
    bad = runner.invoke(app, ["deadlines", "--on", "2026-02-30"])
    assert bad.exit_code == 2 and "日期无效" in bad.stderr


def test_listing_types_and_show(db_url: str) -> None:
    cid = _case_with_objection(42)
    types = runner.invoke(app, ["listing", "types"])
    assert types.exit_code == 0 and "migrant-wage-arrears" in types.stdout and "court-dishonest-debtor" in types.stdout
    shown = runner.invoke(app, ["listing", "show", str(cid)])
    assert shown.exit_code == 0
    body = json.loads(shown.stdout)
    assert body["state"] == "objection_received" and body["history_intact"] is True
    missing = runner.invoke(app, ["listing", "show", "999999"])
    assert missing.exit_code == 1 and "未找到" in missing.stderr
