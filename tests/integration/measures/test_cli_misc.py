"""`xinyong measures list`, `xinyong push add-receiver` / `push status` / `push run --once`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.core.db import unit_of_work
from xinyong.core.outbox import enqueue


def test_measures_list_filters_by_matter(db_url: str) -> None:
    out = CliRunner().invoke(app, ["measures", "list", "--matter", "appointment"])
    assert out.exit_code == 0, out.output
    codes = {json.loads(line)["code"] for line in out.output.splitlines()}
    assert codes == {"company-officer-bar", "other-enterprise-officer-bar"}
    bad = CliRunner().invoke(app, ["measures", "list", "--matter", "nothing"])
    assert bad.exit_code == 1 and "行政事项" in bad.output


def test_push_receiver_cli_and_status(db_url: str) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["push", "add-receiver", "unit-x", "--url", "http://127.0.0.1:9/x", "--unit", "某单位",
                               "--measure", "procurement-ban", "--region", "320800"])
    assert made.exit_code == 0, made.output
    assert len(json.loads(made.output)["secret"]) > 30
    again = runner.invoke(app, ["push", "add-receiver", "unit-x", "--url", "http://127.0.0.1:9/x", "--unit", "某单位"])
    assert again.exit_code == 1 and "已存在" in again.output
    unknown = runner.invoke(app, ["push", "add-receiver", "unit-y", "--url", "http://127.0.0.1:9/x", "--unit", "u",
                                  "--measure", "made-up"])
    assert unknown.exit_code == 1 and "清单" in unknown.output
    with unit_of_work() as s:
        mid = enqueue(s, "repair.granted", {"subject_key": "k"}, ["unit-x"]).id
    ran = runner.invoke(app, ["push", "run", "--once", "--lease", "5"])
    assert ran.exit_code == 0 and json.loads(ran.output) == {"delivered": 0, "failed": 1}
    status = runner.invoke(app, ["push", "status", str(mid)])
    rows = json.loads(status.output)
    assert rows[0]["channel"] == "unit-x" and rows[0]["status"] == "retrying" and rows[0]["attempts"] == 1


def test_register_unit_and_receivers_cli(db_url: str) -> None:
    from tests.factories import make_api_key
    from tests.integration.measures.units import authority_uscc

    runner = CliRunner()
    assert runner.invoke(app, ["push", "add-receiver", "unit-z", "--url", "http://127.0.0.1:9/z",
                               "--unit", "淮安市某局"]).exit_code == 0
    make_api_key("implementing_unit", department="淮安市某局")
    from sqlalchemy import select

    from xinyong.core.db import unit_of_work
    from xinyong.core.models import Principal

    with unit_of_work() as s:
        pid = s.scalars(select(Principal.id).order_by(Principal.id.desc())).first()
    assert pid is not None
    bad = runner.invoke(app, ["push", "register-unit", str(pid), "--uscc", "ABC"])
    assert bad.exit_code == 1 and "统一社会信用代码无效" in bad.output
    ok = runner.invoke(app, ["push", "register-unit", str(pid), "--uscc", authority_uscc(pid), "--channel", "unit-z"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["channel"] == "unit-z"
    overview = runner.invoke(app, ["push", "receivers"])
    assert overview.exit_code == 0 and json.loads(overview.output)[0]["channel"] == "unit-z"
    missing = runner.invoke(app, ["push", "receivers", "nothing-here"])
    assert missing.exit_code == 1 and "不存在" in missing.output
    key = runner.invoke(app, ["push", "signing-key"])
    assert key.exit_code == 0 and json.loads(key.output)["alg"] == "Ed25519"
