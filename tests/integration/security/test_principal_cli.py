"""`xinyong principal create`: bad input gets a clear error and creates nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from xinyong.core.db import unit_of_work
from xinyong.core.models import Principal


def test_principal_create_refuses_an_unknown_region(db_url: str) -> None:
    from typer.testing import CliRunner

    from xinyong.cli import app

    bad = CliRunner().invoke(app, ["principal", "create", "某单位", "--role", "implementing_unit", "--region", "999999"])
    assert bad.exit_code != 0 and "行政区划代码无效" in bad.output
    ok = CliRunner().invoke(app, ["principal", "create", "某单位", "--role", "implementing_unit", "--region", "320800"])
    assert ok.exit_code == 0 and '"api_key"' in ok.output
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Principal).where(Principal.name == "某单位")) == 1
