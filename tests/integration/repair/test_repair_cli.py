"""`xinyong repair ...`: rules, agency registry, training, candidates, show, overdue."""

from __future__ import annotations

import datetime as dt
import json
import random

from typer.testing import CliRunner

from tests.factories import uscc
from tests.integration.repair.conftest import World, part, set_today
from xinyong.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["repair", *args])
    return result.exit_code, result.output


def test_rules_show_periods_conditions_and_basis() -> None:
    code, out = _run("rules", "--kind", "catalog_item", "--on", "2026-11-23")
    assert code == 0
    data = json.loads(out)
    assert "国家发展改革委令第36号" in data["period_regime"]
    penalty = next(r for r in data["rules"] if r["target"] == "admin-penalty")
    assert penalty["min_months"] == {"minor": 0, "general": 3, "serious": 12}
    assert "公开作出信用承诺" in penalty["conditions"] and penalty["time_limit_workdays"] == 3
    older = json.loads(_run("rules", "--kind", "catalog_item", "--on", "2025-01-01")[1])
    assert next(r for r in older["rules"] if r["target"] == "admin-penalty")["min_months"]["serious"] == 3
    local = json.loads(_run("rules", "--region", "320812")[1])
    assert any(r["target"] == "js-wage-arrears" and r["region"] == "320800" for r in local["rules"])
    assert not any(r["target"] == "js-wage-arrears" for r in json.loads(_run("rules", "--region", "110105")[1])["rules"])


def test_agency_registry_from_the_command_line(db_url: str) -> None:
    code, out = _run("agency", "add", "江苏示例征信服务有限公司", "--uscc", uscc(random.Random(3)),
                     "--filing-number", "苏信备2023-007")
    assert code == 0, out
    agency = json.loads(out)
    assert agency["status"] == "active"
    code, out = _run("agency", "suspend", str(agency["id"]), "--reason", "未按规定报送")
    assert code == 0 and json.loads(out)["status"] == "suspended"
    assert json.loads(_run("agency", "list")[1])[0]["status_reason"] == "未按规定报送"
    code, out = _run("agency", "reinstate", str(agency["id"]))
    assert code == 0 and json.loads(out)["status"] == "active"
    code, out = _run("agency", "add", "无效机构", "--uscc", "12345", "--filing-number", "x")
    assert code == 1 and "统一社会信用代码无效" in out


def test_training_candidates_show_and_overdue(world: World) -> None:
    set_today(dt.date(2026, 11, 23))
    rec = world.record()
    code, out = _run("training", world.code, "--hours", "3", "--provider", "淮安市信用办", "--attendee", "张伟",
                     "--on", "2026-11-02")
    assert code == 0, out
    assert _run("training", world.code, "--hours", "-1", "--provider", "x", "--attendee", "y",
                "--on", "2026-11-02")[0] == 1
    found = json.loads(_run("candidates", world.code)[1])
    assert [c["id"] for c in found["records"]] == [rec]
    world.commit()
    app_json = world.apply([part("record", rec)]).json()
    shown = json.loads(_run("show", app_json["number"])[1])
    assert shown["id"] == app_json["id"] and shown["status"] == "processing"
    assert _run("overdue")[0] == 0
    set_today(dt.date(2026, 12, 1))
    code, out = _run("overdue")
    assert code == 1 and json.loads(out)[0]["application"] == app_json["number"]
    assert _run("show", "XF000")[0] == 1
