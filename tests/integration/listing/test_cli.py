"""`xinyong deadlines` and `xinyong listing ...` against a real database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.integration.listing.helpers import DEPT, listed_case, make_subject, officer
from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden
from xinyong.core.models import AccessLogEntry
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


def _log(action: str) -> list[AccessLogEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == action)
                              .order_by(AccessLogEntry.id)))


def test_expire_is_the_platforms_logged_batch(db_url: str, test_clock: Any) -> None:
    """`xinyong listing expire` runs the expire use case as the platform: the expired case is removed,
    the run is logged with its count; a department cannot run it (403 and a refused log entry)."""
    cid, _setup = listed_case(43)  # listed 2026-09-13 for three years
    test_clock.set_today(dt.date(2029, 9, 12))
    nothing = runner.invoke(app, ["listing", "expire", "--on", "2029-09-11"])
    assert nothing.exit_code == 0 and nothing.stdout.strip() == "已移出 0 个期满案件"
    done = runner.invoke(app, ["listing", "expire", "--on", "2029-09-12"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"已移出 1 个期满案件：{cid}"
    with unit_of_work() as s:
        case = service.get_case(s, cid)
        assert case.state == "removed" and case.removal_reason == "period_expired"
    assert [(e.allowed, e.result_count, e.purpose) for e in _log("listing.expire")] == [
        (True, 0, "maintenance"), (True, 1, "maintenance")]
    with pytest.raises(Forbidden):
        service.expire_listings(officer(), dt.date(2029, 9, 12))
    refused = _log("listing.expire")[-1]
    assert refused.allowed is False and refused.department == officer().department and refused.reason


def test_deadlines_department_filter_and_show_use_cases(db_url: str) -> None:
    cid = _case_with_objection(44)
    mine = runner.invoke(app, ["deadlines", "--on", "2026-09-24", "--json", "--department", DEPT])
    assert [r["case_id"] for r in json.loads(mine.stdout)["deadlines"]] == [cid]
    other = runner.invoke(app, ["deadlines", "--on", "2026-09-24", "--json", "--department", "淮安市税务局"])
    assert json.loads(other.stdout)["deadlines"] == []
    shown = json.loads(runner.invoke(app, ["listing", "show", str(cid)]).stdout)
    assert shown["id"] == cid and [d["kind"] for d in shown["documents"]] == ["notice"]
    read = [e for e in _log("listing.read") if e.subject_key is not None]
    assert read and read[-1].allowed is True and read[-1].principal_name == "系统"
